import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { dataSourceOptions } from '@app/platform';
import { Baseline1733000000000 } from '../../migrations/1733000000000-baseline';
import { migrations } from '../../migrations';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.TEST_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('the tamper-evidence migration on a log written before it', () => {
  const name = `test_rehash_${randomBytes(4).toString('hex')}`;
  let url: string;

  beforeAll(async () => {
    await admin((c) => c.query(`create database ${name}`));
    const u = new URL(process.env.TEST_ADMIN_URL as string);
    u.pathname = `/${name}`;
    url = u.toString();
  });

  afterAll(async () => {
    await admin((c) => c.query(`drop database if exists ${name} with (force)`));
  });

  it('moves chains that hold to the new hash and leaves a chain broken before it broken', async () => {
    const old = new DataSource(dataSourceOptions(url, [], [Baseline1733000000000], 1));
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      const append = (stream: string, expected: number, text: string) =>
        old.query(`select es_append($1, $2, $3::jsonb, null, null)`, [stream, expected, JSON.stringify([{ type: 'Noted', data: { text } }])]);
      await append('note-kept', 0, 'one');
      await append('note-kept', 1, 'two');
      await append('note-edited', 0, 'three');
      await append('note-edited', 1, 'four');
      await old.query(`update es_events set data = '{"text": "edited"}' where stream_id = 'note-edited' and version = 1`);
    } finally {
      await old.destroy();
    }

    const current = new DataSource(dataSourceOptions(url, [], migrations, 1));
    await current.initialize();
    try {
      await current.runMigrations({ transaction: 'each' });
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
    } finally {
      await current.destroy();
    }
  });
});
