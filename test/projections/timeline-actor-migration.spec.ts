import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@app/platform';
import { migrations } from '../../migrations';
import { TimelineActor1733000300000 } from '../../migrations/1733000300000-timeline-actor';

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: process.env.TEST_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('the timeline-actor migration on timeline rows written before it', () => {
  const name = `test_timeline_actor_${randomBytes(4).toString('hex')}`;
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

  it("gives each stored entry its actor's column, from the entry", async () => {
    const before = migrations.filter((migration) => migration !== TimelineActor1733000300000);
    const dealId = randomUUID();
    const old = new DataSource(dataSourceOptions(url, [], before, 1));
    await old.initialize();
    try {
      await old.runMigrations({ transaction: 'each' });
      for (const [version, actorId] of [[1, 'key-a'], [2, 'key-b']] as const) {
        await old.query(`insert into deal_timeline (deal_id, version, position, entry) values ($1, $2, $3, $4::json)`, [
          dealId,
          version,
          version,
          JSON.stringify({ eventType: 'ClaimRecorded', actorId }),
        ]);
      }
    } finally {
      await old.destroy();
    }

    const current = new DataSource(dataSourceOptions(url, [], migrations, 1));
    await current.initialize();
    try {
      await current.runMigrations({ transaction: 'each' });
      const rows: { version: number; actor_id: string }[] = await current.query(
        `select version, actor_id from deal_timeline where deal_id = $1 order by version`,
        [dealId],
      );
      expect(rows).toEqual([
        { version: 1, actor_id: 'key-a' },
        { version: 2, actor_id: 'key-b' },
      ]);
    } finally {
      await current.destroy();
    }
  });
});
