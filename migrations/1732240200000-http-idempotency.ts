import { MigrationInterface, QueryRunner } from 'typeorm';

/** First responses of POSTs sent with an Idempotency-Key, replayed for repeats. */
export class HttpIdempotency1732240200000 implements MigrationInterface {
  name = 'HttpIdempotency1732240200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table http_idempotency (
        key text primary key,
        request_hash text not null,
        response jsonb,
        created_at timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table http_idempotency');
  }
}
