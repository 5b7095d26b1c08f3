/**
 * Command benchmark: recording a claim on a deal with 100,000 events against
 * recording one on a deal with ~5 events, over HTTP on the real API.
 *
 *   npm run bench:command
 *
 * It starts the API in this process (createApp, as production builds it) on an
 * embedded PostgreSQL, builds the big deal's history through the application's
 * command path (CommandBus, a few commands at a time; batches of decided events
 * through EventStore.append when that would take too long), then sends
 * POST /deals/{id}/claims alternately to the big deal and to a small deal of
 * its own per round, one request at a time, and compares the latencies. Then it
 * times the parts of a few requests of each side, EXPLAIN ANALYZEs the
 * statements of one request, and measures once more with the projection's
 * working-set cache missing every time (another API process wrote last).
 *
 * Environment:
 *   DATABASE_URL            a server to use instead of an embedded PostgreSQL; the
 *                           benchmark creates (and drops) its own database on it
 *   BENCH_EVENTS            events of the big deal (default 100000)
 *   BENCH_N                 measured rounds (default 300), each one claim per deal
 *   BENCH_WARMUP            warm-up rounds (default 30)
 *   BENCH_PROFILE_N         rounds timed part by part (default 20)
 *   BENCH_COLD_N            rounds with the working-set cache missing (default 50; 0: skip)
 *   BENCH_BUILD             auto | commands | batches (default auto)
 *   BENCH_BUILD_BUDGET      seconds the build may take on the command path (default 360)
 *   BENCH_CONCURRENCY       commands in flight while building (default 4)
 *   BENCH_PROBE_SECONDS     seconds at BENCH_CONCURRENCY before going on one command
 *                           at a time, to compare (default 15; 0: stay)
 *   BENCH_BATCH             events per append when building in batches (default 200)
 *   BENCH_STATUS_SHARE      share of status-bearing claims in the story (default 0.03)
 *   BENCH_EXPLAIN_PLANS     1: print every EXPLAIN ANALYZE plan in full on stderr
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { BenchServer } from './bench-server';
import {
  AddSourceCommand,
  DealCommandService,
  DealProjectionTables,
  DealProjector,
  DealStateProjection,
  decide,
  IncrementalDealState,
  GiveVerdictCommand,
  OpenDealCommand,
  RecordClaimCommand,
  WorkingSetCache,
  type CommandContext,
  type DealDecisionState,
  type DealHeader,
  type RecordedDealEvent,
} from '@app/newsroom';
import { loadConfig } from '@app/platform';
import type { ClaimRecord } from '@app/newsroom/domain/claim.record';
import { createApp } from '../../api/src/app.factory';
import { buildBigDeal, type Actors, type BuildReport } from './command-build';
import { phasesOf, Profiler, type ExplainedStatement } from './command-profile';
import { BIDDER, DEFAULT_MIX, StoryTeller, type RecordBody } from './command-story';

const EVENTS = int('BENCH_EVENTS', 100_000, 2);
const N = int('BENCH_N', 300, 1);
const WARMUP = int('BENCH_WARMUP', 30, 0);
const PROFILE_N = int('BENCH_PROFILE_N', 20, 1);
const COLD_N = int('BENCH_COLD_N', 50, 0);
const CONCURRENCY = int('BENCH_CONCURRENCY', 4, 1);
const BATCH = int('BENCH_BATCH', 200, 1);
const BUILD_BUDGET = int('BENCH_BUILD_BUDGET', 360, 1);
const PROBE_SECONDS = int('BENCH_PROBE_SECONDS', 15, 0);
const STATUS_SHARE = Number(process.env.BENCH_STATUS_SHARE ?? DEFAULT_MIX.statusShare);
const BUILD_MODE = (process.env.BENCH_BUILD ?? 'auto') as 'auto' | 'commands' | 'batches';
if (!['auto', 'commands', 'batches'].includes(BUILD_MODE)) throw new Error(`BENCH_BUILD must be auto, commands or batches`);
const ADMIN_KEY = `bench-admin-${randomUUID()}`;

type Side = 'big' | 'small';

interface Sample {
  side: Side;
  ms: number;
  kind: string;
}

interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

// ---------------------------------------------------------------- HTTP

class Api {
  constructor(readonly url: string) {}

  async post(path: string, key: string, body: unknown): Promise<{ status: number; body: Record<string, unknown>; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed, ms };
  }

  async created(path: string, key: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await this.post(path, key, body);
    if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

const dealBody = (title: string) => ({
  title,
  kind: 'acquisition' as const,
  parties: [
    { name: BIDDER, role: 'acquirer' as const },
    { name: 'Contoso Audio', role: 'target' as const },
  ],
});

/** The claim each round records on both deals: mostly statements, every tenth an offer with an amount. */
function measuredClaim(round: number): RecordBody {
  const source = {
    outlet: ['Reuters', 'Bloomberg', 'Financial Times'][round % 3],
    url: `https://www.reuters.com/business/2024-03-0${1 + (round % 9)}/northwind-contoso-bench-${round}`,
    publishedAt: `2024-03-0${1 + (round % 9)}`,
    language: 'en',
  };
  if (round % 10 === 9) {
    return {
      kind: 'offer_made',
      statement: `Northwind Media raised its offer for Contoso Audio to 5.3 billion dollars (bench ${round}).`,
      occurredAt: `2024-03-0${1 + (round % 9)}`,
      amount: { value: '5300000000', currency: 'USD', qualifier: 'approximate' },
      party: BIDDER,
      sources: [source],
    };
  }
  return {
    kind: 'statement',
    statement: `According to a person familiar with the matter, the boards met again to discuss the timetable (bench ${round}).`,
    occurredAt: `2024-03-0${1 + (round % 9)}`,
    sources: [source],
  };
}

