import type { AgreementLevel, ClaimKind, DealKind, PartyRole, RegulatoryOutcome, Verdict } from './deal.events';
import type { MoneyInput } from './money';
import type { Source } from './source';

/**
 * Commands as the application layer hands them to `decide`. Values come from
 * clients: `decide` validates and normalises them again (partial dates,
 * money, sources, texts), so a command that type-checks may still be refused.
 * Ids are made by the caller (the domain never draws random ids).
 */
export interface OpenDeal {
  readonly type: 'OpenDeal';
  readonly dealId: string;
  readonly title: string;
  readonly kind: DealKind;
  readonly parties: readonly { readonly name: string; readonly role: PartyRole }[];
}

export interface RecordClaim {
  readonly type: 'RecordClaim';
  readonly claimId: string;
  readonly kind: ClaimKind;
  readonly statement: string;
  readonly occurredAt: string;
  readonly amount?: MoneyInput;
  readonly party?: string;
  readonly agreementLevel?: AgreementLevel;
  readonly regulatoryOutcome?: RegulatoryOutcome;
  readonly contradicts?: string;
  readonly sources: readonly Source[];
}

export interface AddSource {
  readonly type: 'AddSource';
  readonly claimId: string;
  readonly source: Source;
}

/**
 * The fields a correction may change. `null` clears an optional field
 * (amount, party, agreementLevel, regulatoryOutcome). `agreementLevel` and
 * `regulatoryOutcome` go beyond DESIGN's list so that a kind can be corrected
 * into `agreement_reached` or `regulatory_action`; `contradicts` cannot be
 * corrected (retract the denial and record a new one).
 */
export interface ClaimChangesInput {
  readonly statement?: string;
  readonly occurredAt?: string;
  readonly amount?: MoneyInput | null;
  readonly party?: string | null;
  readonly kind?: ClaimKind;
  readonly agreementLevel?: AgreementLevel | null;
  readonly regulatoryOutcome?: RegulatoryOutcome | null;
}

export interface CorrectClaim {
  readonly type: 'CorrectClaim';
  readonly claimId: string;
  readonly changes: ClaimChangesInput;
  readonly reason: string;
}

export interface GiveVerdict {
  readonly type: 'GiveVerdict';
  readonly claimId: string;
  readonly verdict: Verdict;
  readonly rationale: string;
  readonly evidence?: readonly Source[];
}

export interface RetractClaim {
  readonly type: 'RetractClaim';
  readonly claimId: string;
  readonly reason: string;
}

export type DealCommand = OpenDeal | RecordClaim | AddSource | CorrectClaim | GiveVerdict | RetractClaim;
export type DealCommandType = DealCommand['type'];

/** Who acts: the id of the API key behind the request. */
export interface CommandMetadata {
  readonly actorId: string;
}
