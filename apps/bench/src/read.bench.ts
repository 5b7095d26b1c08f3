/**
 * Read-side benchmark: rebuilding the deal projections from a large log, then
 * reading through the real API.
 *
 *   npm run bench:read
 *
 * 1. Generates a store of ~1,000,000 real deal events across 10,000 deals
 *    (decide/evolve of the domain, appended with EventStore.append in
 *    100-event batches, without the inline projection): DealOpened, claims of
 *    every kind with sources and amounts, verdicts, corrections, added sources,
 *    a few retractions and denials; one deal with 1,000 claims, one with
 *    10,000 events.
 * 2. Rebuilds the projections (DealProjectionRebuilder) and reports events/s.
 * 3. Starts the API on that database and measures sequential reads (client
 *    and server in this one process, the client a kept-alive node:http
 *    connection): the first read of every deal, in random order (reported:
 *    it shows how cold the caches are after a rebuild, and warms them as a
 *    server in service is warm), then the judged reads: deal state of random
 *    deals, both timelines of the 1,000-claim deal and an as-of read of the
 *    10,000-event deal (knownAt at its 7,500th event, validAt 2020-06), each
 *    after a warm-up of its own; the as-of read is measured in turns with
 *    the same read on a second database holding only that deal, served by a
 *    second API in this process. The ratio judged is of the medians (the p99
 *    ratio is printed beside it).
 *
 * Writing the store is not measured: its database runs with
 * synchronous_commit off until the store is written, then is vacuumed and
 * analysed (as autovacuum would have) before the rebuild; the rebuilt tables
 * are vacuumed and checkpointed before reads are measured.
 *
 * Environment:
 *   DATABASE_URL        a server to use instead of an embedded PostgreSQL; the
 *                       benchmark creates (and drops) its own databases on it
 *   BENCH_DEALS         deals (default 10000)
 *   BENCH_EVENTS        events in all (default 1000000)
 *   BENCH_STATE_READS   measured GET /deals/{id} (default 3000)
 *   BENCH_HEAVY_READS   measured timeline and as-of reads of each kind (default 200)
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { Agent, get as httpGet } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventStore, type JsonObject, type NewEvent } from '@app/event-store';
import {
  actorOf,
  AGREEMENT_LEVELS,
  claimsTouchedBy,
  DEAL_EVENT_SCHEMA_VERSIONS,
  DEAL_KINDS,
  decide,
  DealProjectionRebuilder,
  evolve,
  REGULATORY_OUTCOMES,
  VERDICTS,
  type ClaimDecisionState,
  type ClaimKind,
  type DealCommand,
  type DealDecisionState,
  type DealEvent,
  type DealHeader,
  type MoneyInput,
  type Source,
} from '@app/newsroom';
import { dataSourceOptions, loadConfig, startEmbeddedPostgres, type EmbeddedDatabase } from '@app/platform';
import { migrations } from '../../../migrations';
import { createApp } from '../../api/src/app.factory';

const DEALS = integer('BENCH_DEALS', 10_000);
const EVENTS = integer('BENCH_EVENTS', 1_000_000);
const STATE_READS = integer('BENCH_STATE_READS', 3_000);
const HEAVY_READS = integer('BENCH_HEAVY_READS', 200);
const APPEND_BATCH = 100;
const BIG_DEAL_EVENTS = 10_000;
const WIDE_DEAL_CLAIMS = 1_000;
const WRITERS = 3;
const ADMIN_KEY = `bench-admin-${randomUUID()}`;

const TARGETS = {
  stateP99Ms: 5,
  timelineP99Ms: 30,
  asOfP99Ms: 100,
  asOfRatio: 1.2,
  rebuildEventsPerSec: 50_000,
};

// ---------------------------------------------------------------- generating deals

/** A small, seeded generator so every run writes the same histories. */
class Random {
  constructor(private state: number) {}

  next(n: number): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.next(items.length)] as T;
  }

  chance(percent: number): boolean {
    return this.next(100) < percent;
  }
}

