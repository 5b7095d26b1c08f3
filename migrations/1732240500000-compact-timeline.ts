import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recorded timeline entries repeated their claim's whole source list on every
 * event (verdicts, corrections, retractions), most of their bytes. The
 * sources move to a column of their own, kept only where they change:
 * `ClaimRecorded` its list, `ClaimSourceAdded` the source added, null
 * otherwise; the reader takes the list from the entries before. The entry,
 * never queried inside, is stored as `json` (kept as written, cheaper to load
 * and to send), with its event type and claim in columns, so that reading a
 * long deal's timeline parses nothing.
 */
export class CompactTimeline1732240500000 implements MigrationInterface {
  name = 'CompactTimeline1732240500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline add column event_type text, add column claim_id uuid, add column sources json`);
    await q.query(`
      update deal_timeline set event_type = entry->>'eventType', claim_id = (entry->>'claimId')::uuid,
        sources = case entry->>'eventType'
            when 'ClaimSourceAdded' then jsonb_path_query_array(entry->'sources', '$[last]')::json
            when 'ClaimRecorded' then (entry->'sources')::json
            when 'DealOpened' then (entry->'sources')::json
          end,
        entry = entry - 'sources'`);
    await q.query(`alter table deal_timeline alter column event_type set not null`);
    await q.query(`alter table deal_timeline alter column entry type json using entry::json`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline alter column entry type jsonb using entry::jsonb`);
    // every entry's sources again, from the claim's entries up to it
    await q.query(`
      update deal_timeline t set entry = t.entry || jsonb_build_object('sources', coalesce((
          select jsonb_agg(x.source order by e.version, x.ordinality)
            from deal_timeline e, lateral jsonb_array_elements(e.sources::jsonb) with ordinality as x(source, ordinality)
           where e.deal_id = t.deal_id and e.version <= t.version and e.claim_id = t.claim_id and e.sources is not null), '[]'))`);
    await q.query(`alter table deal_timeline drop column event_type, drop column claim_id, drop column sources`);
  }
}
