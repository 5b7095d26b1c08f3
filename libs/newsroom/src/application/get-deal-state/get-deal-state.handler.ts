import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealNotFoundError, foldDeal, type DealStateView } from '../../domain';
import { readDealEvents } from '../deal-events';
import { GetDealStateQuery } from './get-deal-state.query';

/** The current state is the deal's document; a cut folds the deal's own events. */
@QueryHandler(GetDealStateQuery)
export class GetDealStateHandler implements IQueryHandler<GetDealStateQuery> {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async execute({ dealId, cut }: GetDealStateQuery): Promise<DealStateView> {
    if (cut.validAt === undefined && cut.knownAt === undefined) {
      const rows: { state: DealStateView }[] = await this.dataSource.query('select state from deals where deal_id = $1', [dealId]);
      if (rows.length === 0) throw new DealNotFoundError(dealId);
      return rows[0].state;
    }
    const state = foldDeal(await readDealEvents(this.store, dealId, cut), cut);
    if (state === null) throw new DealNotFoundError(dealId);
    return state;
  }
}
