import { isPartyKind, partyKey, type ClaimRecord } from './claim.record';
import {
  OFFER_KINDS,
  PRICE_KINDS,
  STATUS_SET_BY_KIND,
  type DealStatus,
} from './deal.events';
import type { DealHeader } from './deal.state';
import type {
  ChangeField,
  ClaimCounts,
  ConflictReason,
  ConflictView,
  DealStateView,
  FundingRoundView,
  FundingView,
  OfferView,
  PriceView,
  RegulatoryView,
  StateChange,
  ValuationView,
} from './deal.views';
import { CHANGE_FIELDS } from './deal.views';
import { amountsConflict } from './money';

/**
 * The rules of DESIGN 2.3 as small functions over claim records sorted in
 * 2.3 order (`orderKey`). The full fold (deal.fold.ts) and the incremental
 * recorded timeline (deal.timeline.ts) both call these, so they cannot
 * disagree.
 */

export function byOrderKey(a: ClaimRecord, b: ClaimRecord): number {
  return a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : 0;
}

// Membership -----------------------------------------------------------------

export function isStatusClaim(claim: ClaimRecord): boolean {
  return STATUS_SET_BY_KIND[claim.kind] !== null;
}

export function isPriceClaim(claim: ClaimRecord): boolean {
  return claim.amount !== null && PRICE_KINDS.includes(claim.kind);
}

export function isOfferClaim(claim: ClaimRecord): boolean {
  return claim.amount !== null && OFFER_KINDS.includes(claim.kind);
}

export function isValuationClaim(claim: ClaimRecord): boolean {
  return claim.kind === 'valuation_reported' && claim.amount !== null && claim.partyKey !== null;
}

export function isFundingClaim(claim: ClaimRecord): boolean {
  return claim.kind === 'funding_raised' && claim.partyKey !== null;
}

export function isRegulatoryClaim(claim: ClaimRecord): boolean {
  return claim.kind === 'regulatory_action' && claim.regulatoryOutcome !== null;
}

/**
 * Claims whose amounts are compared for conflicts (2.3(6)b): same kind; for
 * `valuation_reported` also the same party; for `funding_raised` the same
 * party and the same occurredAt (two rounds of different sizes at different
 * dates are two rounds, not a contradiction).
 */
export function amountGroupKey(claim: ClaimRecord): string | null {
  if (claim.comparableAmount === null) return null;
  if (!isPartyKind(claim.kind)) return claim.kind;
  const party = claim.partyKey ?? '';
  return claim.kind === 'funding_raised' ? `${claim.kind}\u0000${party}\u0000${claim.occurredAt}` : `${claim.kind}\u0000${party}`;
}

/** Status-bearing claims are compared per identical occurredAt (2.3(6)c). */
export function statusGroupKey(claim: ClaimRecord): string | null {
  return isStatusClaim(claim) ? claim.occurredAt : null;
}

// Scalars ----------------------------------------------------------------------

export interface StatusResult {
  readonly status: DealStatus;
  readonly statusSince: string | null;
  readonly contested: boolean;
}

/**
 * 2.3(4) and (5) for the status, from the counting status-bearing claims in
 * order: the last one sets it. It is contested when every claim of the
 * final run asserting that same status is disputed.
 */
export function statusOf(sorted: readonly ClaimRecord[]): StatusResult {
  const last = sorted[sorted.length - 1];
  if (last === undefined) return { status: 'unknown', statusSince: null, contested: false };
  const status = STATUS_SET_BY_KIND[last.kind] as DealStatus;
  let contested = true;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const claim = sorted[i] as ClaimRecord;
    if (STATUS_SET_BY_KIND[claim.kind] !== status) break;
    if (claim.verdict !== 'disputed') {
      contested = false;
      break;
    }
  }
  return { status, statusSince: last.occurredAt, contested };
}

export interface PriceResult {
  readonly price: PriceView | null;
  readonly contested: boolean;
}

/**
 * The price, from the counting price claims with an amount in order: the
 * last one's amount. Contested when every claim of the final run agreeing
 * with it (no amount conflict) is disputed.
 */
