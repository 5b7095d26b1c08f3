import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { ADMIN_KEY, apiSettings, BenchServer, CLAIM_BODY, log, mean, openDeals, percentile, POOL_SIZE, post, postCreated, runLoad, sidesOf, type Endpoint, type Row } from './bench.support';
import type { LoadResult } from './load.worker';
import type { Options } from './main';

const TARGET_P99_MS = 1000;
/** The share of the asked rate the paced writes must reach for their delays to count as measured at that rate. */
const PACE_KEPT = 0.95;
/** How long the clients have, after the last write, to receive every event; what has not come by then is missing. */
const DELIVERY_GRACE_MS = 10_000;
const CLAIM_FIELD = '"claimId":"';
const UUID_LENGTH = 36;

/**
 * The live feed under load: `--clients` connections to `GET /feed` on one API process while claims are written at `--rate` claims/s,
 * each event's delay from the writer's 201 to its arrival at every client; then the write path's throughput with and without those
 * clients, in alternating rounds.
 */
export async function feedBench(server: BenchServer, options: Options): Promise<{ rows: Row[]; details: unknown }> {
  const api = await startApiProcess(await server.createDatabase('feed'), options.clients + options.connections + 100);
  const writer = new Agent({ keepAlive: true, maxSockets: options.connections });
  try {
    const sharing =
      `the API runs in a process of its own; the ${options.clients} clients, the paced writer and autocannon's thread run in the bench's process, ` +
      `on the same ${availableParallelism()} cores as the API and PostgreSQL`;
    log(`feed: ${sharing}`);
    log(`feed: opening ${options.deals} deals`);
    const paths = await openDeals(api, writer, options.deals);
    const paced = await measureDelivery(api, writer, paths, options);
    const { runs, cpuPerClaim, missing, cutOff } = await measureThroughput(api, paths, options);

    const claimsPerSecond = (side: Side) => mean(runs[side].map((r) => r.perSecond));
    const ratio = claimsPerSecond('with') / claimsPerSecond('without');
    const failures = paced.failures + [...runs.with, ...runs.without].reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    const n = options.clients;
    const pace = PACE_KEPT * options.rate;
    const rows: Row[] = [
      { bench: 'feed', figure: `feed clients open on the API (asked ${n})`, value: paced.serverClients, unit: '', target: `= ${n}`, met: paced.serverClients === n },
      // below the rate asked, the API could not keep up and the delays are those of a lower rate
      { bench: 'feed', figure: 'claims/s recorded, paced', value: paced.perSecond, unit: '/s', target: `>= ${Math.round(pace)}`, met: paced.perSecond >= pace },
      { bench: 'feed', figure: `201 to delivery p50, ${n} clients`, value: paced.p50, unit: 'ms' },
      { bench: 'feed', figure: `201 to delivery p99, ${n} clients`, value: paced.p99, unit: 'ms', target: `< ${TARGET_P99_MS} ms`, met: paced.p99 < TARGET_P99_MS },
      { bench: 'feed', figure: `201 to delivery max, ${n} clients`, value: paced.max, unit: 'ms' },
      { bench: 'feed', figure: 'missing deliveries, paced', value: paced.missing, unit: '', target: '= 0', met: paced.missing === 0 },
      { bench: 'feed', figure: 'CPU of the API process, paced, % of a core', value: paced.apiCpu, unit: '%' },
      { bench: 'feed', figure: 'CPU of the bench process (clients, writer), paced', value: paced.benchCpu, unit: '%' },
      { bench: 'feed', figure: 'claims/s, API without feed clients', value: claimsPerSecond('without'), unit: '/s' },
      { bench: 'feed', figure: `claims/s, API with ${n} feed clients`, value: claimsPerSecond('with'), unit: '/s' },
      { bench: 'feed', figure: 'throughput with / without clients', value: ratio, unit: 'x' },
      { bench: 'feed', figure: 'API CPU per claim without feed clients', value: mean(cpuPerClaim.without), unit: 'ms' },
      { bench: 'feed', figure: `API CPU per claim with ${n} feed clients`, value: mean(cpuPerClaim.with), unit: 'ms' },
      { bench: 'feed', figure: 'missing deliveries, full speed', value: missing, unit: '' },
      { bench: 'feed', figure: 'clients cut off by the server', value: paced.cutOff + cutOff, unit: '', target: '= 0', met: paced.cutOff + cutOff === 0 },
      { bench: 'feed', figure: 'non-2xx and errors of the writes', value: failures, unit: '', target: '= 0', met: failures === 0 },
    ];
    return { rows, details: { ...options, poolSize: POOL_SIZE, sharing, commitTime: "the writer's 201", paced, runs, cpuPerClaim, missingAtFullSpeed: missing } };
  } finally {
    writer.destroy();
    await api.stop();
  }
}

