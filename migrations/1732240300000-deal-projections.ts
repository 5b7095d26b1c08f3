import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The read models updated in the append transaction: each deal's current state,
 * each claim's record, and each deal's recorded timeline with the changes every
 * event made. `rebuild` fills copies of these tables and swaps them in.
 */
export class DealProjections1732240300000 implements MigrationInterface {
  name = 'DealProjections1732240300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table deal_states (
        deal_id uuid primary key,
        version integer not null,
        title text not null,
        kind text not null,
        status text not null,
        party_keys text[] not null,
        state jsonb not null,
        opened_position bigint not null unique,
        last_position bigint not null,
        last_recorded_at timestamptz not null
      )`);
    await q.query(`create index deal_states_status on deal_states (status, opened_position)`);
    await q.query(`create index deal_states_kind on deal_states (kind, opened_position)`);
    await q.query(`create index deal_states_parties on deal_states using gin (party_keys)`);
    await q.query(`
      create table deal_claims (
        claim_id uuid primary key,
        deal_id uuid not null,
        position bigint not null unique,
        kind text not null,
        verdict text not null,
        relevant boolean not null,
        outlet_keys text[] not null,
        record jsonb not null
      )`);
    await q.query(`create index deal_claims_deal on deal_claims (deal_id, position)`);
    await q.query(`create index deal_claims_relevant on deal_claims (deal_id) where relevant`);
    await q.query(`create index deal_claims_verdict on deal_claims (verdict, position)`);
    await q.query(`create index deal_claims_outlets on deal_claims using gin (outlet_keys)`);
    await q.query(`
      create table deal_timeline (
        deal_id uuid not null,
        version integer not null,
        position bigint not null,
        entry jsonb not null,
        primary key (deal_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table deal_timeline, deal_claims, deal_states');
  }
}