// ---------------------------------------------------------------- statistics

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    min: sorted[0],
    max: sorted[sorted.length - 1],
  };
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const rounded = (s: Stats) => ({ n: s.n, p50: r3(s.p50), p90: r3(s.p90), p99: r3(s.p99), mean: r3(s.mean), min: r3(s.min), max: r3(s.max) });

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const embedded = !process.env.DATABASE_URL;
  let app: NestFastifyApplication | undefined;
  const runStarted = performance.now();
  const loadAtStart = loadNow();
  const closeApp = async (): Promise<void> => {
    if (app) await app.close().catch((error: unknown) => console.error('closing the app:', error));
    app = undefined;
  };
  const postgres = await BenchServer.start('command', log, closeApp);
  const cleanup = async (): Promise<void> => {
    await closeApp();
    await postgres.stop();
  };

  try {
    const databaseUrl = await postgres.createDatabase(`bench_command_${Date.now()}`);

    app = await createApp(loadConfig({ DATABASE_URL: databaseUrl, DEMO_DATA: 'false', LOG_LEVEL: 'error', BOOTSTRAP_ADMIN_KEY: ADMIN_KEY }));
    await app.listen(0, '127.0.0.1');
    const api = new Api((await app.getUrl()).replace('[::1]', '127.0.0.1'));
    const dataSource = app.get(DataSource);
    const bus = app.get(CommandBus);
    const store = app.get(EventStore);
    const projection = app.get(DealStateProjection);
    const service = app.get(DealCommandService);
    const [server]: { version: string; settings: string }[] = await dataSource.query(
      `select current_setting('server_version') as version,
              (select string_agg(name || '=' || setting, ', ' order by name) from pg_settings
                where name in ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_sync_method')) as settings`,
    );
    log(`API on ${api.url}, PostgreSQL ${server.version}${embedded ? ' (embedded)' : ''}: ${server.settings}`);

    // ---------------------------------------------------------------- keys and the big deal
    const editor = await api.created('/api-keys', ADMIN_KEY, { name: 'bench editor', roles: ['editor'] });
    const checker = await api.created('/api-keys', ADMIN_KEY, { name: 'bench fact-checker', roles: ['fact_checker'] });
    const editorKey = String(editor.key);
    const actors: Actors = {
      editor: { actor: { keyId: String(editor.id), roles: ['editor'] } },
      checker: { actor: { keyId: String(checker.id), roles: ['fact_checker'] } },
    };
    const bigDealId = String((await api.created('/deals', editorKey, dealBody('Northwind Media / Contoso Audio'))).id);

    log(`building the big deal: ${EVENTS.toLocaleString('en-US')} events (mode ${BUILD_MODE}, ${CONCURRENCY} commands in flight, budget ${BUILD_BUDGET} s)`);
    const teller = new StoryTeller(20241122, { ...DEFAULT_MIX, statusShare: STATUS_SHARE });
    const holder = projection as unknown as { cache: WorkingSetCache };
    const build = await buildBigDeal(bus, store, bigDealId, teller, actors, {
      target: EVENTS,
      concurrency: CONCURRENCY,
      probeSeconds: PROBE_SECONDS,
      batchSize: BATCH,
      budgetSeconds: BUILD_BUDGET,
      mode: BUILD_MODE,
      log,
    });
    const [check]: { version: string }[] = await dataSource.query('select version from es_streams where stream_id = $1', [`deal-${bigDealId}`]);
    if (Number(check.version) !== EVENTS) throw new Error(`the big deal has ${check.version} events, expected ${EVENTS}`);
    log(describeBuild(build));
    await dataSource.query('vacuum analyze').catch(() => undefined);

    // ---------------------------------------------------------------- small deals, one per round
    const rounds = WARMUP + N + PROFILE_N + 1 + (COLD_N > 0 ? COLD_N + 5 : 0);
    log(`opening ${rounds} small deals of 5 events each`);
    const smallDeals = await openSmallDeals(bus, actors, rounds);
    await dataSource.query('vacuum analyze').catch(() => undefined);
    let next = 0;

    // ---------------------------------------------------------------- the measurement
    const measure = async (count: number, label: string): Promise<Sample[]> => {
      const samples: Sample[] = [];
      for (let i = 0; i < count; i++) {
        const round = next++;
        const body = measuredClaim(round);
        const sides: Side[] = round % 2 === 0 ? ['big', 'small'] : ['small', 'big'];
        for (const side of sides) {
          const dealId = side === 'big' ? bigDealId : smallDeals[round];
          const res = await api.post(`/deals/${dealId}/claims`, editorKey, body);
          if (res.status !== 201) throw new Error(`${label}: POST /deals/${dealId}/claims answered ${res.status}: ${JSON.stringify(res.body)}`);
          samples.push({ side, ms: res.ms, kind: body.kind });
        }
      }
      return samples;
    };
    log(`warm-up: ${WARMUP} rounds`);
    await measure(WARMUP, 'warm-up');
    log(`measuring: ${N} rounds, one claim on the big deal and one on a small deal each, alternating`);
    const measured = await measure(N, 'measure');
    const big = stats(measured.filter((s) => s.side === 'big').map((s) => s.ms));
    const small = stats(measured.filter((s) => s.side === 'small').map((s) => s.ms));
    const byKind = (side: Side, kind: string) => stats(measured.filter((s) => s.side === side && s.kind === kind).map((s) => s.ms));
    log(`big p50 ${ms(big.p50)} ms, small p50 ${ms(small.p50)} ms, ratio ${(big.p50 / small.p50).toFixed(2)}`);

    // ---------------------------------------------------------------- parts of a request
    log(`timing the parts of ${PROFILE_N} requests per side, then EXPLAIN ANALYZE of one request per side`);
    const profiler = new Profiler();
    profiler.install({ dataSource, store, projection, service });
    const parts: Record<Side, Map<string, number>[]> = { big: [], small: [] };
    const httpMs: Record<Side, number[]> = { big: [], small: [] };
    const writeBytes: Record<Side, Map<string, number>> = { big: new Map(), small: new Map() };
    const explained: Record<Side, ExplainedStatement[]> = { big: [], small: [] };
    try {
      for (let i = 0; i <= PROFILE_N; i++) {
        const round = next++;
        const explain = i === PROFILE_N;
        const body = measuredClaim(i % 10 === 9 ? 9 : 0);
        for (const side of (i % 2 === 0 ? ['big', 'small'] : ['small', 'big']) as Side[]) {
          const dealId = side === 'big' ? bigDealId : smallDeals[round];
          profiler.begin({ explain });
          const res = await api.post(`/deals/${dealId}/claims`, editorKey, body);
          const result = profiler.end();
          if (res.status !== 201) throw new Error(`profile: POST answered ${res.status}: ${JSON.stringify(res.body)}`);
          if (explain) explained[side] = result.explained;
          else if (body.kind === 'statement') {
            parts[side].push(result.times);
            httpMs[side].push(res.ms);
            writeBytes[side] = result.bytes;
          }
        }
      }
    } finally {
      profiler.uninstall();
    }
    const phaseTable = meanPhases(parts, httpMs);

    // what the projection's cache holds now, before the cold pass replaces it
    const cacheSizes = cachedWorkingSets(projection, bigDealId, smallDeals[next - 1]);

    // ---------------------------------------------------------------- the working-set cache missing
    let cold: { big: Stats; small: Stats } | null = null;
    if (COLD_N > 0) {
      log(`measuring ${COLD_N} rounds with the projection's working-set cache missing every time (as when another process wrote last)`);
      const kept = holder.cache;
      holder.cache = new WorkingSetCache(0);
      try {
        await measure(5, 'cold warm-up');
        const samples = await measure(COLD_N, 'cold');
        cold = {
          big: stats(samples.filter((s) => s.side === 'big').map((s) => s.ms)),
          small: stats(samples.filter((s) => s.side === 'small').map((s) => s.ms)),
        };
      } finally {
        holder.cache = kept;
      }
    }

    // ---------------------------------------------------------------- sizes and the pure parts
    const sizes = await sizesOf(dataSource, bigDealId, smallDeals[0]);
    const pure = await pureTimings(dataSource, bigDealId, smallDeals[0], actors.editor);

    // ---------------------------------------------------------------- report
    const ratio = { p50: big.p50 / small.p50, p90: big.p90 / small.p90, p99: big.p99 / small.p99, mean: big.mean / small.mean };
    const out = (line = '') => console.log(line);
    out('');
    out(`POST /deals/{id}/claims over HTTP, one at a time, ${N} rounds after ${WARMUP} warm-up rounds; each round one claim on the big deal and one on a small deal, order alternating`);
    out(`${'deal'.padEnd(34)} ${'p50 ms'.padStart(8)} ${'p90 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'mean ms'.padStart(8)} ${'max ms'.padStart(8)}`);
    const row = (name: string, s: Stats) =>
      out(`${name.padEnd(34)} ${ms(s.p50).padStart(8)} ${ms(s.p90).padStart(8)} ${ms(s.p99).padStart(8)} ${ms(s.mean).padStart(8)} ${ms(s.max).padStart(8)}`);
    row(`big (${EVENTS.toLocaleString('en-US')} events)`, big);
    row('small (5 events, fresh each round)', small);
    out(`${'big / small'.padEnd(34)} ${ratio.p50.toFixed(2).padStart(8)} ${ratio.p90.toFixed(2).padStart(8)} ${ratio.p99.toFixed(2).padStart(8)} ${ratio.mean.toFixed(2).padStart(8)}`);
    row('  big, statements only', byKind('big', 'statement'));
    row('  small, statements only', byKind('small', 'statement'));
    row('  big, offers only (1 in 10)', byKind('big', 'offer_made'));
    row('  small, offers only (1 in 10)', byKind('small', 'offer_made'));
    if (cold) {
      out('');
      out(`working-set cache missing (${COLD_N} rounds): big p50 ${ms(cold.big.p50)} / mean ${ms(cold.big.mean)} ms, small p50 ${ms(cold.small.p50)} / mean ${ms(cold.small.mean)} ms, ratio p50 ${(cold.big.p50 / cold.small.p50).toFixed(2)}`);
    }
    out('');
    out(`where the time goes: mean ms of ${PROFILE_N - Math.floor(PROFILE_N / 10)} statement claims per side, timed part by part (instrumented, so a little slower)`);
    out(`${'part'.padEnd(72)} ${'big'.padStart(8)} ${'small'.padStart(8)} ${'big-small'.padStart(9)}`);
    for (const [name, b, s] of phaseTable) out(`${name.padEnd(72)} ${ms(b).padStart(8)} ${ms(s).padStart(8)} ${ms(b - s).padStart(9)}`);
    out('');
    out('EXPLAIN ANALYZE of the statements of one statement claim (execution ms, big / small):');
    for (const line of explainSummary(explained)) out(`  ${line}`);
    out('');
    out('');
    out(`pure parts, no database (mean ms of ${PURE_RUNS} runs): decide a RecordClaim (2,000 runs): big ${pure.decide.big.toFixed(3)}, small ${pure.decide.small.toFixed(3)}`);
    out(`projector for one ClaimRecorded, by working set:  ${'records'.padStart(8)} ${'resume'.padStart(8)} ${'apply+rows'.padStart(10)}`);
    for (const [name, t] of Object.entries(pure.project)) {
      out(`  ${name.padEnd(47)} ${String(t.records).padStart(8)} ${t.resume.toFixed(3).padStart(8)} ${t.apply.toFixed(3).padStart(10)}`);
    }
    out(`sizes, big / small: deal_states.head ${sizes.head.big} / ${sizes.head.small} B stored, state items ${sizes.items.big} / ${sizes.items.small}, ` +
      `claims ${sizes.claims.big} / ${sizes.claims.small} (relevant ${sizes.relevant.big} / ${sizes.relevant.small}), ` +
      `deal_states write ${writeBytes.big.get('deal_states write') ?? 0} / ${writeBytes.small.get('deal_states write') ?? 0} B of parameters; ` +
      `working-set cache entry ${cacheSizes.big ?? '-'} / ${cacheSizes.small ?? '-'} records`);
    out(describeBuild(build));
    out(
      `PostgreSQL ${server.version}${embedded ? ' (embedded)' : ''}: ${server.settings}; node ${process.version}; run ${((performance.now() - runStarted) / 1000).toFixed(0)} s; ` +
        `load average ${loadAtStart} at the start, ${loadNow()} at the end (${cpus} CPUs)`,
    );
    if (process.env.BENCH_EXPLAIN_PLANS === '1') {
      for (const side of ['big', 'small'] as Side[]) {
        for (const e of explained[side]) console.error(`\n-- ${side}: ${e.label}\n${e.sql.slice(0, 300)}\n${e.plan}`);
      }
    }
    out(
      JSON.stringify({
        bench: 'command',
        postgres: server.version,
        embedded: Boolean(embedded),
        loadAverage: { start: loadAtStart, end: loadNow(), cpus },
        events: EVENTS,
        n: N,
        warmup: WARMUP,
        build: {
          mode: build.mode,
          seconds: r3(build.seconds),
          eventsPerSec: Math.round((build.events - 1) / build.seconds),
          commands: { ...build.commands, seconds: r3(build.commands.seconds), eventsPerSec: build.commands.seconds ? Math.round(build.commands.events / build.commands.seconds) : null },
          batches: { ...build.batches, seconds: r3(build.batches.seconds), eventsPerSec: build.batches.seconds ? Math.round(build.batches.events / build.batches.seconds) : null },
          claims: build.claims,
          relevantClaims: build.relevantClaims,
          switchedBecause: build.switchedBecause,
        },
        bigMs: rounded(big),
        smallMs: rounded(small),
        ratio: { p50: r3(ratio.p50), p90: r3(ratio.p90), p99: r3(ratio.p99), mean: r3(ratio.mean) },
        cold: cold ? { n: COLD_N, bigMs: rounded(cold.big), smallMs: rounded(cold.small), ratioP50: r3(cold.big.p50 / cold.small.p50) } : null,
        partsMs: Object.fromEntries(phaseTable.map(([name, b, s]) => [name.trim(), { big: r3(b), small: r3(s) }])),
        explainMs: Object.fromEntries(
          (['big', 'small'] as Side[]).map((side) => [side, Object.fromEntries(explained[side].map((e) => [e.label, e.executionMs]))]),
        ),
        sizes: { ...sizes, cacheEntries: cacheSizes },
        pureMs: pure,
      }),
    );
  } finally {
    await cleanup();
  }
}

