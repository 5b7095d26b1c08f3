import {
  assembleDealState,
  claimsNamedBy,
  DealProjector,
  fromStoredRecord,
  IncrementalDealState,
  type ClaimRow,
  type DealRow,
  type DealStateView,
  type ItemRow,
  type RecordedDealEvent,
  type TimelineEntry,
} from '@app/newsroom';
import type { StoredEvent } from '@app/event-store';
import type { ClaimRecord } from '../../libs/newsroom/src/domain/claim.record';

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/**
 * The deal read models as in-memory "tables", every value through a JSON round
 * trip as through jsonb, fed the way the inline projection feeds PostgreSQL
 * on a cache miss: per append, a projector resumed from the working set the
 * tables give (the deal row, the claims that can set something, the claims
 * the events name, and the claims the denials among them contradict).
 */
export class MemoryProjection {
  private readonly deals = new Map<string, DealRow>();
  readonly claims = new Map<string, ClaimRow>();
  private readonly items = new Map<string, ItemRow>();
  private readonly entries = new Map<string, TimelineEntry[]>();

  append(dealId: string, events: readonly RecordedDealEvent[]): void {
    const named = new Set(claimsNamedBy(events as unknown as StoredEvent[]));
    const records = new Map<string, ClaimRecord>();
    for (const row of this.claims.values()) {
      if (row.dealId === dealId && (row.relevant || named.has(row.claimId))) records.set(row.claimId, fromStoredRecord(roundTrip(row.record), row));
    }
    for (const record of [...records.values()]) {
      const denied = record.kind === 'denial' && record.contradicts !== null ? this.claims.get(record.contradicts) : undefined;
      if (denied && !records.has(denied.claimId)) records.set(denied.claimId, fromStoredRecord(roundTrip(denied.record), denied));
    }
    const row = this.deals.get(dealId);
    const deal = row ? roundTrip(row) : null;
    const projector = new DealProjector(deal, deal ? IncrementalDealState.of(deal.header, records.values()) : null);
    for (const event of events) projector.apply(event);
    const out = projector.rows();
    for (const written of out.deals) this.deals.set(written.dealId, written);
    for (const claim of out.claims) this.claims.set(claim.claimId, claim);
    for (const removed of out.removedItems) this.items.delete(`${removed.dealId}|${removed.field}|${removed.key}`);
    for (const item of out.items) this.items.set(`${item.dealId}|${item.field}|${item.key}`, roundTrip(item));
    this.entries.set(dealId, [...(this.entries.get(dealId) ?? []), ...out.timeline.map((t) => t.entry)]);
  }

  deal(dealId: string): DealRow | undefined {
    return this.deals.get(dealId);
  }

  state(dealId: string): DealStateView | undefined {
    const row = this.deals.get(dealId);
    if (row === undefined) return undefined;
    return assembleDealState(row.head, [...this.items.values()].filter((item) => item.dealId === dealId));
  }

  timeline(dealId: string): TimelineEntry[] {
    return this.entries.get(dealId) ?? [];
  }
}
