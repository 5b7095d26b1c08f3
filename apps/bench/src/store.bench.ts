/**
 * Event store write benchmark: EventStore.append against a bare INSERT into a
 * table identical to es_events, on the same database, pool and query path.
 *
 *   npm run bench:store
 *
 * Environment:
 *   DATABASE_URL          a server to use instead of an embedded PostgreSQL; the
 *                         benchmark creates (and drops) its own database on it
 *   BENCH_SECONDS         measured seconds of each run (default 8)
 *   BENCH_WARMUP_SECONDS  warm-up seconds before each run's measurement (default 2)
 *   BENCH_ROUNDS          rounds of bare, store, store, bare per load (default 1)
 *   BENCH_STREAMS         streams per writer (default 4)
 */
import { createHash, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EventStore, type JsonObject, type NewEvent } from '@app/event-store';
import { dataSourceOptions } from '@app/platform';
import { migrations } from '../../../migrations';
import { BenchServer } from './bench-server';

const SECONDS = positive('BENCH_SECONDS', 8);
const WARMUP_SECONDS = positive('BENCH_WARMUP_SECONDS', 2, true);
const ROUNDS = Math.max(1, Math.floor(positive('BENCH_ROUNDS', 1)));
const STREAMS_PER_WRITER = Math.max(1, Math.floor(positive('BENCH_STREAMS', 4)));
const EVENT_TYPE = 'ClaimRecorded';

interface Load {
  id: 'a' | 'b';
  name: string;
  writers: number;
  /** Events per transaction. */
  batch: number;
  /** Minimum store/bare ratio. */
  target: number;
}

const LOADS: Load[] = [
  { id: 'a', name: 'a) 8 writers x 1 event/tx', writers: 8, batch: 1, target: 0.5 },
  { id: 'b', name: 'b) 4 writers x 100 events/tx', writers: 4, batch: 100, target: 0.4 },
];
const POOL_SIZE = Math.max(...LOADS.map((l) => l.writers)) + 2;

type Side = 'store' | 'bare';

interface RunResult {
  side: Side;
  events: number;
  transactions: number;
  seconds: number;
  latenciesMs: number[];
}

/** One writer's operation: writes `batch` events to the stream in one transaction. */
type Operation = (stream: WriterStream, batch: number) => Promise<void>;

interface WriterStream {
  id: string;
  version: number;
  lastHash: string;
}

// ---------------------------------------------------------------- the events

const OUTLETS = ['Le Monde', 'The Guardian', 'Süddeutsche Zeitung', 'El País', 'Reuters', 'AP'];
const KINDS = ['statistic', 'quote', 'budget', 'forecast'];
let sequence = 0;

/** A claim as the newsroom records it: ~600 bytes of JSON. */
function claim(): JsonObject {
  const n = ++sequence;
  const occurredAt = new Date(Date.UTC(2024, 10, 1) + (n % 86_400) * 60_000).toISOString();
  return {
    claimId: randomUUID(),
    kind: KINDS[n % KINDS.length],
    statement:
      'Public transport ridership rose by 14 percent last year, the largest rise in a decade.',
    speaker: { name: 'Maria Keller', role: 'Minister of Transport' },
    occurredAt,
    amount: { value: 1_250_000 + (n % 997) * 13, unit: 'EUR' },
    sources: [
      {
        outlet: OUTLETS[n % OUTLETS.length],
        url: `https://news.example.org/politics/2024/11/transport-subsidy-${n}`,
        publishedAt: occurredAt,
        via: 'web',
      },
      {
        outlet: 'Parliament',
        url: 'https://parliament.example.org/records/2024-11-01.pdf',
        publishedAt: occurredAt,
        via: 'document',
      },
    ],
  };
}

function metadata(writer: number): JsonObject {
  return { actor: `user:desk-editor-${writer}`, correlationId: randomUUID() };
}

function newEvents(writer: number, count: number): NewEvent[] {
  const events: NewEvent[] = [];
  for (let i = 0; i < count; i++) events.push({ type: EVENT_TYPE, schemaVersion: 1, data: claim(), metadata: metadata(writer) });
  return events;
}

// ---------------------------------------------------------------- the two sides

function storeOperation(store: EventStore, writer: number): Operation {
  return async (stream, batch) => {
    const result = await store.append(stream.id, stream.version, newEvents(writer, batch));
    stream.version = result.toVersion;
  };
}

const BARE_COLUMNS = 8;