// ---------------------------------------------------------------- helpers

function describeBuild(b: BuildReport): string {
  const rate = (events: number, seconds: number) => (seconds > 0 ? Math.round(events / seconds).toLocaleString('en-US') : '-');
  return (
    `build: ${b.events.toLocaleString('en-US')} events (${b.claims.toLocaleString('en-US')} claims, ${b.relevantClaims} setting the state) in ${b.seconds.toFixed(1)} s, ` +
    `${rate(b.events - 1, b.seconds)} events/s overall; command path ${b.commands.events.toLocaleString('en-US')} events in ${b.commands.seconds.toFixed(1)} s ` +
    `(${rate(b.commands.events, b.commands.seconds)}/s: ` +
    b.commands.phases.map((p) => `${p.inFlight} in flight ${rate(p.events, p.seconds)}/s over ${p.seconds.toFixed(0)} s with ${p.conflicts} lost races retried`).join(', ') +
    ')' +
    (b.batches.events > 0
      ? `; batches ${b.batches.events.toLocaleString('en-US')} events in ${b.batches.appends} appends of up to ${b.batches.batchSize}, ${b.batches.seconds.toFixed(1)} s (${rate(b.batches.events, b.batches.seconds)}/s)`
      : '') +
    (b.switchedBecause ? `; switched to batches: ${b.switchedBecause}` : '')
  );
}

