import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { claimRecordOf, claimView, DealNotFoundError, outletKey, type ClaimFacts } from '../../domain';
import { actorNames, claimActorIds, namedClaim } from '../actor-names';
import { decodeCursor, pageOf, type Page } from '../read-page';
import { ListClaimsQuery, type ClaimSummary } from './list-claims.query';

@QueryHandler(ListClaimsQuery)
export class ListClaimsHandler implements IQueryHandler<ListClaimsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ filter, ofDeal }: ListClaimsQuery): Promise<Page<ClaimSummary>> {
    const where = ['position > $1'];
    const params: unknown[] = [decodeCursor(filter.cursor)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.verdict) add('verdict = ?', filter.verdict);
    if (filter.dealId) add('deal_id = ?', filter.dealId);
    if (filter.outlet) add('outlet_keys @> array[?::text]', outletKey(filter.outlet));
    params.push(filter.limit + 1);
    const rows: { record: ClaimFacts; position: string }[] = await this.dataSource.query(
      `select record, position from deal_claims where ${where.join(' and ')} order by position limit $${params.length}`,
      params,
    );
    if (rows.length === 0 && ofDeal && filter.dealId) {
      const deal = await this.dataSource.query('select 1 from deals where deal_id = $1', [filter.dealId]);
      if (deal.length === 0) throw new DealNotFoundError(filter.dealId);
    }
    const page = pageOf(rows, filter.limit, (row) => claimView(claimRecordOf(row.record), []), (row) => Number(row.position));
    const nameOf = await actorNames(this.dataSource, page.items.flatMap(claimActorIds));
    return { ...page, items: page.items.map(({ history: _, ...claim }) => namedClaim(claim, nameOf)) };
  }
}
