import { MigrationInterface, QueryRunner } from 'typeorm';

/** Claim id → deal id, written in the append transaction. */
export class ClaimLocator1732240300000 implements MigrationInterface {
  name = 'ClaimLocator1732240300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create table claim_locator (claim_id uuid primary key, deal_id uuid not null)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table claim_locator');
  }
}