/** Small deals of 5 events: opened, a statement with a source added and a verdict, an offer. */
async function openSmallDeals(bus: CommandBus, actors: Actors, count: number): Promise<string[]> {
  const ids: string[] = new Array<string>(count);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < count) {
      const index = nextIndex++;
      const dealId = randomUUID();
      await bus.execute(new OpenDealCommand(dealId, dealBody(`Small deal ${index}`), actors.editor));
      const claimId = randomUUID();
      const source = { outlet: 'Reuters', url: `https://www.reuters.com/business/small-${index}`, publishedAt: '2024-02-01' };
      await bus.execute(
        new RecordClaimCommand(dealId, claimId, { kind: 'statement', statement: 'The two companies confirmed they are talking.', occurredAt: '2024-02-01', sources: [source] }, actors.editor),
      );
      await bus.execute(new AddSourceCommand(dealId, claimId, { source: { ...source, outlet: 'Bloomberg', url: `https://www.bloomberg.com/news/small-${index}` } }, actors.editor));
      await bus.execute(new GiveVerdictCommand(dealId, claimId, { verdict: 'confirmed', rationale: 'Both companies said so on the record.' }, actors.checker));
      await bus.execute(
        new RecordClaimCommand(
          dealId,
          randomUUID(),
          {
            kind: 'talks_reported',
            statement: 'Northwind Media is in talks to buy Contoso Audio for about 5 billion dollars.',
            occurredAt: '2024-02-02',
            amount: { value: '5000000000', currency: 'USD', qualifier: 'approximate' },
            sources: [source],
          },
          actors.editor,
        ),
      );
      ids[index] = dealId;
    }
  };
  await Promise.all(Array.from({ length: 4 }, () => worker()));
  return ids;
}

