import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recorded timeline entries repeated their claim's whole source list on every
 * event (verdicts, corrections, retractions), most of their bytes. Only the
 * entries that change the list keep it: `ClaimRecorded` its list,
 * `ClaimSourceAdded` the source added (`addedSource`); the reader takes the
 * others from the entries before. The entries are never queried inside, so
 * they are stored as `json`: kept as written, cheaper to load and to send.
 */
export class CompactTimeline1732240500000 implements MigrationInterface {
  name = 'CompactTimeline1732240500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      update deal_timeline set entry = case
          when entry->>'eventType' = 'ClaimSourceAdded' and jsonb_array_length(entry->'sources') > 0
            then (entry - 'sources') || jsonb_build_object('addedSource', entry->'sources'->-1)
          else entry - 'sources'
        end
       where entry->>'eventType' <> 'ClaimRecorded'`);
    await q.query(`alter table deal_timeline alter column entry type json using entry::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline alter column entry type jsonb using entry::jsonb`);
    // every entry's sources again, from the claim's entries up to it
    await q.query(`
      update deal_timeline t set entry = (t.entry - 'addedSource') || jsonb_build_object('sources', coalesce((
          select jsonb_agg(source order by s.version, s.ordinality)
            from (select e.version, x.source, x.ordinality
                    from deal_timeline e,
                         lateral jsonb_array_elements(case when e.entry ? 'addedSource' then jsonb_build_array(e.entry->'addedSource')
                                                           else coalesce(e.entry->'sources', '[]') end) with ordinality as x(source, ordinality)
                   where e.deal_id = t.deal_id and e.version <= t.version and e.entry->>'claimId' = t.entry->>'claimId'
                     and e.entry->>'eventType' in ('ClaimRecorded', 'ClaimSourceAdded')) s), '[]'))
       where t.entry->>'eventType' <> 'ClaimRecorded'`);
  }
}
