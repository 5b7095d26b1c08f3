import { Query } from '@nestjs/cqrs';
import type { DealKind, DealStateView, DealStatus } from '../../domain';
import type { Page } from '../read-page';

export interface DealFilter {
  status?: DealStatus;
  party?: string;
  kind?: DealKind;
  q?: string;
  limit: number;
  cursor?: string;
}

/** `GET /deals`: deals as they stand, oldest first, filtered. */
export class ListDealsQuery extends Query<Page<DealStateView>> {
  constructor(readonly filter: DealFilter) {
    super();
  }
}
