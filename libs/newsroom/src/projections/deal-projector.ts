import { claimRecordOf, type ClaimIdentity, type ClaimRecord, type ClaimRecordBase } from '../domain/claim.record';
import { SCALAR_SLOTS } from '../domain/deal.derivation';
import type { RecordedDealEvent } from '../domain/deal.events';
import { itemSortKey, listSlot, type DealStateHead, type StateItem, type StateListField } from '../domain/deal.items';
import { IncrementalDealState } from '../domain/deal.timeline';
import type { DealHeader } from '../domain/deal.state';
import type { ClaimCounts, TimelineEntry } from '../domain/deal.views';
import type { Source } from '../domain/source';
import { outletKey } from '../domain/source';

/**
 * A claim record as stored (deal_claims.record, JSON text): its base fields
 * less those the row's columns hold (its identity: id, deal, position,
 * kind), and less its null fields, which read back as null (most claims have
 * several of the seven that may be). The derived fields (verdict, order key,
 * scaled amount...) are computed again on load. Two thirds of the bytes of a
 * whole record.
 */
export type StoredClaimRecord = Omit<ClaimRecordBase, keyof ClaimIdentity>;

/** The columns of a deal_claims row a record is loaded from, in the order {@link StoredClaimRow} has them. */
export const STORED_CLAIM_COLUMNS = 'claim_id, deal_id, position, kind, record';

/** A deal_claims row as a query of {@link STORED_CLAIM_COLUMNS} gives it: the record as text, or parsed (`record::json`). */
export interface StoredClaimRow {
  claim_id: string;
  deal_id: string;
  /** bigint, as the driver gives it. */
  position: string | number;
  kind: string;
  record: string | StoredClaimRecord;
}

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
  kind: ClaimRecord['kind'];
  verdict: ClaimRecord['verdict'];
  relevant: boolean;
  outletKeys: string[];
  /** The record's first day and 2.3 order, for reports that filter and order claims in SQL. */
  start: string;
  orderKey: string;
  record: StoredClaimRecord;
  /** Versions of the deal's events about the claim: all of them, or those of this write, which appends them. */
  versions: number[];
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
  // one object shape; fields left undefined are not written by JSON.stringify
  return {
    statement: record.statement,
    occurredAt: record.occurredAt,
    amount: record.amount ?? undefined,
    party: record.party ?? undefined,
    agreementLevel: record.agreementLevel ?? undefined,
    regulatoryOutcome: record.regulatoryOutcome ?? undefined,
    contradicts: record.contradicts ?? undefined,
    sources: record.sources,
    recordedBy: record.recordedBy,
    recordedAt: record.recordedAt,
    version: record.version,
    revision: record.revision,
    latestVerdict: record.latestVerdict ?? undefined,
    retraction: record.retraction ?? undefined,
  };
}

export function fromStoredRecord(stored: StoredClaimRecord, identity: ClaimIdentity): ClaimRecord {
  return claimRecordOf(identity, stored);
}

/** A claim record from its deal_claims row. */
export function claimRecordOfRow(row: StoredClaimRow): ClaimRecord {
  const stored = typeof row.record === 'string' ? (JSON.parse(row.record) as StoredClaimRecord) : row.record;
  return claimRecordOf(
    { claimId: row.claim_id, dealId: row.deal_id, position: Number(row.position), kind: row.kind as ClaimRecord['kind'] },
    stored,
  );
}

/** What a timeline row's columns hold of its entry, so the stored entry leaves it out. */
type TimelineEntryColumns = 'eventType' | 'claimId' | 'position' | 'version';

/**
 * A timeline entry as stored: the entry less its sources and less what its
 * row's columns hold (a quarter of the rest), and apart from it the sources
 * it changes. A claim's sources change only when it is recorded and when a
 * source is added, so only those entries keep any (`ClaimRecorded` its list,
 * `ClaimSourceAdded` the source added; the others null). Most of an entry's
 * bytes were its sources. The reader (`DealReadModel.recordedTimelineJson`)
 * joins them back up.
 */
export interface StoredTimelineEntry {
  entry: Omit<TimelineEntry, 'sources' | TimelineEntryColumns>;
  sources: readonly Source[] | null;
}

export function toStoredEntry(entry: TimelineEntry): StoredTimelineEntry {
  const { sources, eventType: _type, claimId: _claim, position: _position, version: _version, ...rest } = entry;
  switch (entry.eventType) {
    case 'DealOpened':
    case 'ClaimRecorded':
      return { entry: rest, sources };
    case 'ClaimSourceAdded':
      return { entry: rest, sources: sources.slice(-1) };
    case 'ClaimCorrected':
    case 'VerdictGiven':
    case 'ClaimRetracted':
      return { entry: rest, sources: null };
    default: {
      const unexpected: never = entry.eventType;
      throw new Error(`Unknown deal event type: ${String(unexpected)}`);
    }
  }
}

