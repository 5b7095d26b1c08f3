import { MigrationInterface, QueryRunner } from 'typeorm';

/** The record fields its row's columns hold, and those derived from the rest. */
const LEFT_OUT = ['claimId', 'dealId', 'position', 'kind', 'verdict', 'counts', 'start', 'earliestPublishedAt', 'orderKey', 'partyKey'];

/**
 * A claim's stored record repeated what its row's columns hold (id, deal,
 * position, kind, verdict, first day and 2.3 order key) and what is derived
 * from its other fields (whether it counts, its earliest publication, its
 * party's key): a third of its bytes, written on every claim event and again
 * by every rebuild. Readers take them from the columns and derive the rest.
 */
export class ClaimRecordsWithoutDerivedFields1732241000000 implements MigrationInterface {
  name = 'ClaimRecordsWithoutDerivedFields1732241000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`update deal_claims set record = (record::jsonb - $1::text[])::text`, [LEFT_OUT]);
  }

  async down(q: QueryRunner): Promise<void> {
    // the order key is the first day (10 characters), the precision's rank (1), the earliest publication (30), the position
    await q.query(`
      update deal_claims set record = (jsonb_build_object(
          'claimId', claim_id, 'dealId', deal_id, 'position', position, 'kind', kind, 'verdict', verdict,
          'counts', verdict not in ('retracted', 'false'), 'start', start, 'earliestPublishedAt', substr(order_key, 12, 30),
          'orderKey', order_key)
        || case when record::jsonb ? 'party'
             then jsonb_build_object('partyKey', regexp_replace(lower(normalize(record::jsonb->>'party', NFKC)), '\\s+', '', 'g'))
             else '{}'::jsonb end
        || record::jsonb)::text`);
  }
}
