import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The JSON documents of the deal read models (a claim's record, a timeline
 * entry and the sources it changes) are written only by the projection, from
 * JSON.stringify, and read back whole as text (the recorded timeline is
 * spliced from it, records are parsed in the API). As json, PostgreSQL
 * parsed every byte of them again on each write to check them: in a rebuild
 * of a million events, 1.2 GB and a sixth of the server's work. They are now
 * text; the few queries that look inside a record cast it (`record::json`).
 */
export class ProjectionDocumentsAsText1732240800000 implements MigrationInterface {
  name = 'ProjectionDocumentsAsText1732240800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_claims alter column record type text using record::text`);
    await q.query(`alter table deal_timeline alter column entry type text using entry::text, alter column sources type text using sources::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_claims alter column record type json using record::json`);
    await q.query(`alter table deal_timeline alter column entry type json using entry::json, alter column sources type json using sources::json`);
  }
}