type ApiProcess = Endpoint & { pid: number; stop(): Promise<void> };

/**
 * The API as `npm run start:prod` runs it, in a process of its own so that it does not share an event loop with the clients.
 * The rate limit is the http bench's and the connection cap is raised: neither is what is measured.
 */
async function startApiProcess(databaseUrl: string, maxConnections: number): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--max-semi-space-size=64', join(__dirname, '../../api/src/main.js')], {
    env: { ...apiSettings(databaseUrl), HOST: '127.0.0.1', PORT: String(port), HTTP_MAX_CONNECTIONS: String(maxConnections) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // the API logs to stdout: its lines join the bench's log, away from the table
  child.stdout?.pipe(process.stderr);
  // an 'error' event (the process could not start) rejects: it has ended all the same
  const exited = once(child, 'exit').catch(() => undefined);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    const began = performance.now();
    while (!(await fetch(`${url}/health`).then((r) => r.ok, () => false))) {
      if (child.exitCode !== null || child.pid === undefined) throw new Error(`the API process stopped with ${child.exitCode}`);
      if (performance.now() - began > 60_000) throw new Error('the API process did not answer /health within 60 s');
      await delay(250);
    }
    const created = await postCreated(new Agent(), { url, editorKey: ADMIN_KEY }, '/api-keys', { name: 'bench editor', roles: ['editor'] });
    return { url, pid: child.pid as number, editorKey: String(created.key), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * One `GET /feed` connection. The bench's cores are shared with the server, so the parser does little: it splits the stream at
 * blank lines, counts the blocks with a `data:` line and takes the claim id out of the JSON by place.
 */
class FeedReader {
  received = 0;
  /** The server ended the stream: a cut-off, or a failure. */
  ended = false;
  private rest = '';

  constructor(
    private readonly index: number,
    private readonly clients: FeedClients,
  ) {}

  take(chunk: string, at: number): void {
    const text = this.rest + chunk;
    let start = 0;
    for (let end = text.indexOf('\n\n'); end >= 0; start = end + 2, end = text.indexOf('\n\n', start)) {
      const data = text.indexOf('\ndata: ', start);
      if (data < 0 || data > end) continue;
      this.received++;
      const field = text.indexOf(CLAIM_FIELD, data);
      if (field >= 0 && field < end) this.clients.onClaim?.(this.index, text.slice(field + CLAIM_FIELD.length, field + CLAIM_FIELD.length + UUID_LENGTH), at);
    }
    this.rest = text.slice(start);
  }
}

/** Feed connections opened together, each from the end of the log at the time. */
class FeedClients {
  readonly readers: FeedReader[] = [];
  /** Called with each event about a claim, and when its chunk arrived. */
  onClaim?: (reader: number, claimId: string, at: number) => void;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  private closing = false;

  constructor(private readonly api: ApiProcess) {}

  /** Connects `count` clients at once and, once each has had the server's first comment, gives the feed connections the API counts. */
  async open(count: number): Promise<number> {
    await Promise.all(Array.from({ length: count }, (_, i) => this.connect(i)));
    return serverClientsReach(this.api, count);
  }

  private connect(index: number): Promise<void> {
    const reader = new FeedReader(index, this);
    this.readers.push(reader);
    return new Promise((resolve, reject) => {
      const headers = { authorization: `Bearer ${this.api.editorKey}`, accept: 'text/event-stream' };
      const req = request(`${this.api.url}/feed`, { agent: this.agent, headers }, (res) => {
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => reject(new Error(`GET /feed: ${res.statusCode} ${text}`)));
          return;
        }
        res.setEncoding('utf8');
        res.once('data', () => resolve());
        res.on('data', (chunk: string) => reader.take(chunk, performance.now()));
      });
      // the request closes when the server ends the stream or the connection fails, and when close() below ends it
      req.on('close', () => (reader.ended ||= !this.closing));
      req.on('error', reject);
      req.end();
    });
  }

  /** Waits until every open reader has `events` events or the grace has passed; the events short of that. */
  async waitFor(events: number): Promise<number> {
    const deadline = performance.now() + DELIVERY_GRACE_MS;
    while (performance.now() < deadline && this.readers.some((r) => r.received < events && !r.ended)) await delay(20);
    return this.readers.reduce((sum, r) => sum + Math.max(0, events - r.received), 0);
  }

  get cutOff(): number {
    return this.readers.filter((r) => r.ended).length;
  }

  /** Closes every connection and waits until the server has let them go. */
  async close(): Promise<void> {
    this.closing = true;
    // the agent ends its connections, those in use included
    this.agent.destroy();
    await serverClientsReach(this.api, 0);
  }
}