function meanPhases(parts: Record<Side, Map<string, number>[]>, httpMs: Record<Side, number[]>): [string, number, number][] {
  const meanOf = (side: Side): Map<string, number> => {
    const rows = parts[side].map((times, i) => new Map(phasesOf(httpMs[side][i], times)));
    const result = new Map<string, number>();
    for (const r of rows) for (const [k, v] of r) result.set(k, (result.get(k) ?? 0) + v / rows.length);
    return result;
  };
  const b = meanOf('big');
  const s = meanOf('small');
  const names = [...new Set([...b.keys(), ...s.keys()])];
  return names.map((name) => [name, b.get(name) ?? 0, s.get(name) ?? 0]);
}

function explainSummary(explained: Record<Side, ExplainedStatement[]>): string[] {
  const labels = [...new Set([...explained.big, ...explained.small].map((e) => e.label))];
  return labels.map((label) => {
    const b = explained.big.find((e) => e.label === label);
    const s = explained.small.find((e) => e.label === label);
    const top = (e?: ExplainedStatement) => (e ? (e.plan.startsWith('EXPLAIN failed') ? e.plan : e.plan.split('\n')[0].trim().replace(/\s+/g, ' ')) : '-');
    const exec = (e?: ExplainedStatement) => (e?.executionMs === undefined || e.executionMs === null ? '-' : e.executionMs.toFixed(3));
    return `${label.padEnd(42)} ${exec(b).padStart(8)} / ${exec(s).padStart(8)}   big: ${top(b).slice(0, 110)}`;
  });
}

