import { MigrationInterface, QueryRunner } from 'typeorm';

/** The entry fields a timeline row's columns hold. */
const COLUMN_FIELDS = { eventType: 'event_type', claimId: 'claim_id', position: 'position', version: 'version' };

/**
 * A stored timeline entry repeated what its row's columns hold (its event
 * type, claim, position and version): a quarter of its bytes, written for
 * every event and again by every rebuild. The reader puts them back from the
 * columns.
 */
export class LeanTimelineEntries1732240900000 implements MigrationInterface {
  name = 'LeanTimelineEntries1732240900000';

  async up(q: QueryRunner): Promise<void> {
    const fields = Object.keys(COLUMN_FIELDS).map((field) => ` - '${field}'`).join('');
    await q.query(`update deal_timeline set entry = (entry::jsonb${fields})::text`);
  }

  async down(q: QueryRunner): Promise<void> {
    const fields = Object.entries(COLUMN_FIELDS).map(([field, column]) => `'${field}', ${column}`).join(', ');
    await q.query(`update deal_timeline set entry = (jsonb_build_object(${fields}) || entry::jsonb)::text`);
  }
}
