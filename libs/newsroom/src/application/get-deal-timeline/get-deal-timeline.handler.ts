import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealNotFoundError, validTimeline } from '../../domain';
import { actorNames, actorNamesSql } from '../actor-names';
import { readDealEvents } from '../deal-events';
import { GetDealTimelineQuery } from './get-deal-timeline.query';

/**
 * The recorded timeline's entries as the projection wrote them, each a JSON object that gets `actorName` as its
 * first member: spliced in as text rather than the entry parsed and written again. Names are found once per actor.
 */
const RECORDED_ENTRIES = `
  with entries as (select version, entry::text as entry, actor_id from deal_timeline where deal_id = $1),
       names as (${actorNamesSql('(select distinct actor_id from entries)')})
  select '[' || string_agg('{"actorName":' || coalesce(to_json(n.name)::text, 'null') || ',' || substr(e.entry, 2), ',' order by e.version) || ']' as entries
    from entries e left join names n on n.id = e.actor_id`;

/** The recorded timeline is what the projection wrote per event; the valid one is folded from the deal's events. */
@QueryHandler(GetDealTimelineQuery)
export class GetDealTimelineHandler implements IQueryHandler<GetDealTimelineQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute({ dealId, axis }: GetDealTimelineQuery): Promise<string> {
    if (axis === 'recorded') {
      const [row]: { entries: string | null }[] = await this.dataSource.query(RECORDED_ENTRIES, [dealId]);
      if (!row?.entries) throw new DealNotFoundError(dealId);
      return row.entries;
    }
    const events = await readDealEvents(this.store, dealId);
    if (events.length === 0) throw new DealNotFoundError(dealId);
    const entries = validTimeline(events);
    const nameOf = await actorNames(this.dataSource, entries.map((entry) => entry.actorId));
    return JSON.stringify(entries.map((entry) => ({ ...entry, actorName: nameOf(entry.actorId) })));
  }
}
