import type { ClaimRecord } from '../domain/claim.record';
import { SCALAR_SLOTS } from '../domain/deal.derivation';
import type { RecordedDealEvent } from '../domain/deal.events';
import { itemSortKey, listSlot, type DealStateHead, type StateItem, type StateListField } from '../domain/deal.items';
import { IncrementalDealState } from '../domain/deal.timeline';
import type { DealHeader } from '../domain/deal.state';
import type { ClaimCounts, TimelineEntry } from '../domain/deal.views';
import { toComparable } from '../domain/money';
import { outletKey } from '../domain/source';

/** A claim record as stored (jsonb): the same, less the scaled amount, which is derived again on load. */
export type StoredClaimRecord = Omit<ClaimRecord, 'comparableAmount'>;

export interface DealRow {
  dealId: string;
  version: number;
  header: DealHeader;
  /** The state less its lists, which are stored as items. */
  head: DealStateHead;
  openedPosition: number;
  lastPosition: number;
  lastRecordedAt: string;
}

export interface ClaimRow {
  claimId: string;
  dealId: string;
  position: number;
  kind: string;
  verdict: string;
  relevant: boolean;
  outletKeys: string[];
  record: StoredClaimRecord;
}

export interface TimelineRow {
  dealId: string;
  version: number;
  position: number;
  entry: TimelineEntry;
}

export interface ItemRow extends StateItem {
  dealId: string;
}

export interface RemovedItem {
  dealId: string;
  field: StateListField;
  key: string;
}

/** Rows to write: whole rows to insert or replace, and items to delete. */
export interface ProjectionRows {
  deals: DealRow[];
  claims: ClaimRow[];
  timeline: TimelineRow[];
  items: ItemRow[];
  removedItems: RemovedItem[];
}

const EMPTY_COUNTS: ClaimCounts = { total: 0, unreviewed: 0, confirmed: 0, disputed: 0, false: 0, unverifiable: 0, retracted: 0 };

/**
 * A claim the state derivation must see: counting, and able to set something.
 * A counting statement without an amount sets nothing (it can only be the
 * target of a denial, and denial targets are loaded by id).
 */
export function isRelevant(record: ClaimRecord): boolean {
  return record.counts && (record.kind !== 'statement' || record.amount !== null);
}

export function toStoredRecord(record: ClaimRecord): StoredClaimRecord {
  const { comparableAmount: _, ...stored } = record;
  return stored;
}

export function fromStoredRecord(stored: StoredClaimRecord): ClaimRecord {
  return { ...stored, comparableAmount: stored.amount === null ? null : toComparable(stored.amount) };
}

export function claimRowOf(record: ClaimRecord): ClaimRow {
  return {
    claimId: record.claimId,
    dealId: record.dealId,
    position: record.position,
    kind: record.kind,
    verdict: record.verdict,
    relevant: isRelevant(record),
    outletKeys: [...new Set(record.sources.map((s) => outletKey(s.outlet)))],
    record: toStoredRecord(record),
  };
}

/**
 * The projection of one deal, applied event by event through the domain's
 * incremental state: each event costs O(log n) plus what it touches, however
 * long the deal. It collects the rows to write: the deal's head, the claims
 * the events touched, their timeline entries, and the state items they put
 * or removed. The inline projection resumes it from a deal's working set
 * (cached, or loaded: see `DealProjectionTables`); a rebuild starts it from
 * nothing at each stream's first event. Both run this same code.
 */
export class DealProjector {
  private readonly touchedClaims = new Set<string>();
  private readonly timeline: TimelineRow[] = [];
  /** List slots written, by slot key: the item now there, or null once removed. */
  private readonly items = new Map<string, StateItem | null>();
  private counts: { -readonly [K in keyof ClaimCounts]: number };
  readonly state: IncrementalDealState;
  private readonly fresh: boolean;

  constructor(
    private deal: DealRow | null,
    state: IncrementalDealState | null,
  ) {
    this.state = state ?? new IncrementalDealState();
    this.fresh = deal === null;
    this.counts = { ...(deal?.head.claimCounts ?? EMPTY_COUNTS) };
  }

  /** The claims the applied events touched. */
  get touched(): ReadonlySet<string> {
    return this.touchedClaims;
  }

  apply(event: RecordedDealEvent): void {
    if (this.deal === null && event.type !== 'DealOpened') {
      throw new Error(`event ${event.position} of a deal that was never opened`);
    }
    const claimId = event.type === 'DealOpened' ? null : event.data.claimId;
    const previous = claimId === null ? undefined : this.state.record(claimId);
    const { entry, touched, emptied } = this.state.apply(event);
    const record = claimId === null ? undefined : this.state.record(claimId);
    if (claimId !== null && record !== undefined && record !== previous) {
      if (previous) this.counts[previous.verdict]--;
      else this.counts.total++;
      this.counts[record.verdict]++;
      this.touchedClaims.add(claimId);
    }
    const header = this.state.dealHeader as DealHeader;
    const recordOf = (id: string) => this.state.record(id);
    for (const [slot, item] of touched) {
      const list = listSlot(slot);
      if (list !== null && item !== null) this.items.set(slot, { ...list, sortKey: itemSortKey(list.field, list.key, item, recordOf), item });
    }
    for (const slot of emptied) if (listSlot(slot) !== null) this.items.set(slot, null);

    const before = this.deal?.head;
    const scalar = <T>(slot: string, otherwise: T): T => (touched.has(slot) ? (touched.get(slot) as T) : otherwise);
    this.deal = {
      dealId: header.dealId,
      version: event.version,
      header,
      head: {
        id: header.dealId,
        title: header.title,
        kind: header.kind,
        parties: header.parties,
        version: event.version,
        status: scalar(SCALAR_SLOTS.status, before?.status ?? 'unknown'),
        statusSince: scalar(SCALAR_SLOTS.statusSince, before?.statusSince ?? null),
        price: scalar(SCALAR_SLOTS.price, before?.price ?? null),
        claimCounts: { ...this.counts },
        contested: {
          status: scalar(SCALAR_SLOTS.contestedStatus, before?.contested.status ?? false),
          price: scalar(SCALAR_SLOTS.contestedPrice, before?.contested.price ?? false),
        },
        lastRecordedAt: event.recordedAt,
        asOf: { validAt: null, knownAt: null },
      },
      openedPosition: this.deal?.openedPosition ?? event.position,
      lastPosition: event.position,
      lastRecordedAt: event.recordedAt,
    };
    this.timeline.push({ dealId: header.dealId, version: event.version, position: event.position, entry });
  }

  /** The rows this projector changed. */
  rows(): ProjectionRows {
    const deal = this.deal;
    const items: ItemRow[] = [];
    const removedItems: RemovedItem[] = [];
    if (deal !== null) {
      for (const [slot, item] of this.items) {
        if (item !== null) items.push({ dealId: deal.dealId, ...item });
        // a deal projected from its first event has no stored items to remove
        else if (!this.fresh) removedItems.push({ dealId: deal.dealId, ...(listSlot(slot) as NonNullable<ReturnType<typeof listSlot>>) });
      }
    }
    return {
      deals: deal ? [deal] : [],
      claims: [...this.touchedClaims].map((id) => claimRowOf(this.state.record(id) as ClaimRecord)),
      timeline: this.timeline,
      items,
      removedItems,
    };
  }
}