/** A copy of `items` in an order drawn from `random` (Fisher-Yates). */
function shuffled<T>(items: readonly T[], random: Random): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.next(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

const OUTLETS = ['Bloomberg', 'Reuters', 'The Verge', 'The New York Times', 'TechCrunch', 'Le Monde', 'Financial Times', 'Clubic'];
const COMPANIES = ['Twitter', 'Clubhouse', 'Instagram', 'Facebook', 'Sphere', 'Snap', 'Spotify', 'Discord', 'Microsoft', 'Oracle'];
const STATUS_KINDS: ClaimKind[] = [
  'interest_reported',
  'talks_reported',
  'offer_made',
  'agreement_reached',
  'deal_announced',
  'deal_completed',
  'talks_ended',
  'deal_abandoned',
];
const OTHER_KINDS: ClaimKind[] = ['terms_revised', 'regulatory_action', 'valuation_reported', 'funding_raised', 'statement'];
const AMOUNT_KINDS = new Set<ClaimKind>([
  'talks_reported',
  'offer_made',
  'agreement_reached',
  'deal_announced',
  'terms_revised',
  'deal_completed',
  'valuation_reported',
  'funding_raised',
]);
const EDITORS: string[] = Array.from({ length: 6 }, () => randomUUID());
const CHECKERS: string[] = Array.from({ length: 3 }, () => randomUUID());

function partialDate(random: Random): string {
  const year = 2016 + random.next(8);
  switch (random.next(5)) {
    case 0:
      return String(year);
    case 1:
      return `${year}-H${1 + random.next(2)}`;
    case 2:
      return `${year}-Q${1 + random.next(4)}`;
    case 3:
      return `${year}-${String(1 + random.next(12)).padStart(2, '0')}`;
    default:
      return `${year}-${String(1 + random.next(12)).padStart(2, '0')}-${String(1 + random.next(28)).padStart(2, '0')}`;
  }
}

function source(random: Random, n: number): Source {
  const outlet = random.pick(OUTLETS);
  const day = `${2016 + random.next(8)}-${String(1 + random.next(12)).padStart(2, '0')}-${String(1 + random.next(28)).padStart(2, '0')}`;
  return {
    outlet,
    url: `https://news.example.org/${outlet.toLowerCase().replace(/\W+/g, '-')}/${day}/story-${n}`,
    title: `Talks between ${random.pick(COMPANIES)} and ${random.pick(COMPANIES)} (${n})`,
    publishedAt: random.chance(50) ? day : `${day}T${String(6 + random.next(14)).padStart(2, '0')}:30:00Z`,
    ...(random.chance(30) && { via: [{ outlet: random.pick(OUTLETS) }] }),
  };
}

function money(random: Random): MoneyInput {
  return {
    value: String((1 + random.next(400)) * 10_000_000),
    currency: random.chance(85) ? 'USD' : 'EUR',
    qualifier: random.pick(['exact', 'exact', 'approximate', 'at_least', 'at_most'] as const),
  };
}

/**
 * One deal's history, `events` events long with at least `claims` claims:
 * commands run through decide/evolve so every event is one the API could have
 * written. The decision state is kept per claim (as the API's snapshots are)
 * so a long deal costs O(1) per command.
 */
function dealHistory(dealId: string, events: number, claims: number, seed: number): DealEvent[] {
  const random = new Random(seed);
  const history: DealEvent[] = [];
  const claimStates = new Map<string, ClaimDecisionState>();
  const live: string[] = [];
  let header: DealHeader | null = null;
  let n = 0;

  const run = (command: DealCommand, actorId: string): void => {
    const touched: Record<string, ClaimDecisionState> = {};
    for (const id of claimsTouchedBy(command)) {
      const claim = claimStates.get(id);
      if (claim) touched[id] = claim;
    }
    let state: DealDecisionState = { deal: header, claims: touched };
    for (const event of decide(command, state, { actorId })) {
      state = evolve(state, event);
      history.push(event);
    }
    header = state.deal;
    for (const [id, claim] of Object.entries(state.claims)) claimStates.set(id, claim);
  };

  const a = random.pick(COMPANIES);
  const b = random.pick(COMPANIES.filter((c) => c !== a));
  run(
    {
      type: 'OpenDeal',
      dealId,
      title: `${a} / ${b} (${dealId.slice(0, 8)})`,
      kind: random.pick(DEAL_KINDS),
      parties: [
        { name: a, role: 'acquirer' },
        { name: `${b} Inc.`, role: 'target' },
      ],
    },
    random.pick(EDITORS),
  );

  const record = (): void => {
    const claimId = randomUUID();
    const statusBearing = random.chance(55);
    let kind = statusBearing ? random.pick(STATUS_KINDS) : random.pick(OTHER_KINDS);
    const denial = live.length > 0 && random.chance(4);
    if (denial) kind = 'denial';
    const party = kind === 'valuation_reported' || kind === 'funding_raised' ? random.pick([a, `${b} Inc.`]) : undefined;
    run(
      {
        type: 'RecordClaim',
        claimId,
        kind,
        statement: `${a} and ${b}: ${kind.replace(/_/g, ' ')} reported (${++n}).`,
        occurredAt: partialDate(random),
        sources: Array.from({ length: 1 + random.next(2) }, () => source(random, n)),
        ...(AMOUNT_KINDS.has(kind) && random.chance(80) && { amount: money(random) }),
        ...(party !== undefined && { party }),
        ...(kind === 'agreement_reached' && { agreementLevel: random.pick(AGREEMENT_LEVELS) }),
        ...(kind === 'regulatory_action' && { regulatoryOutcome: random.pick(REGULATORY_OUTCOMES) }),
        ...(denial && { contradicts: random.pick(live) }),
      },
      random.pick(EDITORS),
    );
    live.push(claimId);
  };

  for (let i = 0; i < claims; i++) record();
  while (history.length < events) {
    const roll = random.next(100);
    if (roll < 55 || live.length === 0) {
      record();
      continue;
    }
    const claimId = random.pick(live);
    if (roll < 80) {
      run({ type: 'GiveVerdict', claimId, verdict: random.pick(VERDICTS), rationale: 'Checked against filings.' }, random.pick(CHECKERS));
    } else if (roll < 88) {
      run({ type: 'AddSource', claimId, source: source(random, ++n) }, random.pick(EDITORS));
    } else if (roll < 97) {
      const changes = random.chance(50) ? { amount: money(random) } : { occurredAt: partialDate(random), statement: `Corrected (${++n}).` };
      try {
        run({ type: 'CorrectClaim', claimId, changes, reason: 'The first report was imprecise.' }, random.pick(EDITORS));
      } catch {
        /* nothing to correct: the same value was drawn */
      }
    } else {
      run({ type: 'RetractClaim', claimId, reason: 'The outlet withdrew the story.' }, random.pick(EDITORS));
      live.splice(live.indexOf(claimId), 1);
    }
  }
  return history;
}

function toNewEvents(events: DealEvent[]): NewEvent[] {
  return events.map((event) => ({
    type: event.type,
    schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS[event.type],
    data: event.data as unknown as JsonObject,
    metadata: { actorId: actorOf(event), actorRoles: [CHECKERS.includes(actorOf(event)) ? 'fact_checker' : 'editor'] },
  }));
}

async function appendDeal(store: EventStore, dealId: string, events: DealEvent[]): Promise<void> {
  const stored = toNewEvents(events);
  let version = 0;
  for (let i = 0; i < stored.length; i += APPEND_BATCH) {
    const result = await store.append(`deal-${dealId}`, version === 0 ? 'no_stream' : version, stored.slice(i, i + APPEND_BATCH));
    version = result.toVersion;
  }
}

interface Generated {
  dealIds: string[];
  bigDeal: { id: string; events: DealEvent[] };
  wideDeal: string;
  events: number;
  seconds: number;
}

/** Writes the store with a few appends in flight while the next deals are generated. */
async function generate(store: EventStore): Promise<Generated> {
  const started = performance.now();
  const dealIds = Array.from({ length: DEALS }, () => randomUUID());
  const bigIndex = Math.floor(DEALS * 0.37);
  const wideIndex = Math.floor(DEALS * 0.61);
  const wideEvents = WIDE_DEAL_CLAIMS + 150;
  const perDeal = Math.max(2, Math.ceil((EVENTS - BIG_DEAL_EVENTS - wideEvents) / Math.max(1, DEALS - 2)));
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  let events = 0;
  let bigEvents: DealEvent[] = [];
  let lastLog = performance.now();
  for (let i = 0; i < DEALS; i++) {
    const dealId = dealIds[i] as string;
    const history =
      i === bigIndex
        ? dealHistory(dealId, BIG_DEAL_EVENTS, Math.floor(BIG_DEAL_EVENTS / 2), i + 1)
        : i === wideIndex
          ? dealHistory(dealId, wideEvents, WIDE_DEAL_CLAIMS, i + 1)
          : dealHistory(dealId, perDeal, 0, i + 1);
    if (i === bigIndex) bigEvents = history;
    events += history.length;
    const append = appendDeal(store, dealId, history).then(
      () => void inFlight.delete(append),
      (error: unknown) => {
        failure ??= error;
        inFlight.delete(append);
      },
    );
    inFlight.add(append);
    if (inFlight.size >= WRITERS) await Promise.race(inFlight);
    if (failure !== null) throw failure;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`  generated ${i + 1} / ${DEALS} deals, ${fmt(events)} events (${fmt(events / ((lastLog - started) / 1000))} events/s)`);
    }
  }
  await Promise.all(inFlight);
  if (failure !== null) throw failure;
  return {
    dealIds,
    bigDeal: { id: dealIds[bigIndex] as string, events: bigEvents },
    wideDeal: dealIds[wideIndex] as string,
    events,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------- measuring reads

interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
}

