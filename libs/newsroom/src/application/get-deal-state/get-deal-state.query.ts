import { Query } from '@nestjs/cqrs';
import type { DealCut, DealStateView } from '../../domain';

/** `GET /deals/{id}`: the deal as it stands, or at a valid time as known at a recorded time. */
export class GetDealStateQuery extends Query<DealStateView> {
  constructor(
    readonly dealId: string,
    readonly cut: DealCut = {},
  ) {
    super();
  }
}
