import type {
  AgreementLevel,
  ClaimKind,
  ClaimVerdictState,
  DealEventType,
  DealKind,
  DealStatus,
  Party,
  RecordedDealEvent,
  RegulatoryOutcome,
  Verdict,
} from './deal.events';
import type { Money, MoneyQualifier } from './money';
import type { Source } from './source';

/** Read shapes of DESIGN 2.5, all plain JSON. Absent values are null. */

/** The price: an amount plus the claim it comes from. */
export interface PriceView extends Money {
  readonly claimId: string;
  readonly kind: ClaimKind;
  readonly occurredAt: string;
}

/** One counting `offer_made` / `talks_reported` amount. */
export interface OfferView {
  readonly claimId: string;
  readonly kind: ClaimKind;
  readonly occurredAt: string;
  readonly value: string;
  readonly currency: string;
  readonly qualifier: MoneyQualifier;
  readonly party: string | null;
  /** The claim's verdict is `disputed`. */
  readonly contested: boolean;
}

/** A party's valuation: the last counting `valuation_reported` about it. */
export interface ValuationView {
  readonly party: string;
  readonly value: string;
  readonly currency: string;
  readonly qualifier: MoneyQualifier;
  readonly claimId: string;
  readonly occurredAt: string;
  readonly contested: boolean;
}

export interface FundingRoundView {
  readonly claimId: string;
  readonly party: string;
  readonly occurredAt: string;
  /** null: an undisclosed amount. */
  readonly amount: Money | null;
  readonly contested: boolean;
}

/** A party's funding: every counting `funding_raised` by it, in 2.3 order. */
export interface FundingView {
  readonly party: string;
  readonly rounds: readonly FundingRoundView[];
}

export interface RegulatoryView {
  readonly claimId: string;
  readonly outcome: RegulatoryOutcome;
  readonly occurredAt: string;
  readonly party: string | null;
  readonly statement: string;
  readonly contested: boolean;
}

export const CONFLICT_REASONS = ['denial', 'amount_mismatch', 'status_clash'] as const;
export type ConflictReason = (typeof CONFLICT_REASONS)[number];

/**
 * An open conflict between two counting claims. `denial`: [contradicted,
 * denial]; otherwise [earlier, later] in 2.3 order.
 */
export interface ConflictView {
  readonly claimIds: readonly [string, string];
  readonly reason: ConflictReason;
}

export interface ClaimCounts {
  readonly total: number;
  readonly unreviewed: number;
  readonly confirmed: number;
  readonly disputed: number;
  readonly false: number;
  readonly unverifiable: number;
  readonly retracted: number;
}

export interface DealStateView {
  readonly id: string;
  readonly title: string;
  readonly kind: DealKind;
  readonly parties: readonly Party[];
  /** The deal stream's version at the knownAt cut (number of events). */
  readonly version: number;
  readonly status: DealStatus;
  readonly statusSince: string | null;
  readonly price: PriceView | null;
  readonly offers: readonly OfferView[];
  /** Sorted by party. */
  readonly valuations: readonly ValuationView[];
  /** Sorted by party. */
  readonly funding: readonly FundingView[];
  readonly regulatory: readonly RegulatoryView[];
  readonly conflicts: readonly ConflictView[];
  readonly claimCounts: ClaimCounts;
  readonly contested: { readonly status: boolean; readonly price: boolean };
  readonly lastRecordedAt: string | null;
  readonly asOf: { readonly validAt: string | null; readonly knownAt: string | null };
}

export interface VerdictView {
  readonly verdict: Verdict;
  readonly rationale: string;
  readonly evidence: readonly Source[];
  /** The revision judged; older than the claim's revision = stale. */
  readonly claimRevision: number;
  readonly givenBy: string;
  readonly recordedAt: string;
  readonly position: number;
}

export interface ClaimView {
  readonly claimId: string;
  readonly dealId: string;
  readonly kind: ClaimKind;
  readonly statement: string;
  readonly occurredAt: string;
  readonly amount: Money | null;
  readonly party: string | null;
  readonly agreementLevel: AgreementLevel | null;
  readonly regulatoryOutcome: RegulatoryOutcome | null;
  readonly contradicts: string | null;
  readonly revision: number;
  /** Current standing (2.1): `unreviewed`, a verdict, or `retracted`. */
  readonly verdict: ClaimVerdictState;
  /** The latest verdict given, even when a later correction made it stale. */
  readonly latestVerdict: VerdictView | null;
  readonly retraction: { readonly reason: string; readonly retractedBy: string; readonly recordedAt: string } | null;
  /** Whether the claim counts in the deal state (2.3(1)). */
  readonly counts: boolean;
  readonly sources: readonly Source[];
  readonly independentSources: number;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly position: number;
  readonly history: readonly RecordedDealEvent[];
}

export const CHANGE_FIELDS = [
  'title',
  'kind',
  'parties',
  'status',
  'statusSince',
  'price',
  'contested.status',
  'contested.price',
  'offers',
  'valuations',
  'funding',
  'regulatory',
  'conflicts',
] as const;
export type ChangeField = (typeof CHANGE_FIELDS)[number];

/**
 * One change to the deal state. Scalars (`status`, `statusSince`, `price`,
 * `contested.*`, and the header fields) give the old and new value. List
 * fields give one item per change: added `{from: null, to: item}`, removed
 * `{from: item, to: null}`, or changed `{from, to}`; items are keyed by claim
 * id (offers, funding rounds, regulatory), by party (valuations), or by
 * reason and claim ids (conflicts).
 */
export interface StateChange {
  readonly field: ChangeField;
  readonly from: unknown;
  readonly to: unknown;
}

export interface TimelineEntry {
  readonly eventType: DealEventType;
  /** null for `DealOpened`. */
  readonly claimId: string | null;
  readonly kind: ClaimKind | null;
  readonly occurredAt: string | null;
  readonly recordedAt: string;
  readonly position: number;
  readonly version: number;
  readonly actorId: string;
  readonly sources: readonly Source[];
  readonly verdict: ClaimVerdictState | null;
  readonly changes: readonly StateChange[];
}