async function measure(label: string, warmup: number, runs: number, path: (i: number) => string, get: Getter): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await get(path(i));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const began = performance.now();
    await get(path(warmup + i));
    times.push(performance.now() - began);
  }
  return summarise(label, times);
}

function summarise(label: string, times: number[]): Latency {
  const result = { n: times.length, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times) };
  log(`  ${label.padEnd(42)} p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  max ${result.max.toFixed(2)} ms (${result.n} requests)`);
  return result;
}

/**
 * Two reads measured in turns (which goes first alternates): each pair meets
 * the same moment of the machine, so their ratio is not a difference of when
 * each was measured.
 */
async function measureInTurns(
  labels: [string, string],
  warmup: number,
  runs: number,
  reads: [() => Promise<unknown>, () => Promise<unknown>],
): Promise<[Latency, Latency]> {
  for (let i = 0; i < warmup; i++) for (const read of reads) await read();
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const began = performance.now();
      await reads[side]?.();
      times[side]?.push(performance.now() - began);
    }
  }
  return [summarise(labels[0], times[0]), summarise(labels[1], times[1])];
}

type Getter = (path: string) => Promise<number>;

/**
 * GET with a reader key over one kept-alive connection; resolves with the body
 * size once the whole body is in. node:http rather than fetch: the client runs
 * in the server's process, and fetch's per-request streams and signals were
 * a fifth of a state read's time and most of the garbage collected meanwhile.
 * For the same reason a 200's body is counted, not kept: joining a timeline's
 * megabyte into one buffer in the server's process would add the client's
 * garbage to the server's.
 */
