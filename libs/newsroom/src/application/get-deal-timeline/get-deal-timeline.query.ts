import { Query } from '@nestjs/cqrs';
/**
 * `GET /deals/{id}/timeline`: the claims in 2.3 order (`valid`) or every event
 * as recorded (`recorded`), as the JSON text of the entries' array: a long
 * timeline goes out as the projection stored it, never parsed and written again.
 */
export class GetDealTimelineQuery extends Query<string> {
  constructor(
    readonly dealId: string,
    readonly axis: 'valid' | 'recorded',
  ) {
    super();
  }
}
