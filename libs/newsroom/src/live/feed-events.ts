import type { EntityManager } from 'typeorm';
import type { Checkpoint, StoredEvent } from '@app/event-store';
import { dealIdOfStream } from '../application/command-context';
import { partyKey } from '../domain/claim.record';
import type { StateChange } from '../domain/deal.views';

/** One stored event as the feed and the webhooks carry it (DESIGN 2.7). */
export interface FeedEvent {
  position: number;
  dealId: string;
  type: string;
  claimId?: string;
  recordedAt: string;
  version: number;
  changes: readonly StateChange[];
}

/** A feed event with what the filters look at, its place in the log and its JSON, made once for every reader. */
export interface FeedItem {
  checkpoint: Checkpoint;
  event: FeedEvent;
  json: string;
  partyKeys: readonly string[];
  /** The claim's kind after the event; null for an event about no claim. */
  kind: string | null;
}

/** What a reader asks for; every field given must match. `party` is matched as the deal list matches it. */
export interface FeedFilter {
  dealId?: string;
  party?: string;
  kind?: string;
  types?: readonly string[];
}

/** A filter with the party name turned into its key once. */
export interface CompiledFilter {
  dealId?: string;
  partyKey?: string;
  kind?: string;
  types?: ReadonlySet<string>;
}

export function compileFilter(filter: FeedFilter): CompiledFilter {
  return {
    dealId: filter.dealId,
    partyKey: filter.party === undefined ? undefined : partyKey(filter.party),
    kind: filter.kind,
    types: filter.types && filter.types.length > 0 ? new Set(filter.types) : undefined,
  };
}

export function matches(item: FeedItem, filter: CompiledFilter): boolean {
  return (
    (filter.dealId === undefined || item.event.dealId === filter.dealId) &&
    (filter.partyKey === undefined || item.partyKeys.includes(filter.partyKey)) &&
    (filter.kind === undefined || item.kind === filter.kind) &&
    (filter.types === undefined || filter.types.has(item.event.type))
  );
}

/** The order of the global log: by transaction id, then position. */
export function compareCheckpoints(a: Checkpoint, b: Checkpoint): number {
  const tx = BigInt(a.txId) - BigInt(b.txId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  return a.position - b.position;
}

interface TimelineRow {
  deal_id: string;
  version: number;
  kind: string | null;
  changes: StateChange[] | null;
  party_keys: string[] | null;
}

/**
 * The feed items of events read from the log, in their order. The changes
 * are the recorded timeline's, which the projection wrote in the append's own
 * statement: an event visible in the log always has its timeline row.
 * Events of streams other than deals are left out.
 */
export async function feedItemsOf(events: readonly StoredEvent[], manager: Pick<EntityManager, 'query'>): Promise<FeedItem[]> {
  const deals = events.filter((event) => event.streamId.startsWith('deal-'));
  if (deals.length === 0) return [];
  const rows: TimelineRow[] = await manager.query(
    `select t.deal_id, t.version, t.entry->>'kind' as kind, t.entry->'changes' as changes, d.party_keys
       from unnest($1::uuid[], $2::integer[]) as k (deal_id, version)
       join deal_timeline t on t.deal_id = k.deal_id and t.version = k.version
       left join deals d on d.deal_id = k.deal_id`,
    [deals.map((event) => dealIdOfStream(event.streamId)), deals.map((event) => event.version)],
  );
  const byEvent = new Map(rows.map((row) => [`${row.deal_id}/${row.version}`, row]));
  return deals.map((stored) => {
    const dealId = dealIdOfStream(stored.streamId);
    const row = byEvent.get(`${dealId}/${stored.version}`);
    const claimId = typeof stored.data.claimId === 'string' ? stored.data.claimId : undefined;
    const event: FeedEvent = {
      position: stored.position,
      dealId,
      type: stored.type,
      ...(claimId === undefined ? {} : { claimId }),
      recordedAt: stored.recordedAt.toISOString(),
      version: stored.version,
      changes: row?.changes ?? [],
    };
    return {
      checkpoint: { txId: stored.txId, position: stored.position },
      event,
      json: JSON.stringify(event),
      partyKeys: row?.party_keys ?? [],
      kind: row?.kind ?? null,
    };
  });
}
