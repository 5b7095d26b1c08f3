import type { Money } from './money';
import type { Source } from './source';

// ---------------------------------------------------------------------------
// Vocabulary (DESIGN 2.1)
// ---------------------------------------------------------------------------

export const DEAL_KINDS = ['acquisition', 'merger', 'investment', 'partnership', 'other'] as const;
export type DealKind = (typeof DEAL_KINDS)[number];

export const PARTY_ROLES = ['acquirer', 'target', 'bidder', 'seller', 'investor', 'other'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface Party {
  readonly name: string;
  readonly role: PartyRole;
}

export const DEAL_STATUSES = [
  'unknown',
  'rumored',
  'in_talks',
  'offer_made',
  'agreed',
  'announced',
  'completed',
  'talks_ended',
  'abandoned',
] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

export const CLAIM_KINDS = [
  'interest_reported',
  'talks_reported',
  'offer_made',
  'agreement_reached',
  'deal_announced',
  'terms_revised',
  'deal_completed',
  'talks_ended',
  'deal_abandoned',
  'regulatory_action',
  'valuation_reported',
  'funding_raised',
  'denial',
  'statement',
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** The deal status each claim kind sets; null: no status change (table 2.1). */
export const STATUS_SET_BY_KIND: Readonly<Record<ClaimKind, Exclude<DealStatus, 'unknown'> | null>> = {
  interest_reported: 'rumored',
  talks_reported: 'in_talks',
  offer_made: 'offer_made',
  agreement_reached: 'agreed',
  deal_announced: 'announced',
  terms_revised: null,
  deal_completed: 'completed',
  talks_ended: 'talks_ended',
  deal_abandoned: 'abandoned',
  regulatory_action: null,
  valuation_reported: null,
  funding_raised: null,
  denial: null,
  statement: null,
};

/** Kinds whose amount is the deal's price (2.3(4)). */
export const PRICE_KINDS: readonly ClaimKind[] = ['agreement_reached', 'deal_announced', 'terms_revised', 'deal_completed'];
/** Kinds whose amount is an offer (2.3(4)). */
export const OFFER_KINDS: readonly ClaimKind[] = ['offer_made', 'talks_reported'];
/** Kinds that are about one party and require `party`. */
export const PARTY_KINDS: readonly ClaimKind[] = ['valuation_reported', 'funding_raised'];

export function isStatusBearing(kind: ClaimKind): boolean {
  return STATUS_SET_BY_KIND[kind] !== null;
}

export const AGREEMENT_LEVELS = ['verbal', 'term_sheet', 'definitive'] as const;
export type AgreementLevel = (typeof AGREEMENT_LEVELS)[number];

export const REGULATORY_OUTCOMES = ['review', 'challenged', 'approved', 'blocked'] as const;
export type RegulatoryOutcome = (typeof REGULATORY_OUTCOMES)[number];

export const VERDICTS = ['confirmed', 'disputed', 'false', 'unverifiable'] as const;
export type Verdict = (typeof VERDICTS)[number];

/**
 * Where a claim stands: `unreviewed` (no verdict on its current revision),
 * a verdict, or `retracted` (whatever its verdict).
 */
export const CLAIM_VERDICT_STATES = ['unreviewed', ...VERDICTS, 'retracted'] as const;
export type ClaimVerdictState = (typeof CLAIM_VERDICT_STATES)[number];

// ---------------------------------------------------------------------------
// Events: past-tense plain data, JSON-serialisable (absent fields are left
// out, never undefined). One stream per deal.
// ---------------------------------------------------------------------------

export interface DealOpened {
  readonly type: 'DealOpened';
  readonly data: {
    readonly dealId: string;
    readonly title: string;
    readonly kind: DealKind;
    readonly parties: readonly Party[];
    readonly openedBy: string;
  };
}

export interface ClaimRecorded {
  readonly type: 'ClaimRecorded';
  readonly data: {
    readonly claimId: string;
    readonly dealId: string;
    readonly kind: ClaimKind;
    readonly statement: string;
    /** A partial date (normalised text of {@link PartialDate}). */
    readonly occurredAt: string;
    readonly amount?: Money;
    readonly party?: string;
    readonly agreementLevel?: AgreementLevel;
    readonly regulatoryOutcome?: RegulatoryOutcome;
    readonly contradicts?: string;
    readonly sources: readonly Source[];
    readonly recordedBy: string;
  };
}

export interface ClaimSourceAdded {
  readonly type: 'ClaimSourceAdded';
  readonly data: {
    readonly claimId: string;
    readonly source: Source;
    readonly addedBy: string;
  };
}

/**
 * What a correction changed. Only the fields that really change are present;
 * `null` clears an optional field. When the kind changes, the kind-specific
 * fields the new kind does not allow are cleared explicitly (e.g.
 * `agreementLevel: null`, `contradicts: null`), so the event says everything
 * it did.
 */
export interface ClaimChanges {
  readonly statement?: string;
  readonly occurredAt?: string;
  readonly amount?: Money | null;
  readonly party?: string | null;
  readonly kind?: ClaimKind;
  readonly agreementLevel?: AgreementLevel | null;
  readonly regulatoryOutcome?: RegulatoryOutcome | null;
  readonly contradicts?: null;
}

export const CORRECTABLE_FIELDS = [
  'statement',
  'occurredAt',
  'amount',
  'party',
  'kind',
  'agreementLevel',
  'regulatoryOutcome',
  'contradicts',
] as const satisfies readonly (keyof ClaimChanges)[];
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

export interface ClaimCorrected {
  readonly type: 'ClaimCorrected';
  readonly data: {
    readonly claimId: string;
    readonly changes: ClaimChanges;
    readonly reason: string;
    /** The claim's revision after this correction (it is recorded as revision 1). */
    readonly revision: number;
    readonly correctedBy: string;
  };
}

export interface VerdictGiven {
  readonly type: 'VerdictGiven';
  readonly data: {
    readonly claimId: string;
    readonly verdict: Verdict;
    readonly rationale: string;
    readonly evidence?: readonly Source[];
    /** The claim revision this verdict judged. */
    readonly claimRevision: number;
    readonly givenBy: string;
  };
}

export interface ClaimRetracted {
  readonly type: 'ClaimRetracted';
  readonly data: {
    readonly claimId: string;
    readonly reason: string;
    readonly retractedBy: string;
  };
}

export type DealEvent = DealOpened | ClaimRecorded | ClaimSourceAdded | ClaimCorrected | VerdictGiven | ClaimRetracted;
export type DealEventType = DealEvent['type'];
export type DealEventOf<T extends DealEventType> = Extract<DealEvent, { type: T }>;

export const DEAL_EVENT_TYPES = [
  'DealOpened',
  'ClaimRecorded',
  'ClaimSourceAdded',
  'ClaimCorrected',
  'VerdictGiven',
  'ClaimRetracted',
] as const satisfies readonly DealEventType[];

/** Schema version of each event's `data`, stored beside it; bump with an upcaster. */
export const DEAL_OPENED_SCHEMA_VERSION = 1;
export const CLAIM_RECORDED_SCHEMA_VERSION = 1;
export const CLAIM_SOURCE_ADDED_SCHEMA_VERSION = 1;
export const CLAIM_CORRECTED_SCHEMA_VERSION = 1;
export const VERDICT_GIVEN_SCHEMA_VERSION = 1;
export const CLAIM_RETRACTED_SCHEMA_VERSION = 1;

export const DEAL_EVENT_SCHEMA_VERSIONS: Readonly<Record<DealEventType, number>> = {
  DealOpened: DEAL_OPENED_SCHEMA_VERSION,
  ClaimRecorded: CLAIM_RECORDED_SCHEMA_VERSION,
  ClaimSourceAdded: CLAIM_SOURCE_ADDED_SCHEMA_VERSION,
  ClaimCorrected: CLAIM_CORRECTED_SCHEMA_VERSION,
  VerdictGiven: VERDICT_GIVEN_SCHEMA_VERSION,
  ClaimRetracted: CLAIM_RETRACTED_SCHEMA_VERSION,
};

export function isDealEventType(type: string): type is DealEventType {
  return (DEAL_EVENT_TYPES as readonly string[]).includes(type);
}

/** The claim an event is about, or null for `DealOpened`. */
export function claimIdOf(event: DealEvent): string | null {
  switch (event.type) {
    case 'DealOpened':
      return null;
    case 'ClaimRecorded':
    case 'ClaimSourceAdded':
    case 'ClaimCorrected':
    case 'VerdictGiven':
    case 'ClaimRetracted':
      return event.data.claimId;
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown deal event: ${JSON.stringify(unexpected)}`);
    }
  }
}

/** The key that did what the event records. */
export function actorOf(event: DealEvent): string {
  switch (event.type) {
    case 'DealOpened':
      return event.data.openedBy;
    case 'ClaimRecorded':
      return event.data.recordedBy;
    case 'ClaimSourceAdded':
      return event.data.addedBy;
    case 'ClaimCorrected':
      return event.data.correctedBy;
    case 'VerdictGiven':
      return event.data.givenBy;
    case 'ClaimRetracted':
      return event.data.retractedBy;
    default: {
      const unexpected: never = event;
      throw new Error(`Unknown deal event: ${JSON.stringify(unexpected)}`);
    }
  }
}

/**
 * An event as read back from the store: its global `position` (the recording
 * order across streams), its `version` in the deal stream (1-based) and the
 * commit time `recordedAt` (ISO 8601).
 */
export type RecordedDealEvent = DealEvent & {
  readonly position: number;
  readonly version: number;
  readonly recordedAt: string;
};
