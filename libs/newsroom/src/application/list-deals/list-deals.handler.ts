import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { partyKey } from '../../domain/claim.record';
import type { DealStateView } from '../../domain';
import { decodeCursor, pageOf, type Page } from '../read-page';
import { ListDealsQuery } from './list-deals.query';

@QueryHandler(ListDealsQuery)
export class ListDealsHandler implements IQueryHandler<ListDealsQuery> {
  constructor(private readonly dataSource: DataSource) {}

  async execute({ filter }: ListDealsQuery): Promise<Page<DealStateView>> {
    const where = ['opened_position > $1'];
    const params: unknown[] = [decodeCursor(filter.cursor)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('status = ?', filter.status);
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.party) add('party_keys @> array[?::text]', partyKey(filter.party));
    if (filter.q) add(`title ilike ? escape '\\'`, `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    params.push(filter.limit + 1);
    const rows: { state: DealStateView; opened_position: string }[] = await this.dataSource.query(
      `select state, opened_position from deals where ${where.join(' and ')} order by opened_position limit $${params.length}`,
      params,
    );
    return pageOf(rows, filter.limit, (row) => row.state, (row) => Number(row.opened_position));
  }
}
