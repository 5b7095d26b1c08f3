import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deal's state was one jsonb document rewritten on every append; its lists
 * (offers, valuations, funding rounds, regulatory actions, conflicts) grow
 * with the deal, so a long deal paid for its whole state on each claim. The
 * lists move to one row per item, written only when an event touches them;
 * `deal_states.head` keeps the rest.
 *
 * `sort_key` places an item in its list (compared by code units, by the
 * reader): offers and regulatory actions by their claim's 2.3 order key,
 * valuations by party key, funding by party key then order key, conflicts by
 * the order keys of their two claims then the reason; parts joined by U+0001.
 * Existing states are split here, with the order keys their claims hold.
 */
export class DealStateItems1732240400000 implements MigrationInterface {
  name = 'DealStateItems1732240400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table deal_state_items (
        deal_id uuid not null,
        field text not null,
        item_key text not null,
        sort_key text not null,
        item jsonb not null,
        primary key (deal_id, field, item_key)
      )`);
    const claim = (id: string) => `(select record from deal_claims where claim_id = (${id})::uuid)`;
    await q.query(`
      insert into deal_state_items (deal_id, field, item_key, sort_key, item)
      select s.deal_id, 'offers', e.item->>'claimId', ${claim(`e.item->>'claimId'`)}->>'orderKey', e.item
        from deal_states s, jsonb_array_elements(s.state->'offers') as e(item)
      union all
      select s.deal_id, 'regulatory', e.item->>'claimId', ${claim(`e.item->>'claimId'`)}->>'orderKey', e.item
        from deal_states s, jsonb_array_elements(s.state->'regulatory') as e(item)
      union all
      select s.deal_id, 'valuations', c.record->>'partyKey', c.record->>'partyKey', e.item
        from deal_states s, jsonb_array_elements(s.state->'valuations') as e(item),
             lateral (select ${claim(`e.item->>'claimId'`)} as record) c
      union all
      select s.deal_id, 'funding', r.item->>'claimId', (c.record->>'partyKey') || chr(1) || (c.record->>'orderKey'), r.item
        from deal_states s, jsonb_array_elements(s.state->'funding') as g(item), jsonb_array_elements(g.item->'rounds') as r(item),
             lateral (select ${claim(`r.item->>'claimId'`)} as record) c
      union all
      select s.deal_id, 'conflicts',
             (e.item->>'reason') || '/' || (e.item->'claimIds'->>0) || '/' || (e.item->'claimIds'->>1),
             (${claim(`e.item->'claimIds'->>0`)}->>'orderKey') || chr(1) || (${claim(`e.item->'claimIds'->>1`)}->>'orderKey') || chr(1) || (e.item->>'reason'),
             e.item
        from deal_states s, jsonb_array_elements(s.state->'conflicts') as e(item)`);
    await q.query(`alter table deal_states rename column state to head`);
    await q.query(`update deal_states set head = head - 'offers' - 'valuations' - 'funding' - 'regulatory' - 'conflicts'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      update deal_states s set head = s.head || jsonb_build_object(
        'offers', coalesce((select jsonb_agg(item order by sort_key collate "C") from deal_state_items i where i.deal_id = s.deal_id and field = 'offers'), '[]'),
        'valuations', coalesce((select jsonb_agg(item order by sort_key collate "C") from deal_state_items i where i.deal_id = s.deal_id and field = 'valuations'), '[]'),
        'funding', coalesce((select jsonb_agg(jsonb_build_object('party', g.rounds->0->>'party', 'rounds', g.rounds) order by g.party_key collate "C")
                               from (select split_part(sort_key, chr(1), 1) as party_key, jsonb_agg(item order by sort_key collate "C") as rounds
                                       from deal_state_items i where i.deal_id = s.deal_id and field = 'funding' group by 1) g), '[]'),
        'regulatory', coalesce((select jsonb_agg(item order by sort_key collate "C") from deal_state_items i where i.deal_id = s.deal_id and field = 'regulatory'), '[]'),
        'conflicts', coalesce((select jsonb_agg(item order by sort_key collate "C") from deal_state_items i where i.deal_id = s.deal_id and field = 'conflicts'), '[]'))`);
    await q.query(`alter table deal_states rename column head to state`);
    await q.query(`drop table deal_state_items`);
  }
}
