import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealProjectionRebuilder } from '@app/newsroom';
import { BenchServer, log, percentile, sidesOf, startApi, timed, type Api, type Row } from './bench.support';
import type { Options } from './main';
import { BIG_DEAL_EVENTS, seedStore, type SeededStore } from './seed';

const TARGETS = { rebuild: 20_000, stateP99: 5, asOfP99: 100, asOfRatio: 1.2, timelineP99: 50 };

/**
 * Builds a store of `events` events, rebuilds its projections through DealProjectionRebuilder (the rebuild figure), then reads
 * over HTTP: the state of random deals, both timelines of a 1,000-claim deal, and an as-of read of a 10,000-event deal, in turns
 * with the same read on a store that holds that deal alone.
 */
export async function readBench(server: BenchServer, options: Options): Promise<{ rows: Row[]; details: Record<string, unknown> }> {
  log(`read: writing a store of about ${options.events.toLocaleString('en-US')} events`);
  const big = await seedStore(server, 'read', options.events);
  const apis: Api[] = [];
  try {
    const api = await startApi(big.url);
    apis.push(api);
    const rows: Row[] = [];
    const details: Record<string, unknown> = { storeEvents: big.events, deals: big.dealIds.length + 2 };

    log('rebuild: replaying the store into the deal projections');
    let lastLog = performance.now();
    const rebuilt = await api.app.get(DealProjectionRebuilder).rebuild((done, total) => {
      if (performance.now() - lastLog < 5_000) return;
      lastLog = performance.now();
      log(`  ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} events`);
    });
    const rate = rebuilt.events / rebuilt.seconds;
    log(`  ${rebuilt.events} events, ${rebuilt.deals} deals in ${rebuilt.seconds.toFixed(1)} s`);
    details.rebuild = rebuilt;
    if (options.only.has('rebuild')) {
      rows.push({ bench: 'rebuild', figure: `events/s (${rebuilt.events.toLocaleString('en-US')} events)`, value: rate, unit: '/s', target: `>= ${TARGETS.rebuild.toLocaleString('en-US')}`, met: rate >= TARGETS.rebuild });
    }
    if (!options.only.has('read')) return { rows, details };

    log('read: the 10,000-event deal alone in a second store');
    const alone = await seedStore(server, 'alone', 0, big.bigDeal);
    const aloneApi = await startApi(alone.url);
    apis.push(aloneApi);
    await aloneApi.app.get(DealProjectionRebuilder).rebuild();
    for (const a of apis) await settle(a);

    // --reads of each heavy read (timelines, as-of); the deal states, being quick, ten times as many
    const n = options.reads;
    const random = seeded(7);
    const state = await latencies(10 * n, n, () => api.get(`/deals/${big.dealIds[random(big.dealIds.length)] ?? big.bigDeal}`));
    const recorded = await latencies(n, 20, () => api.get(`/deals/${big.wideDeal}/timeline?axis=recorded`));
    const valid = await latencies(n, 20, () => api.get(`/deals/${big.wideDeal}/timeline?axis=valid`));
    const asOfPaths = [await asOfPath(api, big), await asOfPath(aloneApi, alone)];
    const asOf: [number[], number[]] = [[], []];
    for (let i = 0; i < n + 10; i++) {
      for (const side of sidesOf(i, 0, 1)) {
        const ms = await timed(() => (side === 0 ? api : aloneApi).get(asOfPaths[side] as string));
        if (i >= 10) asOf[side].push(ms);
      }
    }
    const p50 = (times: number[]) => percentile(times, 50);
    const p99 = (times: number[]) => percentile(times, 99);
    const ratio = p50(asOf[0]) / p50(asOf[1]);
    rows.push(
      { bench: 'read', figure: 'GET /deals/{id} p50', value: p50(state), unit: 'ms' },
      { bench: 'read', figure: 'GET /deals/{id} p99', value: p99(state), unit: 'ms', target: `< ${TARGETS.stateP99} ms`, met: p99(state) < TARGETS.stateP99 },
      { bench: 'read', figure: 'as-of, 10,000-event deal, p50', value: p50(asOf[0]), unit: 'ms' },
      { bench: 'read', figure: 'as-of, 10,000-event deal, p99', value: p99(asOf[0]), unit: 'ms', target: `< ${TARGETS.asOfP99} ms`, met: p99(asOf[0]) < TARGETS.asOfP99 },
      { bench: 'read', figure: 'as-of p50, same deal alone in its store', value: p50(asOf[1]), unit: 'ms' },
      { bench: 'read', figure: 'as-of p50, big store / deal alone', value: ratio, unit: 'x', target: `<= ${TARGETS.asOfRatio}`, met: ratio <= TARGETS.asOfRatio },
    );
    // the wide deal is there when the store holds more than the big deal
    if (big.dealIds.length > 0) {
      for (const [axis, times] of [['recorded', recorded], ['valid', valid]] as const) {
        rows.push(
          { bench: 'read', figure: `timeline axis=${axis}, 1,000 claims, p50`, value: p50(times), unit: 'ms' },
          { bench: 'read', figure: `timeline axis=${axis}, 1,000 claims, p99`, value: p99(times), unit: 'ms', target: `< ${TARGETS.timelineP99} ms`, met: p99(times) < TARGETS.timelineP99 },
        );
      }
    }
    const summary = (times: number[]) => ({ n: times.length, p50: p50(times), p99: p99(times), max: Math.max(...times) });
    details.latencyMs = { state: summary(state), timelineRecorded: summary(recorded), timelineValid: summary(valid), asOf: summary(asOf[0]), asOfAlone: summary(asOf[1]) };
    details.responseBytes = { state: await api.get(`/deals/${big.bigDeal}`), timelineRecorded: await api.get(`/deals/${big.wideDeal}/timeline?axis=recorded`) };
    return { rows, details };
  } finally {
    for (const a of apis) await a.app.close();
  }
}

/** Milliseconds of `runs` calls of `read`, after `warmup` unmeasured ones. */
async function latencies(runs: number, warmup: number, read: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await read();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timed(read));
  return times;
}

/** The as-of read: what was known when the deal's event at 3/4 of its stream was recorded, valid mid-2020. */
async function asOfPath(api: Api, store: SeededStore): Promise<string> {
  const version = Math.floor(BIG_DEAL_EVENTS * 0.75);
  const [event] = await api.app.get(EventStore).readStream(`deal-${store.bigDeal}`, { fromVersion: version, toVersion: version });
  if (!event) throw new Error(`the big deal has no event ${version}`);
  return `/deals/${store.bigDeal}?knownAt=${encodeURIComponent(event.recordedAt.toISOString())}&validAt=2020-06`;
}

/** After a rebuild: the new tables vacuumed and written out, so no background work lands in what is timed. */
async function settle(api: Api): Promise<void> {
  const dataSource = api.app.get(DataSource);
  await dataSource.query('vacuum (analyze)');
  await dataSource.query('checkpoint').catch(() => undefined);
}

/** A small seeded generator: the same deals are read in the same order on every run. */
function seeded(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}