function getter(baseUrl: string, key: string): Getter {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return (path) =>
    new Promise((resolve, reject) => {
      const request = httpGet({ host: hostname, port, path, agent, headers: { authorization: `Bearer ${key}` } }, (response) => {
        const failed = response.statusCode !== 200;
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.byteLength;
          if (failed) chunks.push(chunk);
        });
        response.on('error', reject);
        response.on('end', () => {
          if (!failed) resolve(bytes);
          else reject(new Error(`GET ${path}: ${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`));
        });
      });
      request.on('error', reject);
    });
}

async function startApi(url: string): Promise<{ app: NestFastifyApplication; get: Getter }> {
  const config = loadConfig({ DATABASE_URL: url, DEMO_DATA: 'false', LOG_LEVEL: 'error', BOOTSTRAP_ADMIN_KEY: ADMIN_KEY });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const response = await fetch(`${baseUrl}/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench reader', roles: ['reader'] }),
  });
  if (response.status !== 201) throw new Error(`could not create a reader key: ${response.status} ${await response.text()}`);
  const { key } = (await response.json()) as { key: string };
  return { app, get: getter(baseUrl, key) };
}

/** knownAt: when the deal's event at 3/4 of its stream was recorded; validAt: mid-2020. */
async function asOfPath(dataSource: DataSource, dealId: string): Promise<string> {
  const [row]: { recorded_at: Date }[] = await dataSource.query(
    'select recorded_at from es_events where stream_id = $1 and version = $2',
    [`deal-${dealId}`, Math.floor(BIG_DEAL_EVENTS * 0.75)],
  );
  return `/deals/${dealId}?knownAt=${encodeURIComponent((row as { recorded_at: Date }).recorded_at.toISOString())}&validAt=2020-06`;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const began = performance.now();
  let embedded: EmbeddedDatabase | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  const tag = Date.now();
  const databases = [`bench_read_${tag}`, `bench_read_${tag}_alone`];
  const created: string[] = [];
  const dataSources: DataSource[] = [];
  const apps: NestFastifyApplication[] = [];

  const cleanup = async (): Promise<void> => {
    for (const app of apps) await app.close().catch(() => undefined);
    for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
    if (adminUrl) {
      const admin = new Client({ connectionString: adminUrl });
      try {
        await admin.connect();
        for (const database of created) await admin.query(`drop database if exists "${database}" with (force)`);
      } catch (error) {
        console.error('could not drop the benchmark databases:', error);
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    await embedded?.stop().catch(() => undefined);
    if (dataDir) await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  };
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    console.error('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (!adminUrl) {
      dataDir = await mkdtemp(join(tmpdir(), 'bench-read-'));
      await chmod(dataDir, 0o755); // the server runs as user postgres
      log(`starting an embedded PostgreSQL in ${dataDir} (default settings)`);
      embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
      adminUrl = embedded.adminUrl;
    }
    const open = async (database: string): Promise<{ url: string; dataSource: DataSource; store: EventStore }> => {
      const admin = new Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`create database "${database}"`);
        created.push(database);
        // generating the store is not measured: no wait for the WAL flush at each of its commits
        await admin.query(`alter database "${database}" set synchronous_commit = off`);
      } finally {
        await admin.end();
      }
      const url = withDatabase(adminUrl as string, database);
      const dataSource = new DataSource(dataSourceOptions(url, [], migrations, 8));
      dataSources.push(dataSource);
      await dataSource.initialize();
      await dataSource.runMigrations({ transaction: 'each' });
      return { url, dataSource, store: new EventStore(dataSource) };
    };
    /** Back to the server's settings for what is measured; vacuumed and analysed, as autovacuum would have. */
    const settle = async (database: string, dataSource: DataSource): Promise<void> => {
      await dataSource.query(`alter database "${database}" reset synchronous_commit`);
      await dataSource.query('vacuum (analyze) es_events, es_streams');
    };
    /**
     * After a rebuild, before reads are measured: the new tables vacuumed (they hold a
     * million fresh rows: autovacuum would otherwise scan them while requests are timed)
     * and written out by a checkpoint. Reads are measured on a settled server.
     */
    const settleRebuilt = async (dataSource: DataSource): Promise<void> => {
      await dataSource.query('vacuum deal_states, deal_state_items, deal_claims, deal_timeline');
      await dataSource.query('checkpoint');
    };

    // 1. the store
    const big = await open(databases[0] as string);
    log(`generating ${fmt(EVENTS)} events across ${fmt(DEALS)} deals (${WRITERS} writers, ${APPEND_BATCH}-event appends, no inline projection)`);
    const generated = await generate(big.store);
    await settle(databases[0] as string, big.dataSource);
    const [sizes]: { events: string; bytes: string }[] = await big.dataSource.query(
      `select count(*) as events, pg_total_relation_size('es_events') as bytes from es_events`,
    );
    log(
      `  ${fmt(generated.events)} events in ${generated.seconds.toFixed(1)} s (${fmt(generated.events / generated.seconds)} events/s); ` +
        `es_events ${(Number(sizes?.bytes) / 2 ** 20).toFixed(0)} MiB`,
    );

    // 2. the rebuild
    log('rebuilding the deal projections');
    const rebuilder = new DealProjectionRebuilder(big.dataSource, big.store);
    let lastReport = 0;
    const cpuBefore = { node: process.cpuUsage(), server: await serverCpuSeconds(dataDir) };
    const rebuild = await rebuilder.rebuild((done, total) => {
      const now = performance.now();
      if (now - lastReport < 3_000 && done < total) return;
      lastReport = now;
      log(`  ${fmt(done)} / ${fmt(total)} events`);
    });
    const rebuildRate = rebuild.events / rebuild.seconds;
    const nodeCpu = process.cpuUsage(cpuBefore.node);
    const serverCpu = await serverCpuSeconds(dataDir);
    const rebuildCpu = {
      nodeSeconds: round((nodeCpu.user + nodeCpu.system) / 1e6, 1),
      postgresSeconds: serverCpu === null || cpuBefore.server === null ? null : round(serverCpu - cpuBefore.server, 1),
    };
    log(`  ${fmt(rebuild.events)} events, ${fmt(rebuild.deals)} deals in ${rebuild.seconds.toFixed(1)} s: ${fmt(rebuildRate)} events/s`);
    log(
      `  CPU: Node ${rebuildCpu.nodeSeconds} s, PostgreSQL ${rebuildCpu.postgresSeconds ?? 'n/a (not embedded)'} s ` +
        `(on ${availableParallelism()} cores, ${rebuild.seconds.toFixed(1)} s of wall time)`,
    );
    await settleRebuilt(big.dataSource);
    const [tables]: { states: string; claims: string; timeline: string }[] = await big.dataSource.query(
      `select pg_total_relation_size('deal_states') as states, pg_total_relation_size('deal_claims') as claims,
              pg_total_relation_size('deal_timeline') as timeline`,
    );

    // 3. reads on the big store
    log('reading through the API');
    const asOf = await asOfPath(big.dataSource, generated.bigDeal.id);
    const api = await startApi(big.url);
    apps.push(api.app);
    const random = new Random(7);
    const firstReads = shuffled(generated.dealIds, random);
    const stateCold = await measure('GET /deals/{id}, first read of each deal', 0, firstReads.length, (i) => `/deals/${firstReads[i]}`, api.get);
    const state = await measure('GET /deals/{id} (random deals)', 0, STATE_READS, () => `/deals/${random.pick(generated.dealIds)}`, api.get);
    const timelineValid = await measure(
      'GET /deals/{1,000 claims}/timeline?axis=valid',
      20,
      HEAVY_READS,
      () => `/deals/${generated.wideDeal}/timeline?axis=valid`,
      api.get,
    );
    const timelineRecorded = await measure(
      'GET /deals/{1,000 claims}/timeline?axis=recorded',
      20,
      HEAVY_READS,
      () => `/deals/${generated.wideDeal}/timeline?axis=recorded`,
      api.get,
    );
    const stateBytes = await api.get(`/deals/${generated.dealIds[0]}`);
    const recordedBytes = await api.get(`/deals/${generated.wideDeal}/timeline?axis=recorded`);

    // 4. the same as-of read on a database holding only that deal, served by a
    // second API in this process; the two are read in turns, so both meet the
    // same machine, heap and collector
    log('the 10,000-event deal alone in a second database');
    const alone = await open(databases[1] as string);
    await appendDeal(alone.store, generated.bigDeal.id, generated.bigDeal.events);
    await settle(databases[1] as string, alone.dataSource);
    await new DealProjectionRebuilder(alone.dataSource, alone.store).rebuild();
    await settleRebuilt(alone.dataSource);
    const asOfAlonePath = await asOfPath(alone.dataSource, generated.bigDeal.id);
    const aloneApi = await startApi(alone.url);
    apps.push(aloneApi.app);
    const [asOfBig, asOfAlone] = await measureInTurns(
      ['GET /deals/{10,000 events}?knownAt&validAt', 'the same, the deal alone'],
      10,
      HEAVY_READS,
      [() => api.get(asOf), () => aloneApi.get(asOfAlonePath)],
    );
    const ratioP50 = asOfBig.p50 / asOfAlone.p50;
    const ratioP99 = asOfBig.p99 / asOfAlone.p99;

    // report
    const rows: [string, string, string, boolean][] = [
      ['rebuild (events/s)', fmt(rebuildRate), `>= ${fmt(TARGETS.rebuildEventsPerSec)}`, rebuildRate >= TARGETS.rebuildEventsPerSec],
      ['GET /deals/{id} p99', ms(state.p99), `< ${TARGETS.stateP99Ms} ms`, state.p99 < TARGETS.stateP99Ms],
      ['GET /deals/{id} p99, first read of a deal', ms(stateCold.p99), '(reported)', true],
      ['timeline axis=valid (1,000 claims) p99', ms(timelineValid.p99), `< ${TARGETS.timelineP99Ms} ms`, timelineValid.p99 < TARGETS.timelineP99Ms],
      ['timeline axis=recorded (1,000 claims) p99', ms(timelineRecorded.p99), `< ${TARGETS.timelineP99Ms} ms`, timelineRecorded.p99 < TARGETS.timelineP99Ms],
      ['as-of (10,000 events) p99, big store', ms(asOfBig.p99), `< ${TARGETS.asOfP99Ms} ms`, asOfBig.p99 < TARGETS.asOfP99Ms],
      ['as-of (10,000 events) p99, deal alone', ms(asOfAlone.p99), `< ${TARGETS.asOfP99Ms} ms`, asOfAlone.p99 < TARGETS.asOfP99Ms],
      ['as-of ratio big/alone (p50)', ratioP50.toFixed(2), `<= ${TARGETS.asOfRatio}`, ratioP50 <= TARGETS.asOfRatio],
    ];
    console.log('');
    console.log(`${'measure'.padEnd(42)} ${'value'.padStart(12)} ${'p50'.padStart(10)} ${'target'.padStart(12)}  result`);
    const p50s = ['', ms(state.p50), ms(stateCold.p50), ms(timelineValid.p50), ms(timelineRecorded.p50), ms(asOfBig.p50), ms(asOfAlone.p50), `p99 ${ratioP99.toFixed(2)}`];
    rows.forEach(([name, value, target, pass], i) => {
      const result = target === '(reported)' ? '' : pass ? 'ok' : 'MISSED';
      console.log(`${name.padEnd(42)} ${value.padStart(12)} ${(p50s[i] ?? '').padStart(10)} ${target.padStart(12)}  ${result}`);
    });
    const [server]: { version: string }[] = await big.dataSource.query(`select current_setting('server_version') as version`);
    console.log('');
    console.log(
      `PostgreSQL ${server?.version}${embedded ? ' (embedded, default settings)' : ''}; store: ${fmt(generated.events)} events, ${fmt(DEALS)} deals, ` +
        `written in ${generated.seconds.toFixed(1)} s; projections after rebuild: deal_states ${mib(tables?.states)}, deal_claims ${mib(tables?.claims)}, ` +
        `deal_timeline ${mib(tables?.timeline)}; responses: state ${fmt(stateBytes)} B, recorded timeline ${fmt(recordedBytes)} B; ` +
        `total ${((performance.now() - began) / 1000).toFixed(0)} s`,
    );
    console.log(
      JSON.stringify({
        bench: 'read',
        postgres: server?.version,
        embedded: Boolean(embedded),
        store: { events: generated.events, deals: DEALS, generateSeconds: round(generated.seconds, 1) },
        rebuild: {
          events: rebuild.events,
          deals: rebuild.deals,
          seconds: round(rebuild.seconds, 2),
          eventsPerSec: Math.round(rebuildRate),
          cpuSeconds: rebuildCpu,
        },
        latencyMs: {
          state: lat(state),
          stateFirstRead: lat(stateCold),
          timelineValid: lat(timelineValid),
          timelineRecorded: lat(timelineRecorded),
          asOfBigStore: lat(asOfBig),
          asOfAlone: lat(asOfAlone),
        },
        asOfRatio: { p50: round(ratioP50, 3), p99: round(ratioP99, 3) },
        targets: TARGETS,
        pass: Object.fromEntries(rows.filter(([, , target]) => target !== '(reported)').map(([name, , , pass]) => [name, pass])),
      }),
    );
  } finally {
    await cleanup();
  }
}

/**
 * CPU seconds the embedded server has used so far (Linux): its postmaster's
 * own and its finished children's, and its live children's. Null for a server
 * given by DATABASE_URL, or where /proc cannot tell.
 */
async function serverCpuSeconds(dataDir: string | undefined): Promise<number | null> {
  if (dataDir === undefined) return null;
  try {
    const postmaster = Number((await readFile(join(dataDir, 'pg', 'postmaster.pid'), 'utf8')).split('\n')[0]);
    let ticks = 0;
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => null);
      if (stat === null) continue;
      // the fields after the command name, which is in parentheses: state is field 3
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const [ppid, utime, stime, cutime, cstime] = [1, 11, 12, 13, 14].map((i) => Number(fields[i]));
      if (Number(entry) === postmaster) ticks += (utime ?? 0) + (stime ?? 0) + (cutime ?? 0) + (cstime ?? 0);
      else if (ppid === postmaster) ticks += (utime ?? 0) + (stime ?? 0);
    }
    return ticks / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** USER_HZ of /proc/<pid>/stat: 100 on every Linux build in use. */
const CLOCK_TICKS_PER_SECOND = 100;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function lat(l: Latency): { n: number; p50: number; p99: number; max: number } {
  return { n: l.n, p50: round(l.p50, 3), p99: round(l.p99, 3), max: round(l.max, 3) };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

function integer(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function ms(n: number): string {
  return `${n.toFixed(2)} ms`;
}

function mib(bytes: string | undefined): string {
  return `${(Number(bytes) / 2 ** 20).toFixed(0)} MiB`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function log(line: string): void {
  console.error(`[bench:read] ${line}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
