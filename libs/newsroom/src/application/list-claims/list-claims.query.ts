import { Query } from '@nestjs/cqrs';
import type { ClaimVerdictState } from '../../domain';
import type { NamedClaim } from '../actor-names';
import type { Page } from '../read-page';

/** A claim as lists show it: everything but its event history, with its actors' names. */
export type ClaimSummary = NamedClaim;

export interface ClaimFilter {
  verdict?: ClaimVerdictState;
  dealId?: string;
  outlet?: string;
  limit: number;
  cursor?: string;
}

/**
 * `GET /claims` (the fact-check queue with `verdict=unreviewed`) and
 * `GET /deals/{id}/claims`: claims in recording order, oldest first.
 * `ofDeal`: the filter's deal must exist (404 otherwise).
 */
export class ListClaimsQuery extends Query<Page<ClaimSummary>> {
  constructor(
    readonly filter: ClaimFilter,
    readonly ofDeal = false,
  ) {
    super();
  }
}