export function priceOf(sorted: readonly ClaimRecord[]): PriceResult {
  const last = sorted[sorted.length - 1];
  if (last === undefined || last.amount === null || last.comparableAmount === null) return { price: null, contested: false };
  let contested = true;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const claim = sorted[i] as ClaimRecord;
    if (claim.comparableAmount === null || amountsConflict(claim.comparableAmount, last.comparableAmount)) break;
    if (claim.verdict !== 'disputed') {
      contested = false;
      break;
    }
  }
  const { value, currency, qualifier } = last.amount;
  return { price: { value, currency, qualifier, claimId: last.claimId, kind: last.kind, occurredAt: last.occurredAt }, contested };
}

// Items ------------------------------------------------------------------------

export function offerView(claim: ClaimRecord): OfferView {
  const amount = claim.amount as NonNullable<ClaimRecord['amount']>;
  return {
    claimId: claim.claimId,
    kind: claim.kind,
    occurredAt: claim.occurredAt,
    value: amount.value,
    currency: amount.currency,
    qualifier: amount.qualifier,
    party: claim.party,
    contested: claim.verdict === 'disputed',
  };
}

/** The valuation a party group shows: its last claim. */
export function valuationOf(sorted: readonly ClaimRecord[]): ValuationView | null {
  const last = sorted[sorted.length - 1];
  if (last === undefined || last.amount === null || last.party === null) return null;
  return {
    party: last.party,
    value: last.amount.value,
    currency: last.amount.currency,
    qualifier: last.amount.qualifier,
    claimId: last.claimId,
    occurredAt: last.occurredAt,
    contested: last.verdict === 'disputed',
  };
}

export function fundingRoundView(claim: ClaimRecord): FundingRoundView {
  return {
    claimId: claim.claimId,
    party: claim.party ?? '',
    occurredAt: claim.occurredAt,
    amount: claim.amount,
    contested: claim.verdict === 'disputed',
  };
}

export function regulatoryView(claim: ClaimRecord): RegulatoryView {
  return {
    claimId: claim.claimId,
    outcome: claim.regulatoryOutcome as NonNullable<ClaimRecord['regulatoryOutcome']>,
    occurredAt: claim.occurredAt,
    party: claim.party,
    statement: claim.statement,
    contested: claim.verdict === 'disputed',
  };
}

// Conflicts ----------------------------------------------------------------------

/** 2.3(6)a: a counting denial and the counting claim it contradicts. */
export function denialConflict(denial: ClaimRecord, target: ClaimRecord | undefined): ConflictView | null {
  if (!denial.counts || denial.kind !== 'denial' || denial.contradicts === null) return null;
  if (target === undefined || !target.counts || target.claimId !== denial.contradicts) return null;
  return { claimIds: [target.claimId, denial.claimId], reason: 'denial' };
}

/**
 * 2.3(6)b and c between two neighbours of a group in 2.3 order.
 *
 * Decision: within a group (same kind, see {@link amountGroupKey}; or same
 * occurredAt for status clashes) each claim is compared with the one before
 * it, not with every other claim. The state then lists one conflict per
 * change of reported amount or status, O(n) pairs however many claims
 * repeat one figure, and one event changes O(1) conflicts. A retraction
 * closes the two conflicts around the claim and compares its neighbours.
 */
export function neighbourConflict(
  previous: ClaimRecord,
  next: ClaimRecord,
  reason: Exclude<ConflictReason, 'denial'>,
): ConflictView | null {
  switch (reason) {
    case 'amount_mismatch':
      if (previous.comparableAmount === null || next.comparableAmount === null) return null;
      return amountsConflict(previous.comparableAmount, next.comparableAmount)
        ? { claimIds: [previous.claimId, next.claimId], reason }
        : null;
    case 'status_clash':
      return STATUS_SET_BY_KIND[previous.kind] !== STATUS_SET_BY_KIND[next.kind]
        ? { claimIds: [previous.claimId, next.claimId], reason }
        : null;
    default: {
      const unexpected: never = reason;
      throw new Error(`Unknown conflict reason: ${String(unexpected)}`);
    }
  }
}

export function groupConflicts(sorted: readonly ClaimRecord[], reason: Exclude<ConflictReason, 'denial'>): ConflictView[] {
  const conflicts: ConflictView[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const conflict = neighbourConflict(sorted[i - 1] as ClaimRecord, sorted[i] as ClaimRecord, reason);
    if (conflict) conflicts.push(conflict);
  }
  return conflicts;
}