/** Waits until the API counts `count` feed connections (its `newsroom_feed_clients` gauge); the count it gives. */
async function serverClientsReach(api: ApiProcess, count: number): Promise<number> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const open = Number(/^newsroom_feed_clients (\d+)$/m.exec(text)?.[1] ?? NaN);
    if (open === count || performance.now() > deadline) return open;
    await delay(100);
  }
}

/** CPU seconds a process has used (user and system), from /proc; NaN where there is none. */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the command's name in parentheses: state is field 3, utime and stime fields 14 and 15, in 1/100 s
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

interface Write {
  /** When the request was handed to the writer's agent, where it may wait for one of its connections. */
  sent: number;
  /** When the 201 arrived: the latest the claim can have been committed. */
  committed: number;
  claimId?: string;
}

/**
 * Writes `rate` claims a second over the deals for `seconds`, each sent at its due time whether or not earlier ones have been
 * answered; the claims recorded per second, from the first send to the last 201.
 */
async function pacedWrites(api: ApiProcess, agent: Agent, paths: string[], rate: number, seconds: number): Promise<{ writes: Write[]; recorded: Write[]; perSecond: number }> {
  const total = Math.round(rate * seconds);
  const body = JSON.stringify(CLAIM_BODY);
  const began = performance.now();
  const pending: Promise<Write>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = began + (i * 1000) / rate - performance.now();
    if (wait > 0) await delay(wait);
    const sent = performance.now();
    const write = post(agent, api, paths[i % paths.length] as string, body).then(
      (answer) => ({ sent, committed: performance.now(), claimId: answer.status === 201 ? (JSON.parse(answer.body) as { claimId: string }).claimId : undefined }),
      () => ({ sent, committed: NaN }),
    );
    pending.push(write);
  }
  const writes = await Promise.all(pending);
  const recorded = writes.filter((w) => w.claimId !== undefined);
  const lastAnswer = Math.max(...recorded.map((w) => w.committed));
  return { writes, recorded, perSecond: recorded.length / ((lastAnswer - began) / 1000) };
}

