import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A timeline entry and the sources it changes are written only by the
 * projection, from JSON.stringify, and read back only as text: the recorded
 * timeline is spliced from it without parsing. As json, PostgreSQL parsed
 * every byte of them again on each write to check it: in a rebuild of a
 * million events, 660 MB and about a tenth of the server's work. They are
 * now text. (Claim records stay json: they are parsed as they arrive, which
 * the appends that reload a deal's working set rely on.)
 */
export class ProjectionDocumentsAsText1732240800000 implements MigrationInterface {
  name = 'ProjectionDocumentsAsText1732240800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline alter column entry type text using entry::text, alter column sources type text using sources::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline alter column entry type json using entry::json, alter column sources type json using sources::json`);
  }
}
