import { MigrationInterface, QueryRunner } from 'typeorm';

/** The record fields a claim row's columns hold. */
const COLUMN_FIELDS = {
  claimId: 'claim_id',
  dealId: 'deal_id',
  kind: 'kind',
  verdict: 'verdict',
  position: 'position',
  start: 'start',
  orderKey: 'order_key',
};

/**
 * A stored claim record repeated what its row's columns hold (its ids, kind,
 * verdict, position and the two ordering fields): a quarter of its bytes,
 * written on every claim event and again by every rebuild. Readers complete
 * the record from the columns.
 */
export class LeanClaimRows1732241000000 implements MigrationInterface {
  name = 'LeanClaimRows1732241000000';

  async up(q: QueryRunner): Promise<void> {
    const fields = Object.keys(COLUMN_FIELDS).map((field) => ` - '${field}'`).join('');
    await q.query(`update deal_claims set record = (record::jsonb${fields})::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    const fields = Object.entries(COLUMN_FIELDS).map(([field, column]) => `'${field}', ${column}`).join(', ');
    await q.query(`update deal_claims set record = (jsonb_build_object(${fields}) || record::jsonb)::text`);
  }
}
