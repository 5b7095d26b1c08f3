import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { EventStore, type NewEvent } from '@app/event-store';
import { actorOf, DEAL_EVENT_SCHEMA_VERSIONS } from '@app/newsroom';
import { bulkHistory } from '@app/newsroom/domain/testing/deal.bulk';
import { dataSourceOptions } from '@app/platform';
import { migrations } from '../../../migrations';
import { BenchServer, log, POOL_SIZE } from './bench.support';

export const BIG_DEAL_EVENTS = 10_000;
export const WIDE_DEAL_CLAIMS = 1_000;
/** Claims and further events (verdicts, sources, corrections) of each ordinary deal: about 30 events. */
const SMALL_DEAL = { claims: 8, extra: 22 };
const APPEND_BATCH = 500;
const WRITERS = 3;

export interface SeededStore {
  url: string;
  /** The ordinary deals. */
  dealIds: string[];
  /** A deal with BIG_DEAL_EVENTS events, for the as-of read. */
  bigDeal: string;
  /** A deal with WIDE_DEAL_CLAIMS claims, for the timelines. */
  wideDeal: string;
  events: number;
}

/** A deal's history from the domain's bulk generator, ready to append: its placeholder deal and claim ids become UUIDs of this deal's own. */
function dealEvents(dealId: string, claims: number, extra: number, seed: number, limit = Infinity): NewEvent[] {
  const prefix = dealId.slice(0, 24);
  return bulkHistory(claims, extra, seed)
    .slice(0, limit)
    .map((event) => {
      const data = JSON.stringify(event.data)
        .replaceAll('"deal-1"', `"${dealId}"`)
        .replace(/"c(\d+)"/g, (_, n: string) => `"${prefix}${Number(n).toString(16).padStart(12, '0')}"`);
      return {
        type: event.type,
        schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS[event.type],
        data: JSON.parse(data) as Record<string, unknown>,
        metadata: { actorId: actorOf(event), actorRoles: [event.type === 'VerdictGiven' ? 'fact_checker' : 'editor'] },
      };
    });
}

async function appendDeal(store: EventStore, dealId: string, events: NewEvent[]): Promise<void> {
  let version = 0;
  for (let i = 0; i < events.length; i += APPEND_BATCH) {
    const result = await store.append(`deal-${dealId}`, version === 0 ? 'no_stream' : version, events.slice(i, i + APPEND_BATCH));
    version = result.toVersion;
  }
}

/**
 * A new database holding the big deal and, when `events` asks for more, the 1,000-claim deal and ordinary deals up to about
 * `events` events. Written straight into the event store (no projection: a rebuild makes the read models), without waiting for
 * the WAL flush at each commit; then vacuumed and analysed as autovacuum would have.
 */
export async function seedStore(server: BenchServer, label: string, events: number, bigDeal: string = randomUUID()): Promise<SeededStore> {
  const started = performance.now();
  const url = await server.createDatabase(label);
  const name = new URL(url).pathname.slice(1);
  await server.admin(`alter database "${name}" set synchronous_commit = off`);
  const dataSource = new DataSource(dataSourceOptions(url, [], migrations, POOL_SIZE));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const store = new EventStore(dataSource);
    const wideDeal = randomUUID();
    const dealIds: string[] = [];
    // the big and wide deals sit among the others (a third and half way), as they would in a store in service
    const others = Math.max(0, events - BIG_DEAL_EVENTS - WIDE_DEAL_CLAIMS);
    const estimatedDeals = others / (SMALL_DEAL.claims + SMALL_DEAL.extra);
    let planned = 0;
    let deals = 0;
    const special: [number, string, () => NewEvent[]][] = [[Math.floor(estimatedDeals / 2), bigDeal, () => dealEvents(bigDeal, 5_500, 6_000, 1, BIG_DEAL_EVENTS)]];
    if (others > 0) special.push([Math.floor(estimatedDeals / 3) + 1, wideDeal, () => dealEvents(wideDeal, WIDE_DEAL_CLAIMS, 150, 2)]);
    const nextDeal = (): [string, NewEvent[]] | null => {
      const due = special.findIndex(([at]) => at <= deals || planned >= others);
      if (due >= 0) {
        const [[, id, generate]] = special.splice(due, 1) as [[number, string, () => NewEvent[]]];
        deals++;
        return [id, generate()];
      }
      if (planned >= others) return null;
      const id = randomUUID();
      const history = dealEvents(id, SMALL_DEAL.claims, SMALL_DEAL.extra, deals++ + 3);
      dealIds.push(id);
      planned += history.length;
      return [id, history];
    };

    let written = 0;
    let lastLog = performance.now();
    const writer = async (): Promise<void> => {
      for (let deal = nextDeal(); deal !== null; deal = nextDeal()) {
        await appendDeal(store, deal[0], deal[1]);
        written += deal[1].length;
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          log(`  ${label}: ${written.toLocaleString('en-US')} events written`);
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, writer));
    await dataSource.query(`alter database "${name}" reset synchronous_commit`);
    await dataSource.query('vacuum (analyze)');
    log(`  ${label}: ${written.toLocaleString('en-US')} events, ${deals} deals in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { url, dealIds, bigDeal, wideDeal, events: written };
  } finally {
    await dataSource.destroy();
  }
}