async function sizesOf(dataSource: DataSource, big: string, small: string) {
  const query = async (dealId: string) => {
    const [row]: { head: number; items: string; claims: string; relevant: string }[] = await dataSource.query(
      `select pg_column_size(head) as head, (select count(*) from deal_state_items where deal_id = $1) as items,
              (select count(*) from deal_claims where deal_id = $1) as claims,
              (select count(*) from deal_claims where deal_id = $1 and relevant) as relevant
         from deal_states where deal_id = $1`,
      [dealId],
    );
    return row;
  };
  const [b, s] = [await query(big), await query(small)];
  return {
    head: { big: b.head, small: s.head },
    items: { big: Number(b.items), small: Number(s.items) },
    claims: { big: Number(b.claims), small: Number(s.claims) },
    relevant: { big: Number(b.relevant), small: Number(s.relevant) },
  };
}

type CacheEntries = Map<string, { lastPosition: number; state: IncrementalDealState }>;

function cacheEntriesOf(projection: DealStateProjection): CacheEntries | undefined {
  const cache = (projection as unknown as { cache?: { entries?: CacheEntries } }).cache;
  return cache?.entries;
}

/** How many claim records the projection's cache holds for each deal (private state, read for the report). */
function cachedWorkingSets(projection: DealStateProjection, big: string, small: string): { big: number | null; small: number | null } {
  const entries = cacheEntriesOf(projection);
  return { big: entries?.get(big)?.state.size ?? null, small: entries?.get(small)?.state.size ?? null };
}

