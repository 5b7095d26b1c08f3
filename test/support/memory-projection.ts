import { claimRecordOf, DealProjector, type DealRows, type DealStateView, type RecordedDealEvent, type TimelineEntry } from '@app/newsroom';
import type { ClaimRecord } from '../../libs/newsroom/src/domain/claim.record';

const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

type ClaimRow = DealRows['claims'][number];

/**
 * The deal read models as in-memory "tables", every value through a JSON
 * round trip as through PostgreSQL, fed the way a command feeds them: per
 * append, a projector resumed from the working set the tables give (the
 * document, the claims that can set something, the claims the events name,
 * and the claims the denials among them contradict).
 */
export class MemoryProjection {
  private readonly deals = new Map<string, DealRows['deals'][number]>();
  readonly claims = new Map<string, ClaimRow>();
  private readonly entries = new Map<string, TimelineEntry[]>();

  append(dealId: string, events: readonly RecordedDealEvent[]): void {
    const named = new Set<string>();
    for (const event of events) {
      if (event.type === 'DealOpened') continue;
      named.add(event.data.claimId);
      const contradicts = 'contradicts' in event.data ? event.data.contradicts : undefined;
      if (typeof contradicts === 'string') named.add(contradicts);
    }
    const records = new Map<string, ClaimRecord>();
    const load = (row: ClaimRow) => records.set(row.claim_id, claimRecordOf(roundTrip(row.record)));
    for (const row of this.claims.values()) if (row.deal_id === dealId && (row.relevant || named.has(row.claim_id))) load(row);
    for (const record of [...records.values()]) {
      const denied = record.contradicts === null ? undefined : this.claims.get(record.contradicts);
      if (denied && !records.has(denied.claim_id)) load(denied);
    }
    const row = this.deals.get(dealId);
    const projector = new DealProjector(row ? { state: roundTrip(row.state), openedPosition: row.opened_position, records: [...records.values()] } : null);
    for (const event of events) projector.apply(event);
    const out = roundTrip(projector.rows());
    for (const written of out.deals) this.deals.set(written.deal_id, written);
    for (const claim of out.claims) {
      const stored = this.claims.get(claim.claim_id);
      this.claims.set(claim.claim_id, { ...claim, versions: [...(stored?.versions ?? []), ...claim.versions] });
    }
    this.entries.set(dealId, [...(this.entries.get(dealId) ?? []), ...out.timeline.map((t) => t.entry)]);
  }

  state(dealId: string): DealStateView | undefined {
    return this.deals.get(dealId)?.state;
  }

  timeline(dealId: string): TimelineEntry[] {
    return this.entries.get(dealId) ?? [];
  }
}