function bareInsertSql(rows: number): string {
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    const p = r * BARE_COLUMNS;
    values.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`);
  }
  return `insert into bench_bare (stream_id, version, type, schema_version, data, metadata, recorded_at, hash) values ${values.join(', ')}`;
}

function bareOperation(dataSource: DataSource, writer: number, batch: number): Operation {
  const sql = bareInsertSql(batch);
  return async (stream, count) => {
    const recordedAt = new Date();
    const recordedAtText = recordedAt.toISOString();
    const parameters: unknown[] = [];
    for (const event of newEvents(writer, count)) {
      const version = stream.version + parameters.length / BARE_COLUMNS + 1;
      const data = JSON.stringify(event.data);
      const meta = JSON.stringify(event.metadata);
      const hash = sha256(
        stream.lastHash +
          JSON.stringify({ streamId: stream.id, version, type: event.type, schemaVersion: 1, data: event.data, metadata: event.metadata, recordedAt: recordedAtText }),
      );
      parameters.push(stream.id, version, event.type, 1, data, meta, recordedAt, hash);
      stream.lastHash = hash;
    }
    await dataSource.query(sql, parameters);
    stream.version += count;
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// ---------------------------------------------------------------- running a load

async function run(dataSource: DataSource, store: EventStore, load: Load, side: Side, tag: string): Promise<RunResult> {
  await checkpoint(dataSource);
  const latencies: number[] = [];
  let events = 0;
  let transactions = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP_SECONDS * 1000;
  const measureTo = measureFrom + SECONDS * 1000;

  const writer = async (w: number): Promise<void> => {
    const operation = side === 'store' ? storeOperation(store, w) : bareOperation(dataSource, w, load.batch);
    const streams: WriterStream[] = [];
    for (let s = 0; s < STREAMS_PER_WRITER; s++) {
      streams.push({ id: `claim-${tag}-${load.id}-${side}-w${w}-s${s}`, version: 0, lastHash: '' });
    }
    let i = 0;
    while (performance.now() < measureTo) {
      const stream = streams[i++ % streams.length];
      const began = performance.now();
      await operation(stream, load.batch);
      const ended = performance.now();
      if (began >= measureFrom && ended <= measureTo) latencies.push(ended - began);
      if (ended >= measureFrom && ended <= measureTo) {
        events += load.batch;
        transactions += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: load.writers }, (_, w) => writer(w)));
  return { side, events, transactions, seconds: SECONDS, latenciesMs: latencies };
}

/** Starts every run from a clean checkpoint so neither side pays for the other's dirty pages. */
async function checkpoint(dataSource: DataSource): Promise<void> {
  try {
    await dataSource.query('checkpoint');
  } catch {
    /* not allowed on this server: carry on */
  }
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface LoadSummary {
  load: Load;
  storeRate: number;
  bareRate: number;
  ratio: number;
  storeRuns: number[];
  bareRuns: number[];
  storeLatency: { p50: number; p99: number };
  bareLatency: { p50: number; p99: number };
}

function summarize(load: Load, runs: RunResult[]): LoadSummary {
  const rate = (r: RunResult): number => r.events / r.seconds;
  const of = (side: Side): RunResult[] => runs.filter((r) => r.side === side);
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  const storeRuns = of('store').map(rate);
  const bareRuns = of('bare').map(rate);
  const latency = (side: Side) => {
    const all = of(side).flatMap((r) => r.latenciesMs);
    return { p50: percentile(all, 50), p99: percentile(all, 99) };
  };
  const storeRate = mean(storeRuns);
  const bareRate = mean(bareRuns);
  return { load, storeRate, bareRate, ratio: storeRate / bareRate, storeRuns, bareRuns, storeLatency: latency('store'), bareLatency: latency('bare') };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  let dataSource: DataSource | undefined;
  const closeDataSource = async () => {
    if (dataSource?.isInitialized) await dataSource.destroy().catch(() => undefined);
  };
  const postgres = await BenchServer.start('store', log, closeDataSource);
  const embedded = !process.env.DATABASE_URL;
  const cleanup = async (): Promise<void> => {
    await closeDataSource();
    await postgres.stop();
  };

  try {
    const url = await postgres.createDatabase(`bench_store_${Date.now()}`);
    dataSource = new DataSource(dataSourceOptions(url, [], migrations, POOL_SIZE));
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    await dataSource.query('create table bench_bare (like es_events including all)');
    await assertSameShape(dataSource);
    const store = new EventStore(dataSource);

    const sample = newEvents(0, 1)[0];
    const dataBytes = Buffer.byteLength(JSON.stringify(sample.data));
    const metadataBytes = Buffer.byteLength(JSON.stringify(sample.metadata));
    const [server]: { version: string; full: string }[] = await dataSource.query(
      `select current_setting('server_version') as version, version() as full`,
    );
    const settings: { name: string; setting: string }[] = await dataSource.query(
      `select name, current_setting(name) as setting from pg_settings
        where name in ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'max_wal_size', 'commit_delay')
        order by name`,
    );

    const tag = Date.now().toString(36);
    const summaries: LoadSummary[] = [];
    for (const load of LOADS) {
      const runs: RunResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        for (const side of ['bare', 'store', 'store', 'bare'] as Side[]) {
          const result = await run(dataSource, store, load, side, `${tag}${round}${runs.length}`);
          runs.push(result);
          log(
            `${load.name.padEnd(30)} ${side.padEnd(5)} ${fmt(result.events / result.seconds).padStart(8)} events/s` +
              `  (${result.transactions} tx, p50 ${result.latenciesMs.length ? percentile(result.latenciesMs, 50).toFixed(2) : '-'} ms,` +
              ` p99 ${result.latenciesMs.length ? percentile(result.latenciesMs, 99).toFixed(2) : '-'} ms)`,
          );
        }
      }
      summaries.push(summarize(load, runs));
    }

    const verify = await store.verify();
    const [sizes]: { data: string; metadata: string }[] = await dataSource.query(
      'select avg(pg_column_size(data))::int as data, avg(pg_column_size(metadata))::int as metadata from es_events',
    );

    console.log('');
    console.log(
      `${'load'.padEnd(30)} ${'store ev/s'.padStart(11)} ${'bare ev/s'.padStart(11)} ${'store/bare'.padStart(10)} ${'target'.padStart(7)}  result`,
    );
    for (const s of summaries) {
      console.log(
        `${s.load.name.padEnd(30)} ${fmt(s.storeRate).padStart(11)} ${fmt(s.bareRate).padStart(11)} ${pct(s.ratio).padStart(10)} ${('>= ' + pct(s.load.target)).padStart(7)}  ${s.ratio >= s.load.target ? 'ok' : 'MISSED'}`,
      );
    }
    console.log('');
    console.log(`PostgreSQL ${server.version}${embedded ? ' (embedded)' : ''}: ${server.full}`);
    console.log(`server settings: ${settings.map((s) => `${s.name}=${s.setting}`).join(', ')}`);
    console.log(
      `writers: ${LOADS.map((l) => `${l.id}=${l.writers}`).join(', ')}; pool ${POOL_SIZE}; streams/writer ${STREAMS_PER_WRITER}; ` +
        `${SECONDS} s measured after ${WARMUP_SECONDS} s warm-up per run; ${ROUNDS} round(s) of bare,store,store,bare`,
    );
    console.log(
      `event: data ${dataBytes} B + metadata ${metadataBytes} B of JSON (${dataBytes + metadataBytes} B); jsonb stored ${sizes.data} + ${sizes.metadata} B; ` +
        `hash chains verified: ${verify.ok ? 'ok' : 'BROKEN'} (${verify.checked} events, ${verify.streams} streams)`,
    );
    console.log(
      JSON.stringify({
        bench: 'store',
        postgres: server.version,
        embedded: Boolean(embedded),
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        rounds: ROUNDS,
        streamsPerWriter: STREAMS_PER_WRITER,
        eventBytes: { data: dataBytes, metadata: metadataBytes },
        settings: Object.fromEntries(settings.map((s) => [s.name, s.setting])),
        loads: summaries.map((s) => ({
          load: s.load.id,
          writers: s.load.writers,
          eventsPerTx: s.load.batch,
          storeEventsPerSec: round1(s.storeRate),
          bareEventsPerSec: round1(s.bareRate),
          ratio: Number(s.ratio.toFixed(4)),
          target: s.load.target,
          pass: s.ratio >= s.load.target,
          storeRuns: s.storeRuns.map(round1),
          bareRuns: s.bareRuns.map(round1),
          storeLatencyMs: { p50: round3(s.storeLatency.p50), p99: round3(s.storeLatency.p99) },
          bareLatencyMs: { p50: round3(s.bareLatency.p50), p99: round3(s.bareLatency.p99) },
        })),
        verified: verify.ok,
      }),
    );
  } finally {
    await cleanup();
  }
}

/** bench_bare must be es_events' twin: same columns, types, defaults and indexes. */
async function assertSameShape(dataSource: DataSource): Promise<void> {
  const columns = async (table: string): Promise<string> => {
    const rows: { d: string }[] = await dataSource.query(
      `select string_agg(format('%s %s %s %s %s', column_name, data_type, is_nullable, coalesce(column_default, ''), is_identity), ', ' order by ordinal_position) as d
         from information_schema.columns where table_schema = current_schema() and table_name = $1`,
      [table],
    );
    return rows[0].d;
  };
  const indexes = async (table: string): Promise<string> => {
    const rows: { d: string }[] = await dataSource.query(
      `select string_agg(def, '; ' order by def) as d
         from (select regexp_replace(pg_get_indexdef(indexrelid), '^.* USING ', '') as def
                 from pg_index where indrelid = $1::regclass) i`,
      [table],
    );
    return rows[0].d;
  };
  const [ec, bc, ei, bi] = await Promise.all([columns('es_events'), columns('bench_bare'), indexes('es_events'), indexes('bench_bare')]);
  if (ec !== bc || ei !== bi) {
    throw new Error(`bench_bare differs from es_events:\n${ec}\n${bc}\n${ei}\n${bi}`);
  }
}


function positive(name: string, fallback: number, allowZero = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function pct(n: number): string {
  return `${(n * 100).toFixed(1)}%`;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function log(line: string): void {
  console.error(`[bench:store] ${line}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
