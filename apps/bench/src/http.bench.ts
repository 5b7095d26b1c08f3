import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { fastify } from 'fastify';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealCommandService, RecordClaimCommand, type RecordClaim } from '@app/newsroom';
import { type Api, BenchServer, CLAIM_BODY, log, mean, openDeals, percentile, POOL_SIZE, runLoad, sidesOf, startApi, timed, type Row } from './bench.support';
import type { LoadResult } from './load.worker';
import type { Options } from './main';

const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 25;
/** What the API's request pipeline may leave of its own claim command's throughput (docs/performance.md says why this target). */
const TARGET_PIPELINE_RATIO = 0.8;

type Side = 'api' | 'bare' | 'append' | 'command';

/**
 * Recording a claim over HTTP: `POST /deals/{id}/claims` on the API against a bare Fastify endpoint that inserts one row per
 * request into a table of the same database with a pool of the same size, in alternating rounds. A third side, the same bare
 * endpoint calling the store's `es_append` instead of the INSERT, shows what the hash-chained append alone leaves of the baseline;
 * a fourth, the bare endpoint running the API's own claim command (no validation, guards or Nest pipeline), what the command's
 * reads, decision and writes leave.
 */
export async function httpBench(server: BenchServer, options: Options): Promise<{ rows: Row[]; details: unknown }> {
  const databaseUrl = await server.createDatabase('http');
  const api = await startApi(databaseUrl);
  const bare = await startBare(databaseUrl, api.app.get(CommandBus));
  try {
    log(`http: opening ${options.deals} deals`);
    const paths = await openDeals(api, api.agent, options.deals);
    const pathsOf = (side: Side) => (side === 'api' || side === 'bare' ? paths : paths.map((path) => `/${side}${path}`));
    const load = (side: Side, seconds: number): Promise<LoadResult> =>
      runLoad({ url: side === 'api' ? api.url : bare.url, editorKey: api.editorKey }, pathsOf(side), options.connections, seconds);

    for (const side of ['api', 'bare', 'append', 'command'] as const) await load(side, 2); // warm-up
    const runs: Record<Side, LoadResult[]> = { api: [], bare: [], append: [], command: [] };
    for (let round = 0; round < options.rounds; round++) {
      const [first, last] = sidesOf(round, 'api' as const, 'bare' as const);
      for (const side of [first, 'append' as const, 'command' as const, last]) {
        const result = await load(side, options.seconds);
        runs[side].push(result);
        log(
          `http round ${round + 1} ${side.padEnd(6)} ${result.perSecond.toFixed(0).padStart(6)} claims/s  p50 ${result.p50} ms  p99 ${result.p99} ms` +
            `  non-2xx ${result.non2xx}  errors ${result.errors}`,
        );
      }
    }

    const rate = (side: Side) => mean(runs[side].map((r) => r.perSecond));
    const p = (side: Side, key: 'p50' | 'p99') => percentile(runs[side].map((r) => r[key]), 50);
    const ratio = rate('api') / rate('bare');
    const pipeline = rate('api') / rate('command');
    const failures = runs.api.reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    const rows: Row[] = [
      { bench: 'http', figure: 'claims/s, API', value: rate('api'), unit: '/s' },
      { bench: 'http', figure: 'claims/s, bare Fastify + pg', value: rate('bare'), unit: '/s' },
      { bench: 'http', figure: 'claims/s, bare Fastify + pg + es_append', value: rate('append'), unit: '/s' },
      { bench: 'http', figure: 'throughput API / bare', value: ratio, unit: 'x', target: `>= ${TARGET_RATIO}`, met: ratio >= TARGET_RATIO },
      { bench: 'http', figure: 'throughput bare es_append / bare', value: rate('append') / rate('bare'), unit: 'x' },
      { bench: 'http', figure: 'throughput API / bare es_append', value: rate('api') / rate('append'), unit: 'x' },
      { bench: 'http', figure: 'claims/s, bare Fastify + claim command', value: rate('command'), unit: '/s' },
      { bench: 'http', figure: 'throughput API / bare claim command', value: pipeline, unit: 'x', target: `>= ${TARGET_PIPELINE_RATIO}`, met: pipeline >= TARGET_PIPELINE_RATIO },
      { bench: 'http', figure: 'latency p50, API', value: p('api', 'p50'), unit: 'ms' },
      { bench: 'http', figure: 'latency p99, API', value: p('api', 'p99'), unit: 'ms', target: `< ${TARGET_P99_MS} ms`, met: p('api', 'p99') < TARGET_P99_MS },
      { bench: 'http', figure: 'latency p50, bare', value: p('bare', 'p50'), unit: 'ms' },
      { bench: 'http', figure: 'latency p99, bare', value: p('bare', 'p99'), unit: 'ms' },
      { bench: 'http', figure: 'non-2xx and errors, API', value: failures, unit: '', target: '= 0', met: failures === 0 },
    ];
    // the latency of a claim that waits for no other: one connection
    const alone = await runLoad(api, paths, 1, options.seconds);
    rows.push(
      { bench: 'http', figure: 'latency p50, API, one connection', value: alone.p50, unit: 'ms' },
      { bench: 'http', figure: 'latency p99, API, one connection', value: alone.p99, unit: 'ms', target: `< ${TARGET_P99_MS} ms`, met: alone.p99 < TARGET_P99_MS },
    );
    rows.push(...(await bigDealWrites(api, options.rounds)));
    return { rows, details: { connections: options.connections, deals: options.deals, seconds: options.seconds, poolSize: POOL_SIZE, runs } };
  } finally {
    await bare.close();
    await api.app.close();
  }
}

