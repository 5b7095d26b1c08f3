import type { DataSource } from 'typeorm';

/**
 * Every row of the deal read models, in a stable order, their JSON documents
 * parsed: the text of a record or an entry keeps the key order of what it was
 * made from (a command's input, or an event read back from jsonb), which is
 * not part of what a projection means.
 */
export async function dumpReadModels(dataSource: DataSource) {
  const json = (text: string | null): unknown => (text === null ? null : JSON.parse(text));
  const claims: { record: string }[] = await dataSource.query('select * from deal_claims order by claim_id');
  const timeline: { entry: string; sources: string | null }[] = await dataSource.query('select * from deal_timeline order by deal_id, version');
  return {
    states: await dataSource.query('select * from deal_states order by deal_id'),
    items: await dataSource.query('select * from deal_state_items order by deal_id, field, item_key'),
    claims: claims.map((row) => ({ ...row, record: json(row.record) })),
    timeline: timeline.map((row) => ({ ...row, entry: json(row.entry), sources: json(row.sources) })),
  };
}
