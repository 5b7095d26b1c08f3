import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealNotFoundError, validTimeline, type TimelineEntry } from '../../domain';
import { readDealEvents } from '../deal-events';
import { GetDealTimelineQuery } from './get-deal-timeline.query';

/** The recorded timeline is what the projection wrote per event; the valid one is folded from the deal's events. */
@QueryHandler(GetDealTimelineQuery)
export class GetDealTimelineHandler implements IQueryHandler<GetDealTimelineQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute({ dealId, axis }: GetDealTimelineQuery): Promise<TimelineEntry[]> {
    if (axis === 'recorded') {
      const rows: { entry: TimelineEntry }[] = await this.dataSource.query(
        'select entry from deal_timeline where deal_id = $1 order by version',
        [dealId],
      );
      if (rows.length === 0) throw new DealNotFoundError(dealId);
      return rows.map((row) => row.entry);
    }
    const events = await readDealEvents(this.store, dealId);
    if (events.length === 0) throw new DealNotFoundError(dealId);
    return validTimeline(events);
  }
}
