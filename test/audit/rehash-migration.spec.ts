import { EventStore } from '@app/event-store';
import { Baseline1733000000000 } from '../../migrations/1733000000000-baseline';
import { migrations } from '../../migrations';
import { afterMigrations, createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the tamper-evidence migration on a log written before it', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });

  afterAll(() => db.drop());

  it('moves chains that hold to the new hash and leaves a chain broken before it broken', async () => {
    await afterMigrations(db.url, [Baseline1733000000000], async (old) => {
      const append = (stream: string, expected: number, text: string) =>
        old.query(`select es_append($1, $2, $3::jsonb, null, null)`, [stream, expected, JSON.stringify([{ type: 'Noted', data: { text } }])]);
      await append('note-kept', 0, 'one');
      await append('note-kept', 1, 'two');
      await append('note-edited', 0, 'three');
      await append('note-edited', 1, 'four');
      await old.query(`update es_events set data = '{"text": "edited"}' where stream_id = 'note-edited' and version = 1`);
    });

    await afterMigrations(db.url, migrations, async (current) => {
      const [edited]: { position: string }[] = await current.query(
        `select position from es_events where stream_id = 'note-edited' and version = 1`,
      );
      const result = await new EventStore(current).verify();
      expect(result).toMatchObject({
        ok: false,
        checked: 4,
        broken: [{ streamId: 'note-edited', version: 1, position: Number(edited.position), reason: 'hash_mismatch' }],
      });
      // appends after the migration extend the migrated chain
      await new EventStore(current).append('note-kept', 2, [{ type: 'Noted', data: { text: 'five' } }]);
      expect((await new EventStore(current).verify()).broken.map((b) => b.streamId)).toEqual(['note-edited']);
    });
  });
});
