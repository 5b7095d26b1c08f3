import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recorded timeline entries repeated their claim's whole source list on every
 * event (verdicts, corrections, retractions), most of their bytes. Only the
 * entries that change the list keep sources: `ClaimRecorded` its list,
 * `ClaimSourceAdded` the source added; the others hold null and the reader
 * takes the list from the entries before. The entries are never queried
 * inside, so they are stored as `json`: kept as written, cheaper to load and
 * to send.
 */
export class CompactTimeline1732240500000 implements MigrationInterface {
  name = 'CompactTimeline1732240500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      update deal_timeline set entry = case entry->>'eventType'
          when 'ClaimSourceAdded' then jsonb_set(entry, '{sources}', coalesce(jsonb_path_query_array(entry->'sources', '$[last]'), '[]'))
          else jsonb_set(entry, '{sources}', 'null')
        end
       where entry->>'eventType' not in ('DealOpened', 'ClaimRecorded')`);
    await q.query(`alter table deal_timeline alter column entry type json using entry::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline alter column entry type jsonb using entry::jsonb`);
    // every entry's sources again, from the claim's entries up to it
    await q.query(`
      update deal_timeline t set entry = jsonb_set(t.entry, '{sources}', coalesce((
          select jsonb_agg(x.source order by e.version, x.ordinality)
            from deal_timeline e, lateral jsonb_array_elements(e.entry->'sources') with ordinality as x(source, ordinality)
           where e.deal_id = t.deal_id and e.version <= t.version and e.entry->>'claimId' = t.entry->>'claimId'
             and e.entry->>'eventType' in ('ClaimRecorded', 'ClaimSourceAdded')), '[]'))
       where t.entry->>'eventType' not in ('DealOpened', 'ClaimRecorded')`);
  }
}
