import { Query } from '@nestjs/cqrs';
import type { ClaimView } from '../../domain';

/** `GET /claims/{id}`: the claim, its sources and verdict, and every event about it. */
export class GetClaimQuery extends Query<ClaimView> {
  constructor(readonly claimId: string) {
    super();
  }
}