export function claimRowOf(record: ClaimRecord, versions: number[]): ClaimRow {
  return {
    claimId: record.claimId,
    dealId: record.dealId,
    position: record.position,
    kind: record.kind,
    verdict: record.verdict,
    relevant: isRelevant(record),
    outletKeys: [...new Set(record.sources.map((s) => outletKey(s.outlet)))],
    start: record.start,
    orderKey: record.orderKey,
    record: toStoredRecord(record),
    versions,
  };
}

type Scalars = Pick<DealStateHead, 'status' | 'statusSince' | 'price' | 'contested'>;

const NO_SCALARS: Scalars = { status: 'unknown', statusSince: null, price: null, contested: { status: false, price: false } };

function scalarsOf({ status, statusSince, price, contested }: DealStateHead): Scalars {
  return { status, statusSince, price, contested };
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
  /** The claims the events touched, with the versions of those events. */
  private readonly touchedClaims = new Map<string, number[]>();
  private readonly timeline: TimelineRow[] = [];
  /** List slots written, by slot key, with the item now there (null: removed). */
  private readonly items = new Map<string, { field: StateListField; key: string; item: unknown }>();
  private readonly counts: { -readonly [K in keyof ClaimCounts]: number };
  readonly state: IncrementalDealState;
  private readonly fresh: boolean;
  /** The head's derived scalars as of the last event (rows are built once, when asked for). */
  private scalars: Scalars;
  private last: RecordedDealEvent | null = null;
  private readonly openedPosition: number | null;

  constructor(deal: DealRow | null, state: IncrementalDealState | null) {
    this.state = state ?? new IncrementalDealState();
    this.fresh = deal === null;
    this.scalars = deal ? scalarsOf(deal.head) : NO_SCALARS;
    this.openedPosition = deal?.openedPosition ?? null;
    this.counts = { ...(deal?.head.claimCounts ?? EMPTY_COUNTS) };
  }

  /** The claims the applied events touched. */
  get touched(): Iterable<string> {
    return this.touchedClaims.keys();
  }

  apply(event: RecordedDealEvent): void {
    if (this.state.dealHeader === null && event.type !== 'DealOpened') {
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
      const versions = this.touchedClaims.get(claimId);
      if (versions) versions.push(event.version);
      else this.touchedClaims.set(claimId, [event.version]);
    }
    for (const [slot, item] of touched) {
      const list = listSlot(slot);
      if (list !== null && item !== null) this.items.set(slot, { field: list.field, key: list.key, item });
    }
    for (const slot of emptied) {
      const list = listSlot(slot);
      if (list !== null) this.items.set(slot, { field: list.field, key: list.key, item: null });
    }
    if (touched.has(SCALAR_SLOTS.status)) {
      this.scalars = {
        status: touched.get(SCALAR_SLOTS.status) as DealStateHead['status'],
        statusSince: touched.get(SCALAR_SLOTS.statusSince) as string | null,
        price: touched.get(SCALAR_SLOTS.price) as DealStateHead['price'],
        contested: {
          status: touched.get(SCALAR_SLOTS.contestedStatus) as boolean,
          price: touched.get(SCALAR_SLOTS.contestedPrice) as boolean,
        },
      };
    }
    this.last = event;
    const dealId = (this.state.dealHeader as DealHeader).dealId;
    this.timeline.push({ dealId, version: event.version, position: event.position, entry });
  }

  /** The rows this projector changed. */
  rows(): ProjectionRows {
    const header = this.state.dealHeader;
    const last = this.last;
    if (header === null || last === null) return { deals: [], claims: [], timeline: [], items: [], removedItems: [] };
    const { scalars } = this;
    const deal: DealRow = {
      dealId: header.dealId,
      version: last.version,
      header,
      head: {
        id: header.dealId,
        title: header.title,
        kind: header.kind,
        parties: header.parties,
        version: last.version,
        status: scalars.status,
        statusSince: scalars.statusSince,
        price: scalars.price,
        claimCounts: { ...this.counts },
        contested: scalars.contested,
        lastRecordedAt: last.recordedAt,
        asOf: { validAt: null, knownAt: null },
      },
      openedPosition: this.openedPosition ?? (this.timeline[0] as TimelineRow).position,
      lastPosition: last.position,
      lastRecordedAt: last.recordedAt,
    };
    const recordOf = (id: string) => this.state.record(id);
    const items: ItemRow[] = [];
    const removedItems: RemovedItem[] = [];
    for (const { field, key, item } of this.items.values()) {
      if (item !== null) items.push({ dealId: deal.dealId, field, key, sortKey: itemSortKey(field, key, item, recordOf), item });
      // a deal projected from its first event has no stored items to remove
      else if (!this.fresh) removedItems.push({ dealId: deal.dealId, field, key });
    }
    return {
      deals: [deal],
      claims: [...this.touchedClaims].map(([id, versions]) => claimRowOf(this.state.record(id) as ClaimRecord, versions)),
      timeline: this.timeline,
      items,
      removedItems,
    };
  }
}
