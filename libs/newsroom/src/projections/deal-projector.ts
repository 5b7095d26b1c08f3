import { dealHeaderOf, newClaimRecord, nextClaimRecord, replayDeal, type ClaimRecord } from '../domain/claim.record';
import { deriveDealState, diffDealStates } from '../domain/deal.derivation';
import { actorOf, type RecordedDealEvent } from '../domain/deal.events';
import { recordedTimeline } from '../domain/deal.timeline';
import type { DealHeader } from '../domain/deal.state';
import type { ClaimCounts, DealStateView, TimelineEntry } from '../domain/deal.views';
import { toComparable } from '../domain/money';
import { outletKey } from '../domain/source';

/** A claim record as stored (jsonb): the same, less the scaled amount, which is derived again on load. */
export type StoredClaimRecord = Omit<ClaimRecord, 'comparableAmount'>;

export interface DealRow {
  dealId: string;
  version: number;
  header: DealHeader;
  state: DealStateView;
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
 * The projection of one deal, applied event by event. It holds the deal row,
 * the claim records it was given (the relevant ones, those the events touch,
 * and denial targets: enough to derive the state) and collects the rows to
 * write. The inline projection loads one deal's working set per append; a
 * rebuild keeps every record in memory. Both run this same code.
 *
 * A projector that starts from nothing (no deal row, no records: a new deal,
 * or a rebuild replaying a stream from its first event) does not derive the
 * whole state after every event, which costs O(claims) per event and
 * O(claims^2) per deal: it keeps the events and, when asked for its rows,
 * takes the timeline from the domain's incremental `recordedTimeline` (each
 * entry is the difference of the states before and after its event, as
 * here) and derives the state once. Same rows, either way.
 */
export class DealProjector {
  private readonly touched = new Set<string>();
  private readonly timeline: TimelineRow[] = [];
  private counts: { -readonly [K in keyof ClaimCounts]: number };
  /** The events of a projector that started from nothing; null once it started from a deal row. */
  private readonly replay: RecordedDealEvent[] | null;
  /** How many of `replay` the rows were last computed from. */
  private replayed = 0;

  constructor(
    private deal: DealRow | null,
    private readonly records: Map<string, ClaimRecord>,
  ) {
    this.counts = { ...(deal?.state.claimCounts ?? EMPTY_COUNTS) };
    this.replay = deal === null && records.size === 0 ? [] : null;
  }

  apply(event: RecordedDealEvent): void {
    if (this.replay !== null) {
      if (this.replay.length === 0 && event.type !== 'DealOpened') {
        throw new Error(`event ${event.position} of a deal that was never opened`);
      }
      this.replay.push(event);
      return;
    }
    const before = this.deal?.state ?? null;
    let header = this.deal?.header ?? null;
    let claimId: string | null = null;
    let record: ClaimRecord | undefined;
    if (event.type === 'DealOpened') {
      header = dealHeaderOf(event);
    } else {
      claimId = event.data.claimId;
      const previous = this.records.get(claimId);
      record = event.type === 'ClaimRecorded' ? newClaimRecord(event.data, event) : previous && nextClaimRecord(previous, event);
      if (record) {
        if (previous) this.counts[previous.verdict]--;
        else this.counts.total++;
        this.counts[record.verdict]++;
        this.records.set(claimId, record);
        this.touched.add(claimId);
      }
    }
    if (header === null) throw new Error(`event ${event.position} of a deal that was never opened`);
    const state = this.derive(header, event);
    this.deal = {
      dealId: header.dealId,
      version: event.version,
      header,
      state,
      openedPosition: this.deal?.openedPosition ?? event.position,
      lastPosition: event.position,
      lastRecordedAt: event.recordedAt,
    };
    this.timeline.push({
      dealId: header.dealId,
      version: event.version,
      position: event.position,
      entry: {
        eventType: event.type,
        recordedAt: event.recordedAt,
        position: event.position,
        version: event.version,
        actorId: actorOf(event),
        claimId,
        kind: record?.kind ?? null,
        occurredAt: record?.occurredAt ?? null,
        sources: record?.sources ?? [],
        verdict: record?.verdict ?? null,
        changes: diffDealStates(before, state),
      },
    });
  }

  /** The rows this projector changed: the deal, its touched claims, new timeline entries. */
  rows(): { deal: DealRow | null; claims: ClaimRow[]; timeline: TimelineRow[] } {
    this.catchUpReplay();
    return {
      deal: this.deal,
      claims: [...this.touched].map((id) => claimRowOf(this.records.get(id) as ClaimRecord)),
      timeline: this.timeline,
    };
  }

  /** Projects the kept events of a projector that started from nothing, in one go. */
  private catchUpReplay(): void {
    const events = this.replay;
    if (events === null || events.length === this.replayed) return;
    this.replayed = events.length;
    const first = events[0] as RecordedDealEvent;
    const last = events[events.length - 1] as RecordedDealEvent;
    const replayed = replayDeal(events, null);
    const header = replayed.header as NonNullable<typeof replayed.header>;
    this.counts = { ...EMPTY_COUNTS };
    for (const [claimId, record] of replayed.claims) {
      this.counts.total++;
      this.counts[record.verdict]++;
      this.records.set(claimId, record);
      this.touched.add(claimId);
    }
    this.deal = {
      dealId: header.dealId,
      version: last.version,
      header,
      state: this.derive(header, last),
      openedPosition: first.position,
      lastPosition: last.position,
      lastRecordedAt: last.recordedAt,
    };
    this.timeline.length = 0;
    for (const entry of recordedTimeline(events)) {
      this.timeline.push({ dealId: header.dealId, version: entry.version, position: entry.position, entry });
    }
  }

  private derive(header: DealHeader, event: RecordedDealEvent): DealStateView {
    const input = new Map<string, ClaimRecord>();
    for (const record of this.records.values()) {
      if (!isRelevant(record)) continue;
      input.set(record.claimId, record);
      if (record.kind === 'denial' && record.contradicts !== null) {
        const target = this.records.get(record.contradicts);
        if (target) input.set(target.claimId, target);
      }
    }
    const derived = deriveDealState(header, input.values(), {
      version: event.version,
      lastRecordedAt: event.recordedAt,
      asOf: { validAt: null, knownAt: null },
    });
    return { ...derived, claimCounts: { ...this.counts } };
  }
}