/**
 * Recording claims one after another on a deal of 1,000 claims and more (each an offer, so each can set the state): through
 * one process's command service, which holds the deal's projection between its writes, against two services taking turns,
 * as two API processes would, so that each finds the deal changed and reads its whole working set. 100 claims a side a round.
 */
async function bigDealWrites(api: Api, rounds: number): Promise<Row[]> {
  const one = api.app.get(DealCommandService);
  const other = new DealCommandService(api.app.get(EventStore), api.app.get(DataSource));
  const [path] = await openDeals(api, api.agent, 1);
  const dealId = (path as string).split('/')[2] as string;
  const context = { actor: { keyId: randomUUID(), roles: ['editor'] } };
  const record = (service: DealCommandService) => service.execute(dealId, { type: 'RecordClaim', claimId: randomUUID(), ...(CLAIM_BODY as Omit<RecordClaim, 'type' | 'claimId'>) }, context, true);
  log('http: recording 1,000 claims on one deal');
  for (let i = 0; i < 1000; i++) await record(one);
  const times: Record<'held' | 'turns', number[]> = { held: [], turns: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of sidesOf(round, 'held' as const, 'turns' as const)) {
      for (let i = 0; i < 100; i++) times[side].push(await timed(() => record(side === 'held' || i % 2 === 0 ? one : other)));
    }
  }
  const p50 = (side: 'held' | 'turns') => percentile(times[side], 50);
  return [
    { bench: 'http', figure: 'claim on a 1,000-claim deal p50, one writer', value: p50('held'), unit: 'ms' },
    { bench: 'http', figure: 'claim on a 1,000-claim deal p50, two in turns', value: p50('turns'), unit: 'ms' },
  ];
}

/**
 * The baseline: parse the JSON body, insert one row, answer 201. Under `/append` the same route appends the body as an event
 * to a stream of its own through the store's function, hash chain included, instead; under `/command` it runs the API's claim
 * command on the API's deals, as the API's controller would once the request passed its pipeline.
 */
async function startBare(databaseUrl: string, commands: CommandBus): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  await pool.query(
    `create table bench_bare_claims (id bigserial primary key, deal_id uuid not null, body jsonb not null,
       recorded_at timestamptz not null default now())`,
  );
  const app = fastify();
  app.post<{ Params: { id: string } }>('/deals/:id/claims', async (request, reply) => {
    const { rows } = await pool.query<{ id: string }>('insert into bench_bare_claims (deal_id, body) values ($1, $2) returning id', [
      request.params.id,
      JSON.stringify(request.body),
    ]);
    return reply.code(201).send({ claimId: rows[0]?.id, dealId: request.params.id, version: 1 });
  });
  app.post<{ Params: { id: string } }>('/append/deals/:id/claims', async (request, reply) => {
    const event = { type: 'ClaimRecorded', schemaVersion: 1, data: request.body, metadata: { actorRoles: ['editor'] } };
    const { rows } = await pool.query<{ result: { toVersion: number } }>('select es_append($1, null, $2::jsonb, null, null) as result', [
      `bench-${request.params.id}`,
      JSON.stringify([event]),
    ]);
    return reply.code(201).send({ dealId: request.params.id, version: rows[0]?.result.toVersion });
  });
  const actor = { keyId: randomUUID(), roles: ['editor'] };
  app.post<{ Params: { id: string }; Body: Omit<RecordClaim, 'type' | 'claimId'> }>('/command/deals/:id/claims', async (request, reply) => {
    const written = await commands.execute(new RecordClaimCommand(request.params.id, randomUUID(), request.body, { actor }));
    return reply.code(201).send(written);
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close().then(() => pool.end()) };
}
