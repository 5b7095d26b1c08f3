import {
  byPosition,
  dealHeaderOf,
  inValidScope,
  newClaimRecord,
  nextClaimRecord,
  parseCut,
  replayDeal,
  type ClaimRecord,
  type DealCut,
} from './claim.record';
import {
  amountGroupKey,
  byOrderKey,
  conflictKey,
  denialConflict,
  diffSlots,
  fundingRoundView,
  isFundingClaim,
  isOfferClaim,
  isPriceClaim,
  isRegulatoryClaim,
  isStatusClaim,
  isValuationClaim,
  neighbourConflict,
  offerView,
  priceOf,
  SCALAR_SLOTS,
  regulatoryView,
  slotKey,
  statusGroupKey,
  statusOf,
  valuationOf,
  type Slots,
} from './deal.derivation';
import { actorOf, type RecordedDealEvent } from './deal.events';
import type { DealHeader } from './deal.state';
import type { ConflictReason, StateChange, TimelineEntry } from './deal.views';

/**
 * `axis=valid` (DESIGN 2.5): the counting claims in 2.3 order, each with what
 * it did to the state when applied in that order: the difference between the
 * state of the claims before it and the state including it, every field of
 * it (status, price, contested flags, offers, valuations, funding, regulatory
 * actions, conflicts), in the terms `axis=recorded` uses. Each claim joins an
 * {@link IncrementalDealState} at the end of its groups, so the whole costs
 * O(n log n). Same cuts as `foldDeal`.
 */
export function validTimeline(events: readonly RecordedDealEvent[], cut: DealCut = {}): TimelineEntry[] {
  const parsed = parseCut(cut);
  const replayed = replayDeal(events, parsed.knownUntil);
  const counting = inValidScope(replayed.claims.values(), parsed).filter((claim) => claim.counts).sort(byOrderKey);
  const state = new IncrementalDealState();
  return counting.map((claim) => ({
    eventType: 'ClaimRecorded',
    claimId: claim.claimId,
    kind: claim.kind,
    occurredAt: claim.occurredAt,
    recordedAt: claim.recordedAt,
    position: claim.position,
    version: claim.version,
    actorId: claim.recordedBy,
    sources: claim.sources,
    verdict: claim.verdict,
    changes: state.join(claim),
  }));
}

/**
 * `axis=recorded` (DESIGN 2.5): every event in recording order, each with
 * what it changed in the current state as the newsroom saw it then, i.e. the
 * difference between `foldDeal` of the events before it and including it
 * (`diffDealStates`), computed incrementally: O(log n) plus the size of the
 * affected runs per event instead of a full fold per event.
 */
export function recordedTimeline(events: readonly RecordedDealEvent[]): TimelineEntry[] {
  const state = new IncrementalDealState();
  return byPosition(events).map((event) => state.apply(event).entry);
}

type NeighbourReason = Exclude<ConflictReason, 'denial'>;

