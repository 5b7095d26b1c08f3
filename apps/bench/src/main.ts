import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BenchServer, log, type Row } from './bench.support';
import { feedBench } from './feed.bench';
import { httpBench } from './http.bench';
import { inputBench } from './input.bench';
import { readBench } from './read.bench';
import { storeBench } from './store.bench';

const USAGE = `npm run bench [-- options]

  --only LIST      benchmarks to run, of http,feed,store,read,rebuild,input (default: all)
  --rounds N       alternating rounds of each side-by-side comparison (default 3)
  --seconds S      seconds of each measured round (default 10)
  --events N       events of the store read and rebuilt (default 300000)
  --reads N        measured requests of each heavy read (default 200)
  --deals N        deals the HTTP claims are spread over (default 1000)
  --connections N  HTTP connections (default 32)
  --clients N      live feed connections of the feed benchmark (default 500)
  --rate N         claims/s written while the feed clients listen (default 200)
  --json FILE      also write the figures as JSON

DATABASE_URL: a server to use (the bench creates and drops its own databases);
without it an embedded PostgreSQL runs in a temporary directory.`;

/** Each benchmark: the key of its details, the names of --only that run it (read and rebuild share one store), its function. */
const BENCHES: [string, string[], (server: BenchServer, options: Options) => Promise<{ rows: Row[]; details: unknown }>][] = [
  ['http', ['http'], httpBench],
  ['feed', ['feed'], feedBench],
  ['store', ['store'], storeBench],
  ['read', ['read', 'rebuild'], readBench],
  ['input', ['input'], inputBench],
];
const NAMES: string[] = BENCHES.flatMap(([, names]) => names);

export type Options = ReturnType<typeof options>;

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: NAMES.join(',') },
      rounds: { type: 'string', default: '3' },
      seconds: { type: 'string', default: '10' },
      events: { type: 'string', default: '300000' },
      reads: { type: 'string', default: '200' },
      deals: { type: 'string', default: '1000' },
      connections: { type: 'string', default: '32' },
      clients: { type: 'string', default: '500' },
      rate: { type: 'string', default: '200' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const only = new Set(values.only.split(',').map((s) => s.trim()));
  for (const name of only) if (!NAMES.includes(name)) throw new Error(`--only: unknown benchmark ${name}\n\n${USAGE}`);
  const number = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number\n\n${USAGE}`);
    return value;
  };
  return {
    only,
    rounds: Math.round(number('rounds')),
    seconds: number('seconds'),
    events: Math.round(number('events')),
    reads: Math.round(number('reads')),
    deals: Math.round(number('deals')),
    connections: Math.round(number('connections')),
    clients: Math.round(number('clients')),
    rate: number('rate'),
    json: values.json,
  };
}

/** Lines of the .ts files under `dir`, tests included. */
function lineCount(dir: string): number {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  return files.reduce((lines, file) => lines + readFileSync(join(dir, file), 'utf8').split('\n').length - 1, 0);
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}

function printTable(rows: Row[]): void {
  const header = ['bench', 'figure', 'value', 'target', 'result'];
  const cells = rows.map((r) => [r.bench, r.figure, `${format(r.value)} ${r.unit}`.trim(), r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]) => c.map((x, i) => (i === 2 ? x.padStart(widths[i] as number) : x.padEnd(widths[i] as number))).join('  ').trimEnd();
  console.log(['', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n'));
}

async function main(): Promise<void> {
  const opts = options();
  const started = new Date();
  const loadBefore = loadavg()[0] ?? 0;
  const server = await BenchServer.start();
  const onSignal = (): void => {
    console.error('interrupted: dropping the bench databases');
    void server.stop().finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, onSignal);

  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  try {
    for (const [name, names, bench] of BENCHES) {
      if (!names.some((n) => opts.only.has(n))) continue;
      const result = await bench(server, opts);
      rows.push(...result.rows);
      details[name] = result.details;
    }
  } finally {
    await server.stop();
  }

  const root = process.cwd();
  const sizes = { projections: lineCount(join(root, 'libs/newsroom/src/projections')), bench: lineCount(join(root, 'apps/bench')) };
  rows.push(
    { bench: 'size', figure: 'lines of libs/newsroom/src/projections/', value: sizes.projections, unit: '' },
    { bench: 'size', figure: 'lines of apps/bench/', value: sizes.bench, unit: '' },
  );
  printTable(rows);
  // the load average before and after says how busy the shared machine was
  const load = `load ${loadBefore.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)}`;
  const machine = `${availableParallelism()} x ${cpus()[0]?.model ?? 'cpu'}, ${load}, Node ${process.version}, PostgreSQL ${process.env.DATABASE_URL ? 'of DATABASE_URL' : 'embedded'}`;
  console.log(`\n${started.toISOString()}  ${machine}  ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
  if (opts.json) {
    const { json, only, ...settings } = opts;
    const report = { date: started.toISOString(), machine, options: { ...settings, only: [...only] }, rows, sizes, details };
    writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
    log(`figures written to ${json}`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