/** The clients listen while the claims are written at the paced rate; every delivery is matched to its claim by id. */
async function measureDelivery(api: ApiProcess, agent: Agent, paths: string[], options: Options) {
  const n = options.clients;
  log(`feed: connecting ${n} clients`);
  const clients = new FeedClients(api);
  const serverClients = await clients.open(n);
  const deliveries = new Map<string, Float64Array>();
  clients.onClaim = (reader, claimId, at) => {
    let times = deliveries.get(claimId);
    if (times === undefined) deliveries.set(claimId, (times = new Float64Array(n).fill(NaN)));
    times[reader] = at;
  };
  log(`feed: ${options.rate} claims/s for ${options.seconds} s to ${serverClients} clients`);
  const cpuBefore = { api: cpuSeconds(api.pid), bench: cpuSeconds(process.pid), at: performance.now() };
  const { writes, recorded, perSecond } = await pacedWrites(api, agent, paths, options.rate, options.seconds);
  await clients.waitFor(recorded.length);
  const wall = (performance.now() - cpuBefore.at) / 1000;
  const apiCpu = ((cpuSeconds(api.pid) - cpuBefore.api) / wall) * 100;
  const benchCpu = ((cpuSeconds(process.pid) - cpuBefore.bench) / wall) * 100;
  const cutOff = clients.cutOff;
  await clients.close();

  const fromCommit: number[] = [];
  const fromSent: number[] = [];
  // whether what is missing is a few events for every client or a few clients for every event
  const claimsShort = new Set<string>();
  const clientsShort = new Set<number>();
  for (const write of recorded) {
    const times = deliveries.get(write.claimId as string);
    for (let i = 0; i < n; i++) {
      const at = times?.[i] ?? NaN;
      if (Number.isNaN(at)) {
        claimsShort.add(write.claimId as string);
        clientsShort.add(i);
      } else {
        fromCommit.push(at - write.committed);
        fromSent.push(at - write.sent);
      }
    }
  }
  const result = {
    serverClients,
    writes: writes.length,
    failures: writes.length - recorded.length,
    perSecond,
    deliveries: fromCommit.length,
    missing: recorded.length * n - fromCommit.length,
    claimsShort: claimsShort.size,
    clientsShort: clientsShort.size,
    cutOff,
    p50: percentile(fromCommit, 50),
    p99: percentile(fromCommit, 99),
    max: percentile(fromCommit, 100),
    // a client can get the event before the writer has read its 201
    beforeAnswer: fromCommit.filter((ms) => ms < 0).length,
    sentP50: percentile(fromSent, 50),
    sentP99: percentile(fromSent, 99),
    apiCpu,
    benchCpu,
  };
  log(
    `feed paced: ${perSecond.toFixed(0)} claims/s, ${result.deliveries} deliveries (${result.beforeAnswer} before the 201), 201 to delivery ` +
      `p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms max ${result.max.toFixed(1)} ms, sent to delivery p99 ${result.sentP99.toFixed(1)} ms, ` +
      `missing ${result.missing} (${claimsShort.size} claims, ${clientsShort.size} clients), cut off ${cutOff}, CPU API ${apiCpu.toFixed(0)} % bench ${benchCpu.toFixed(0)} %`,
  );
  return result;
}

type Side = 'with' | 'without';

/**
 * Full-speed writes as the http bench makes them, with the clients connected and without, in alternating rounds. After a round
 * with clients, they get the time to receive every claim the round recorded before they close.
 */
async function measureThroughput(api: ApiProcess, paths: string[], options: Options) {
  const load = (seconds: number): Promise<LoadResult> => runLoad(api, paths, options.connections, seconds);
  await load(2); // warm-up
  const runs: Record<Side, LoadResult[]> = { with: [], without: [] };
  // the API's CPU per claim recorded, which the other processes on the cores disturb less than the throughput
  const cpuPerClaim: Record<Side, number[]> = { with: [], without: [] };
  let missing = 0;
  let cutOff = 0;
  for (let round = 0; round < options.rounds; round++) {
    for (const side of sidesOf(round, 'with' as const, 'without' as const)) {
      const clients = side === 'with' ? new FeedClients(api) : undefined;
      await clients?.open(options.clients);
      const cpuBefore = cpuSeconds(api.pid);
      const result = await load(options.seconds);
      runs[side].push(result);
      let note = '';
      if (clients) {
        // handing the round's last claims to the clients is part of what they cost
        const short = await clients.waitFor(result.ok);
        missing += short;
        cutOff += clients.cutOff;
        note = `  missing ${short}  cut off ${clients.cutOff}`;
      }
      cpuPerClaim[side].push(((cpuSeconds(api.pid) - cpuBefore) * 1000) / result.ok);
      await clients?.close();
      log(
        `feed round ${round + 1} ${side.padEnd(7)} ${result.perSecond.toFixed(0).padStart(6)} claims/s  p50 ${result.p50} ms  p99 ${result.p99} ms` +
          `  API CPU ${(cpuPerClaim[side].at(-1) as number).toFixed(2)} ms/claim  non-2xx ${result.non2xx}  errors ${result.errors}${note}`,
      );
    }
  }
  return { runs, cpuPerClaim, missing, cutOff };
}
