import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claim's history was found by scanning its deal's whole stream for events
 * naming it: on a deal of 100,000 events, every `GET /claims/{id}` read them
 * all. Each claim row now lists the versions of its events, and the history
 * is read by (stream, version).
 */
export class ClaimVersions1732240600000 implements MigrationInterface {
  name = 'ClaimVersions1732240600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_claims add column versions integer[] not null default '{}'`);
    await q.query(`
      update deal_claims c set versions = e.versions
        from (select (data->>'claimId')::uuid as claim_id, array_agg(version::integer order by version) as versions
                from es_events where stream_id like 'deal-%' and data ? 'claimId'
               group by 1) e
       where e.claim_id = c.claim_id`);
    await q.query(`alter table deal_claims alter column versions drop default`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_claims drop column versions`);
  }
}
