import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealNotFoundError, validTimeline } from '../../domain';
import { readDealEvents } from '../deal-events';
import { GetDealTimelineQuery } from './get-deal-timeline.query';

/** The recorded timeline is what the projection wrote per event; the valid one is folded from the deal's events. */
@QueryHandler(GetDealTimelineQuery)
export class GetDealTimelineHandler implements IQueryHandler<GetDealTimelineQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute({ dealId, axis }: GetDealTimelineQuery): Promise<string> {
    if (axis === 'recorded') {
      const [row]: { entries: string | null }[] = await this.dataSource.query(
        'select json_agg(entry order by version)::text as entries from deal_timeline where deal_id = $1',
        [dealId],
      );
      if (!row?.entries) throw new DealNotFoundError(dealId);
      return row.entries;
    }
    const events = await readDealEvents(this.store, dealId);
    if (events.length === 0) throw new DealNotFoundError(dealId);
    return JSON.stringify(validTimeline(events));
  }
}
