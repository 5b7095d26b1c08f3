/** The part of autocannon's programmatic API the bench uses (the package ships no types). */
declare module 'autocannon' {
  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: Request) => Request;
  }

  interface Options {
    url: string;
    connections: number;
    duration: number;
    requests: Request[];
  }

  interface Result {
    duration: number;
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    statusCodeStats: Record<string, { count: number }>;
  }

  /** Outside the main thread the promise gives raw results, to be passed to aggregateResult. */
  function autocannon(options: Options): Promise<unknown>;
  namespace autocannon {
    function aggregateResult(results: unknown[], options: Options): Result;
  }
  export = autocannon;
}
