import { DomainError, type DomainErrorKind } from './domain.error';

/**
 * The rules `decide` enforces. Each has a stable `code` (the problem type
 * slug) and a `kind` telling the HTTP layer 404, 409 or 400.
 */
export const DEAL_ERROR_CODES = {
  'deal-not-found': 'not_found',
  'deal-already-exists': 'conflict',
  'claim-not-found': 'not_found',
  'claim-already-exists': 'conflict',
  'four-eyes': 'conflict',
  'claim-retracted': 'conflict',
  'contradicts-other-deal': 'conflict',
  'invalid-claim': 'invalid',
  'nothing-to-correct': 'invalid',
} as const satisfies Record<string, DomainErrorKind>;
export type DealErrorCode = keyof typeof DEAL_ERROR_CODES;

export abstract class DealDomainError extends DomainError {
  abstract override readonly code: DealErrorCode;
}

export class DealNotFoundError extends DealDomainError {
  readonly code = 'deal-not-found';
  readonly kind = 'not_found';
  constructor(readonly dealId: string | null) {
    super(dealId === null ? 'The deal does not exist' : `Deal ${dealId} does not exist`);
  }
}

export class DealAlreadyExistsError extends DealDomainError {
  readonly code = 'deal-already-exists';
  readonly kind = 'conflict';
  constructor(readonly dealId: string) {
    super(`Deal ${dealId} already exists`);
  }
}

export class ClaimNotFoundError extends DealDomainError {
  readonly code = 'claim-not-found';
  readonly kind = 'not_found';
  constructor(readonly claimId: string) {
    super(`Claim ${claimId} does not exist in this deal`);
  }
}

export class ClaimAlreadyExistsError extends DealDomainError {
  readonly code = 'claim-already-exists';
  readonly kind = 'conflict';
  constructor(readonly claimId: string) {
    super(`Claim ${claimId} already exists`);
  }
}

/** The four-eyes rule: nobody judges a claim they recorded. */
export class FourEyesError extends DealDomainError {
  readonly code = 'four-eyes';
  readonly kind = 'conflict';
  constructor(readonly claimId: string, readonly actorId: string) {
    super(`Claim ${claimId} was written by ${actorId} (recorded or corrected): another key must give the verdict`);
  }
}

/** A verdict, correction, new source or second retraction on a retracted claim. */
export class ClaimRetractedError extends DealDomainError {
  readonly code = 'claim-retracted';
  readonly kind = 'conflict';
  constructor(readonly claimId: string, action: string) {
    super(`Claim ${claimId} is retracted: cannot ${action}`);
  }
}

/**
 * `contradicts` names a claim that is not in this deal. The decision state
 * only holds this deal's claims, so a claim id unknown everywhere lands here
 * too; the application layer may look it up globally to tell the two apart.
 */
export class ContradictsOtherDealError extends DealDomainError {
  readonly code = 'contradicts-other-deal';
  readonly kind = 'conflict';
  constructor(readonly claimId: string, readonly contradicts: string) {
    super(`Claim ${claimId} contradicts ${contradicts}, which is not a claim of this deal`);
  }
}

/** A kind-specific field rule is broken; `field` says which field. */
export class InvalidClaimError extends DealDomainError {
  readonly code = 'invalid-claim';
  readonly kind = 'invalid';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export class NothingToCorrectError extends DealDomainError {
  readonly code = 'nothing-to-correct';
  readonly kind = 'invalid';
  constructor(readonly claimId: string) {
    super(`The correction of claim ${claimId} changes nothing`);
  }
}
