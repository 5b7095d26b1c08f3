import { MigrationInterface, QueryRunner } from 'typeorm';

export class ApiKeys1732240100000 implements MigrationInterface {
  name = 'ApiKeys1732240100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table api_keys (
        id uuid primary key,
        name text not null,
        roles text[] not null check (roles <@ array['editor', 'fact_checker', 'reader', 'admin'] and cardinality(roles) > 0),
        key_hash text not null unique,
        created_at timestamptz not null default now(),
        revoked_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table api_keys');
  }
}
