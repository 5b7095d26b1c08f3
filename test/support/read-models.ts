import type { DataSource } from 'typeorm';

/** Every row of the deal read models, in a stable order. */
export async function dumpReadModels(dataSource: DataSource) {
  return {
    deals: await dataSource.query('select * from deals order by deal_id'),
    claims: await dataSource.query('select * from deal_claims order by claim_id'),
    timeline: await dataSource.query('select * from deal_timeline order by deal_id, version'),
  };
}
