import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { InlineProjection, StoredEvent } from '@app/event-store';
import { ClaimNotFoundError } from '../domain';
import { dealIdOfStream } from '../application/command-context';
import { DealProjector } from './deal-projector';
import { DealProjectionTables, PROJECTION_LOCK, toRecordedEvent, WorkingSetCache } from './deal-projection.tables';

/** Events of these streams feed the deal read models. */
export const isDealStream = (streamId: string) => streamId.startsWith('deal-');

/** Groups events by deal and names the claims each touches (and the claims new denials contradict). */
export function claimsNamedBy(events: StoredEvent[]): string[] {
  const ids = new Set<string>();
  const recorded = new Set<string>();
  for (const event of events) {
    if (typeof event.data.claimId === 'string') {
      if (event.type === 'ClaimRecorded') recorded.add(event.data.claimId);
      else ids.add(event.data.claimId);
    }
    if (event.type === 'ClaimRecorded' && typeof event.data.contradicts === 'string') ids.add(event.data.contradicts);
  }
  // a claim recorded by these very events is not in the tables yet
  return [...ids].filter((id) => !recorded.has(id));
}

/**
 * Keeps each deal's state, claims and recorded timeline in step with the log,
 * inside the append transaction (read-your-writes). It loads only the deal's
 * working set: its row, the claims that can set something, and the claims
 * the events name.
 */
@Injectable()
export class DealStateProjection implements InlineProjection {
  readonly name = 'deal-state';
  private readonly live = new DealProjectionTables();
  private readonly cache = new WorkingSetCache(2_000);

  constructor(private readonly dataSource: DataSource) {}

  async apply(manager: EntityManager, events: StoredEvent[]): Promise<void> {
    const deal = events.filter((e) => isDealStream(e.streamId));
    if (deal.length === 0) return;
    await manager.query('select pg_advisory_xact_lock_shared($1)', [PROJECTION_LOCK]);
    await projectInto(this.live, manager, deal, this.cache);
  }

  /** The deal of a claim; a ClaimNotFoundError (404) when no deal has it. */
  async dealOf(claimId: string): Promise<string> {
    const rows: { deal_id: string }[] = await this.dataSource.query('select deal_id from deal_claims where claim_id = $1', [
      claimId,
    ]);
    if (rows.length === 0) throw new ClaimNotFoundError(claimId);
    return rows[0].deal_id;
  }
}

/** Applies events of one or more deals to the given tables, loading each deal's working set. */
export async function projectInto(
  tables: DealProjectionTables,
  manager: EntityManager,
  events: StoredEvent[],
  cache?: WorkingSetCache,
): Promise<void> {
  const byStream = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const list = byStream.get(event.streamId);
    if (list) list.push(event);
    else byStream.set(event.streamId, [event]);
  }
  for (const [streamId, streamEvents] of byStream) {
    const dealId = dealIdOfStream(streamId);
    const named = claimsNamedBy(streamEvents);
    const { deal, state } =
      (cache && (await tables.loadCachedWorkingSet(manager, dealId, named, cache))) ??
      (await tables.loadWorkingSet(manager, dealId, named));
    const projector = new DealProjector(deal, state);
    for (const event of streamEvents) projector.apply(toRecordedEvent(event));
    const rows = projector.rows();
    await tables.write(manager, rows);
    const written = rows.deals[0];
    if (cache && written) cache.put(dealId, written.lastPosition, projector.state, projector.touched);
  }
}
