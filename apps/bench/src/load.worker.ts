import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  /** Paths taken in turn, so the connections in flight write to different deals. */
  paths: string[];
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
}

/** Runs one autocannon round in a thread of its own, so the load generator does not share the servers' event loop. */
async function run({ url, connections, seconds, paths, headers, body }: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const setupRequest = (request: object) => ({ ...request, path: paths[next++ % paths.length] });
  const settings = { url, connections, duration: seconds, requests: [{ method: 'POST', headers, body, setupRequest }] };
  const result = autocannon.aggregateResult([await autocannon(settings)], settings);
  return {
    ok: result['2xx'],
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats).map(([status, s]) => [status, s.count])),
  };
}

// a failure is left unhandled, so that it ends the thread with an 'error' event
void run(workerData as LoadOptions).then((result) => parentPort?.postMessage(result));
