import { Query } from '@nestjs/cqrs';
import type { TimelineEntry } from '../../domain';

/** `GET /deals/{id}/timeline`: the claims in 2.3 order (`valid`) or every event as recorded (`recorded`). */
export class GetDealTimelineQuery extends Query<TimelineEntry[]> {
  constructor(
    readonly dealId: string,
    readonly axis: 'valid' | 'recorded',
  ) {
    super();
  }
}
