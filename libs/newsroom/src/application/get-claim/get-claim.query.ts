import { Query } from '@nestjs/cqrs';
import type { NamedClaim, NamedDealEvent } from '../actor-names';

/** A claim with every event about it, each with who did it. */
export type ClaimDetail = NamedClaim & { readonly history: readonly NamedDealEvent[] };

/** `GET /claims/{id}`: the claim, its sources and verdict, and every event about it. */
export class GetClaimQuery extends Query<ClaimDetail> {
  constructor(readonly claimId: string) {
    super();
  }
}