export function conflictKey(conflict: ConflictView): string {
  return `${conflict.reason}/${conflict.claimIds[0]}/${conflict.claimIds[1]}`;
}

// The whole state ------------------------------------------------------------------

export interface StateMeta {
  readonly version: number;
  readonly lastRecordedAt: string | null;
  readonly asOf: { readonly validAt: string | null; readonly knownAt: string | null };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function byPartyKey<T extends { party: string }>(a: T, b: T): number {
  const x = partyKey(a.party);
  const y = partyKey(b.party);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The deal state of 2.5 from the claims in scope (already cut). Sorts the
 * counting claims once, then one pass per rule with groups built by key:
 * O(n log n) overall.
 */
export function deriveDealState(header: DealHeader, claims: Iterable<ClaimRecord>, meta: StateMeta): DealStateView {
  const counts = { total: 0, unreviewed: 0, confirmed: 0, disputed: 0, false: 0, unverifiable: 0, retracted: 0 };
  const counting: ClaimRecord[] = [];
  for (const claim of claims) {
    counts.total++;
    counts[claim.verdict]++;
    if (claim.counts) counting.push(claim);
  }
  counting.sort(byOrderKey);

  const ordinal = new Map<string, number>();
  const statusClaims: ClaimRecord[] = [];
  const priceClaims: ClaimRecord[] = [];
  const offers: OfferView[] = [];
  const valuationGroups = new Map<string, ClaimRecord[]>();
  const fundingGroups = new Map<string, ClaimRecord[]>();
  const regulatory: RegulatoryView[] = [];
  const amountGroups = new Map<string, ClaimRecord[]>();
  const statusGroups = new Map<string, ClaimRecord[]>();
  const denials: ClaimRecord[] = [];

  for (let index = 0; index < counting.length; index++) {
    const claim = counting[index] as ClaimRecord;
    ordinal.set(claim.claimId, index);
    if (isStatusClaim(claim)) statusClaims.push(claim);
    if (isPriceClaim(claim)) priceClaims.push(claim);
    if (isOfferClaim(claim)) offers.push(offerView(claim));
    if (isValuationClaim(claim)) pushTo(valuationGroups, claim.partyKey as string, claim);
    if (isFundingClaim(claim)) pushTo(fundingGroups, claim.partyKey as string, claim);
    if (isRegulatoryClaim(claim)) regulatory.push(regulatoryView(claim));
    const amountKey = amountGroupKey(claim);
    if (amountKey !== null) pushTo(amountGroups, amountKey, claim);
    const statusKey = statusGroupKey(claim);
    if (statusKey !== null) pushTo(statusGroups, statusKey, claim);
    if (claim.kind === 'denial' && claim.contradicts !== null) denials.push(claim);
  }

  const status = statusOf(statusClaims);
  const price = priceOf(priceClaims);
  const valuations = [...valuationGroups.values()]
    .map((group) => valuationOf(group))
    .filter((view): view is ValuationView => view !== null)
    .sort(byPartyKey);
  const funding: FundingView[] = [...fundingGroups.values()]
    .map((group) => ({ party: (group[0] as ClaimRecord).party ?? '', rounds: group.map(fundingRoundView) }))
    .sort(byPartyKey);

  const found: ConflictView[] = [];
  for (const denial of denials) {
    const target = ordinal.get(denial.contradicts as string);
    const conflict = denialConflict(denial, target === undefined ? undefined : counting[target]);
    if (conflict) found.push(conflict);
  }
  for (const group of amountGroups.values()) found.push(...groupConflicts(group, 'amount_mismatch'));
  for (const group of statusGroups.values()) found.push(...groupConflicts(group, 'status_clash'));
  // In 2.3 order of the first claim, then of the second, then by reason.
  const conflicts = found
    .map((conflict) => ({
      conflict,
      first: ordinal.get(conflict.claimIds[0]) as number,
      second: ordinal.get(conflict.claimIds[1]) as number,
    }))
    .sort((a, b) => a.first - b.first || a.second - b.second || (a.conflict.reason < b.conflict.reason ? -1 : a.conflict.reason > b.conflict.reason ? 1 : 0))
    .map((entry) => entry.conflict);

  return {
    id: header.dealId,
    title: header.title,
    kind: header.kind,
    parties: header.parties,
    version: meta.version,
    status: status.status,
    statusSince: status.statusSince,
    price: price.price,
    offers,
    valuations,
    funding,
    regulatory,
    conflicts,
    claimCounts: counts satisfies ClaimCounts,
    contested: { status: status.contested, price: price.contested },
    lastRecordedAt: meta.lastRecordedAt,
    asOf: meta.asOf,
  };
}

// Changes --------------------------------------------------------------------------

/**
 * The state as "slots": one per scalar, one per list item, keyed
 * `field \u0001 item key`. Two slot maps diff into {@link StateChange}s.
 */
export type Slots = Map<string, unknown>;

const SLOT = '\u0001';

export function slotKey(field: ChangeField, item = ''): string {
  return `${field}${SLOT}${item}`;
}

/** The keys of the scalar slots, made once. */
export const SCALAR_SLOTS = {
  status: slotKey('status'),
  statusSince: slotKey('statusSince'),
  price: slotKey('price'),
  contestedStatus: slotKey('contested.status'),
  contestedPrice: slotKey('contested.price'),
} as const;

/** The slots of a state; null is the state before the deal was opened. */
export function slotsOfState(view: DealStateView | null): Slots {
  const slots: Slots = new Map();
  slots.set(slotKey('title'), view?.title ?? null);
  slots.set(slotKey('kind'), view?.kind ?? null);
  slots.set(slotKey('parties'), view?.parties ?? null);
  slots.set(SCALAR_SLOTS.status, view?.status ?? 'unknown');
  slots.set(SCALAR_SLOTS.statusSince, view?.statusSince ?? null);
  slots.set(SCALAR_SLOTS.price, view?.price ?? null);
  slots.set(SCALAR_SLOTS.contestedStatus, view?.contested.status ?? false);
  slots.set(SCALAR_SLOTS.contestedPrice, view?.contested.price ?? false);
  if (view === null) return slots;
  for (const offer of view.offers) slots.set(slotKey('offers', offer.claimId), offer);
  for (const valuation of view.valuations) slots.set(slotKey('valuations', partyKey(valuation.party)), valuation);
  for (const group of view.funding) for (const round of group.rounds) slots.set(slotKey('funding', round.claimId), round);
  for (const item of view.regulatory) slots.set(slotKey('regulatory', item.claimId), item);
  for (const conflict of view.conflicts) slots.set(slotKey('conflicts', conflictKey(conflict)), conflict);
  return slots;
}

const FIELD_RANK = new Map<string, number>(CHANGE_FIELDS.map((field, index) => [field, index]));

/**
 * The changes from one slot map to another, over the union of their keys
 * (a key missing on one side reads as null), in {@link CHANGE_FIELDS} order
 * then by item key.
 */
export function diffSlots(before: Slots, after: Slots): StateChange[] {
  const changes: { key: string; change: StateChange }[] = [];
  for (const [key, from] of before) {
    const to = after.has(key) ? after.get(key) : null;
    if (!deepEqual(from, to)) changes.push({ key, change: { field: fieldOfSlot(key), from, to } });
  }
  for (const [key, to] of after) {
    if (before.has(key) || to === null) continue;
    changes.push({ key, change: { field: fieldOfSlot(key), from: null, to } });
  }
  if (changes.length > 1) {
    changes.sort(
      (a, b) =>
        (FIELD_RANK.get(a.change.field) as number) - (FIELD_RANK.get(b.change.field) as number) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  }
  return changes.map((entry) => entry.change);
}

function fieldOfSlot(key: string): ChangeField {
  return key.slice(0, key.indexOf(SLOT)) as ChangeField;
}

/** What changed between two deal states (null: before the deal existed). */
export function diffDealStates(before: DealStateView | null, after: DealStateView | null): StateChange[] {
  return diffSlots(slotsOfState(before), slotsOfState(after));
}

/**
 * Structural equality of JSON-like values, fields holding `undefined` counting
 * as absent. Allocates nothing: every event's diff compares a dozen slots.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], other[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const key in x) {
    if (!Object.hasOwn(x, key) || x[key] === undefined) continue;
    defined++;
    if (!Object.hasOwn(y, key) || !deepEqual(x[key], y[key])) return false;
  }
  for (const key in y) if (Object.hasOwn(y, key) && y[key] !== undefined) defined--;
  return defined === 0;
}