const PURE_RUNS = 30;

interface ProjectTimes {
  records: number;
  /** the projector's state resumed from the working set, as on a cache miss */
  resume: number;
  /** DealProjector: apply + rows on a resumed state, as on a cache hit */
  apply: number;
}

/** decide and the projector alone, on each deal's real state, without the database. */
async function pureTimings(dataSource: DataSource, big: string, small: string, editor: CommandContext) {
  const tables = new DealProjectionTables();
  const time = (fn: () => void, runs = PURE_RUNS): number => {
    for (let i = 0; i < Math.min(runs, 10); i++) fn();
    const started = performance.now();
    for (let i = 0; i < runs; i++) fn();
    return r3((performance.now() - started) / runs);
  };
  const headerOf = async (dealId: string): Promise<DealHeader> => {
    const [row]: { state: DealHeader }[] = await dataSource.query(`select state from es_snapshots where stream_id = $1 and name = 'deal'`, [`deal-${dealId}`]);
    return row.state;
  };
  const body = measuredClaim(0);
  const decideOn = async (dealId: string) => {
    const state: DealDecisionState = { deal: await headerOf(dealId), claims: {} };
    return time(() => decide({ type: 'RecordClaim', claimId: randomUUID(), ...body }, state, { actorId: editor.actor.keyId }), 2_000);
  };
  const projectOn = async (dealId: string): Promise<ProjectTimes> => {
    const loaded = await dataSource.transaction((manager) => tables.loadWorkingSet(manager, dealId, []));
    if (!loaded.deal || !loaded.state) throw new Error(`no deal row for ${dealId}`);
    const deal = loaded.deal;
    const state = loaded.state;
    const records = state.size;
    const held = (id: string) => state.record(id);
    const all = (await dataSource.query('select claim_id from deal_claims where deal_id = $1 and relevant', [dealId])) as { claim_id: string }[];
    let version = deal.version;
    const event = (): RecordedDealEvent => {
      version++;
      return {
        type: 'ClaimRecorded',
        data: { claimId: randomUUID(), dealId, kind: body.kind, statement: body.statement, occurredAt: body.occurredAt, sources: body.sources, recordedBy: editor.actor.keyId },
        position: deal.lastPosition + version,
        version,
        recordedAt: new Date().toISOString(),
      } as unknown as RecordedDealEvent;
    };
    return {
      records,
      resume: time(() => IncrementalDealState.of(deal.header, all.map(({ claim_id }) => held(claim_id) as ClaimRecord))),
      apply: time(() => {
        const projector = new DealProjector(deal, state);
        projector.apply(event());
        projector.rows();
      }),
    };
  };
  const project: Record<string, ProjectTimes> = {};
  project['small deal'] = await projectOn(small);
  project['big deal'] = await projectOn(big);
  return { decide: { big: await decideOn(big), small: await decideOn(small) }, project };
}

const cpus = availableParallelism();
const loadNow = () => loadavg().map((x) => x.toFixed(1)).join(' ');


function int(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}, got ${raw}`);
  return value;
}

function log(line: string): void {
  console.error(`[bench:command] ${line}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