/** Sorted arrays of claim records (by orderKey), updated in place. */
function lowerBound(sorted: readonly ClaimRecord[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as ClaimRecord).orderKey < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

function indexOfRecord(sorted: readonly ClaimRecord[], record: ClaimRecord): number {
  const index = lowerBound(sorted, record.orderKey);
  return sorted[index]?.claimId === record.claimId ? index : -1;
}

function removeRecord(sorted: ClaimRecord[], record: ClaimRecord): void {
  const index = indexOfRecord(sorted, record);
  if (index >= 0) sorted.splice(index, 1);
}

function insertRecord(sorted: ClaimRecord[], record: ClaimRecord): void {
  const index = lowerBound(sorted, record.orderKey);
  if (index === sorted.length) sorted.push(record);
  else sorted.splice(index, 0, record);
}

/**
 * Replaces `previous` by `next` (either may be null: leave or join). In place
 * when the order key is unchanged, as for verdicts and most sources, which
 * keeps those events O(log n).
 */
function moveRecord(sorted: ClaimRecord[], previous: ClaimRecord | null, next: ClaimRecord | null): void {
  if (previous !== null && next !== null && previous.orderKey === next.orderKey) {
    const index = indexOfRecord(sorted, previous);
    if (index >= 0) {
      sorted[index] = next;
      return;
    }
  }
  if (previous !== null) removeRecord(sorted, previous);
  if (next !== null) insertRecord(sorted, next);
}

/** A map of sorted groups; a group is created on first insert, dropped when empty. */
class SortedGroups {
  private readonly groups = new Map<string, ClaimRecord[]>();

  get(key: string): readonly ClaimRecord[] {
    return this.groups.get(key) ?? [];
  }

  remove(key: string | null, record: ClaimRecord): void {
    if (key === null) return;
    const group = this.groups.get(key);
    if (!group) return;
    removeRecord(group, record);
    if (group.length === 0) this.groups.delete(key);
  }

  /** Moves a record from group `oldKey` to group `newKey` (null: none). */
  move(oldKey: string | null, newKey: string | null, previous: ClaimRecord | null, next: ClaimRecord): void {
    if (previous !== null && oldKey !== null && oldKey === newKey) {
      moveRecord(this.groups.get(oldKey) as ClaimRecord[], previous, next);
      return;
    }
    if (previous !== null && oldKey !== null) {
      const group = this.groups.get(oldKey);
      if (group) {
        removeRecord(group, previous);
        if (group.length === 0) this.groups.delete(oldKey);
      }
    }
    if (newKey !== null) {
      const group = this.groups.get(newKey);
      if (group) insertRecord(group, next);
      else this.groups.set(newKey, [next]);
    }
  }
}

interface Membership {
  readonly status: boolean;
  readonly price: boolean;
  readonly valuationKey: string | null;
  readonly amountKey: string | null;
  readonly statusKey: string | null;
}

const NONE: Membership = { status: false, price: false, valuationKey: null, amountKey: null, statusKey: null };

function membershipOf(claim: ClaimRecord | undefined): Membership {
  if (claim === undefined || !claim.counts) return NONE;
  return {
    status: isStatusClaim(claim),
    price: isPriceClaim(claim),
    valuationKey: isValuationClaim(claim) ? claim.partyKey : null,
    amountKey: amountGroupKey(claim),
    statusKey: statusGroupKey(claim),
  };
}

/**
 * Whether a claim can set something in the state: it counts, and it is not a
 * statement without an amount (such a statement matters only as the target of
 * a denial, and a working set loads denial targets by id).
 */
export function canSetState(record: ClaimRecord): boolean {
  return record.counts && (record.kind !== 'statement' || record.amount !== null);
}

/** What one event did: its timeline entry, and every slot it may have touched, as they are after it. */
export interface AppliedEvent {
  readonly entry: TimelineEntry;
  /**
   * The slots read around the event, after it: the scalars, the claim's own
   * items, its party's valuation, and the conflicts around it (a claim whose
   * 2.3 place moved has all its items here even when their values did not
   * change). Empty for an event about a claim this state does not hold.
   */
  readonly touched: Slots;
  /** Slots that held something before the event and are empty after it. */
  readonly emptied: readonly string[];
}

/**
 * The deal state kept as sorted structures, so that applying one event only
 * recomputes the slots (see `slotsOfState`) that event can change: the
 * scalars, the claim's own items, its party's valuation, and the conflicts
 * around its old and new places in its groups.
 *
 * It may hold only part of a deal's claims (a working set): those that can set
 * something, plus those the next events touch and the claims their denials
 * contradict. Claims that set nothing can be left out or forgotten without
 * changing what it derives.
 */
export class IncrementalDealState {
  private header: DealHeader | null = null;
  private readonly claims = new Map<string, ClaimRecord>();
  private readonly statusClaims: ClaimRecord[] = [];
  private readonly priceClaims: ClaimRecord[] = [];
  private readonly valuationGroups = new SortedGroups();
  private readonly amountGroups = new SortedGroups();
  private readonly statusGroups = new SortedGroups();
  /** Denial ids by the claim they contradict (whether counting or not). */
  private readonly denialsByTarget = new Map<string, Set<string>>();

  /** A state resumed from a deal's header and (part of) its claim records. */
  static of(header: DealHeader, records: Iterable<ClaimRecord>): IncrementalDealState {
    const state = new IncrementalDealState();
    state.header = header;
    for (const record of records) state.add(record);
    return state;
  }

  get dealHeader(): DealHeader | null {
    return this.header;
  }

  /** How many claims it holds. */
  get size(): number {
    return this.claims.size;
  }

  record(claimId: string): ClaimRecord | undefined {
    return this.claims.get(claimId);
  }

  /** The claims it holds, in the order they joined. */
  records(): IterableIterator<ClaimRecord> {
    return this.claims.values();
  }

  /** Takes in a claim it did not hold, as it stands (no change is derived). */
  add(record: ClaimRecord): void {
    if (this.claims.has(record.claimId)) return;
    const is = membershipOf(record);
    moveRecord(this.statusClaims, null, is.status ? record : null);
    moveRecord(this.priceClaims, null, is.price ? record : null);
    if (is.valuationKey !== null) this.valuationGroups.move(null, is.valuationKey, null, record);
    if (is.amountKey !== null) this.amountGroups.move(null, is.amountKey, null, record);
    if (is.statusKey !== null) this.statusGroups.move(null, is.statusKey, null, record);
    this.claims.set(record.claimId, record);
    this.indexDenial(undefined, record);
  }

  /** Takes in a claim it did not hold and returns what that changed in the state. */
  join(record: ClaimRecord): StateChange[] {
    if (this.claims.has(record.claimId)) throw new Error(`claim ${record.claimId} is in the state already`);
    return this.replace(undefined, record)[0];
  }

  /** Drops a claim from the working set (the caller knows it sets nothing now). */
  forget(claimId: string): void {
    const record = this.claims.get(claimId);
    if (record === undefined) return;
    const was = membershipOf(record);
    moveRecord(this.statusClaims, was.status ? record : null, null);
    moveRecord(this.priceClaims, was.price ? record : null, null);
    this.valuationGroups.remove(was.valuationKey, record);
    this.amountGroups.remove(was.amountKey, record);
    this.statusGroups.remove(was.statusKey, record);
    this.claims.delete(claimId);
    if (record.contradicts !== null) this.denialsByTarget.get(record.contradicts)?.delete(claimId);
  }

  /** Whether a claim the state holds is named as contradicted by a denial it holds. */
  isDenialTarget(claimId: string): boolean {
    return (this.denialsByTarget.get(claimId)?.size ?? 0) > 0;
  }

  apply(event: RecordedDealEvent): AppliedEvent {
    if (event.type === 'DealOpened') {
      const before = this.headerSlots();
      this.header = dealHeaderOf(event);
      const after = this.headerSlots();
      return { entry: entry(event, null, diffSlots(before, after)), touched: after, emptied: [] };
    }
    const previous = this.claims.get(event.data.claimId);
    const next =
      event.type === 'ClaimRecorded'
        ? newClaimRecord(event.data, event)
        : previous === undefined
          ? undefined
          : nextClaimRecord(previous, event);
    if (next === undefined) return { entry: entry(event, null, []), touched: new Map(), emptied: [] };
    const [changes, touched, emptied] = this.replace(previous, next);
    return { entry: entry(event, next, changes), touched, emptied };
  }

  private headerSlots(): Slots {
    return new Map<string, unknown>([
      [slotKey('title'), this.header?.title ?? null],
      [slotKey('kind'), this.header?.kind ?? null],
      [slotKey('parties'), this.header?.parties ?? null],
    ]);
  }

  /** Swaps a claim's record and returns what that changed, and the slots it read after. */
  private replace(previous: ClaimRecord | undefined, next: ClaimRecord): [StateChange[], Slots, string[]] {
    const was = membershipOf(previous);
    const is = membershipOf(next);
    const valuationKeys = distinct(was.valuationKey, is.valuationKey);
    const amountWindows = this.windows(this.amountGroups, was.amountKey, is.amountKey, previous, next);
    const statusWindows = this.windows(this.statusGroups, was.statusKey, is.statusKey, previous, next);
    const denialPairs = this.denialPairs(previous, next);

    const before = this.slots(previous, valuationKeys, amountWindows, statusWindows, denialPairs);

    // `was` is all false/null when there is no previous record.
    const old = previous ?? null;
    moveRecord(this.statusClaims, was.status ? old : null, is.status ? next : null);
    moveRecord(this.priceClaims, was.price ? old : null, is.price ? next : null);
    this.valuationGroups.move(was.valuationKey, is.valuationKey, old, next);
    this.amountGroups.move(was.amountKey, is.amountKey, old, next);
    this.statusGroups.move(was.statusKey, is.statusKey, old, next);
    this.claims.set(next.claimId, next);
    this.indexDenial(previous, next);

    const after = this.slots(next, valuationKeys, amountWindows, statusWindows, denialPairs);
    const emptied: string[] = [];
    for (const key of before.keys()) if ((after.get(key) ?? null) === null) emptied.push(key);
    return [diffSlots(before, after), after, emptied];
  }

  /**
   * For each group the claim leaves or joins: the ids whose neighbour pairs
   * can change, namely the claim, its old neighbours, and the records around
   * its new place.
   */
  private windows(
    groups: SortedGroups,
    oldKey: string | null,
    newKey: string | null,
    previous: ClaimRecord | undefined,
    next: ClaimRecord,
  ): Map<string, Set<string>> {
    const windows = new Map<string, Set<string>>();
    for (const key of distinct(oldKey, newKey)) {
      const group = groups.get(key);
      const ids = new Set<string>([next.claimId]);
      if (key === oldKey && previous !== undefined) {
        const index = indexOfRecord(group, previous);
        if (index >= 0) for (let i = Math.max(0, index - 1); i <= index + 1 && i < group.length; i++) addId(ids, group[i]);
      }
      if (key === newKey) {
        const index = lowerBound(group, next.orderKey);
        for (let i = Math.max(0, index - 2); i <= index + 1 && i < group.length; i++) addId(ids, group[i]);
      }
      windows.set(key, ids);
    }
    return windows;
  }

  private denialPairs(previous: ClaimRecord | undefined, next: ClaimRecord): [string, string][] {
    const pairs: [string, string][] = [];
    for (const claim of [previous, next]) {
      if (claim?.kind === 'denial' && claim.contradicts !== null) pairs.push([claim.contradicts, claim.claimId]);
    }
    for (const denialId of this.denialsByTarget.get(next.claimId) ?? []) pairs.push([next.claimId, denialId]);
    return pairs;
  }

  private indexDenial(previous: ClaimRecord | undefined, next: ClaimRecord): void {
    if (previous !== undefined && previous.contradicts !== null && previous.contradicts !== next.contradicts) {
      this.denialsByTarget.get(previous.contradicts)?.delete(previous.claimId);
    }
    if (next.contradicts !== null) {
      const set = this.denialsByTarget.get(next.contradicts);
      if (set) set.add(next.claimId);
      else this.denialsByTarget.set(next.contradicts, new Set([next.claimId]));
    }
  }

  /** The slots the change of `claim` may touch, read from the current structures. */
  private slots(
    claim: ClaimRecord | undefined,
    valuationKeys: readonly string[],
    amountWindows: Map<string, Set<string>>,
    statusWindows: Map<string, Set<string>>,
    denialPairs: readonly [string, string][],
  ): Slots {
    const slots: Slots = new Map();
    const status = statusOf(this.statusClaims);
    const price = priceOf(this.priceClaims);
    slots.set(SCALAR_SLOTS.status, status.status);
    slots.set(SCALAR_SLOTS.statusSince, status.statusSince);
    slots.set(SCALAR_SLOTS.price, price.price);
    slots.set(SCALAR_SLOTS.contestedStatus, status.contested);
    slots.set(SCALAR_SLOTS.contestedPrice, price.contested);
    if (claim !== undefined && claim.counts) {
      if (isOfferClaim(claim)) slots.set(slotKey('offers', claim.claimId), offerView(claim));
      if (isFundingClaim(claim)) slots.set(slotKey('funding', claim.claimId), fundingRoundView(claim));
      if (isRegulatoryClaim(claim)) slots.set(slotKey('regulatory', claim.claimId), regulatoryView(claim));
    }
    for (const key of valuationKeys) {
      const valuation = valuationOf(this.valuationGroups.get(key));
      if (valuation !== null) slots.set(slotKey('valuations', key), valuation);
    }
    this.neighbourConflicts(this.amountGroups, amountWindows, 'amount_mismatch', slots);
    this.neighbourConflicts(this.statusGroups, statusWindows, 'status_clash', slots);
    for (const [targetId, denialId] of denialPairs) {
      const denial = this.claims.get(denialId);
      const conflict = denial === undefined ? null : denialConflict(denial, this.claims.get(targetId));
      if (conflict) slots.set(slotKey('conflicts', conflictKey(conflict)), conflict);
    }
    return slots;
  }

  private neighbourConflicts(
    groups: SortedGroups,
    windows: Map<string, Set<string>>,
    reason: NeighbourReason,
    into: Slots,
  ): void {
    for (const [key, ids] of windows) {
      const group = groups.get(key);
      // Left indices of the neighbour pairs touching the window, each once.
      const lefts = new Set<number>();
      for (const id of ids) {
        const record = this.claims.get(id);
        if (record === undefined) continue;
        const index = indexOfRecord(group, record);
        if (index < 0) continue;
        if (index > 0) lefts.add(index - 1);
        if (index + 1 < group.length) lefts.add(index);
      }
      for (const left of lefts) {
        const conflict = neighbourConflict(group[left] as ClaimRecord, group[left + 1] as ClaimRecord, reason);
        if (conflict) into.set(slotKey('conflicts', conflictKey(conflict)), conflict);
      }
    }
  }
}

/** Built field by field: object spreads are slow on this hot path. */
function entry(event: RecordedDealEvent, claim: ClaimRecord | null, changes: StateChange[]): TimelineEntry {
  return {
    eventType: event.type,
    claimId: event.type === 'DealOpened' ? null : event.data.claimId,
    kind: claim === null ? null : claim.kind,
    occurredAt: claim === null ? null : claim.occurredAt,
    recordedAt: event.recordedAt,
    position: event.position,
    version: event.version,
    actorId: actorOf(event),
    sources: claim === null ? [] : claim.sources,
    verdict: claim === null ? null : claim.verdict,
    changes,
  };
}

function distinct(a: string | null, b: string | null): string[] {
  if (a === null) return b === null ? [] : [b];
  return b === null || b === a ? [a] : [a, b];
}

function addId(ids: Set<string>, record: ClaimRecord | undefined): void {
  if (record !== undefined) ids.add(record.claimId);
}
