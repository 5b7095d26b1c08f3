import { randomUUID } from 'node:crypto';
import { migrations } from '../../migrations';
import { TimelineActor1733000300000 } from '../../migrations/1733000300000-timeline-actor';
import { afterMigrations, createTestDatabase, type TestDatabase } from '../support/test-database';

describe('the timeline-actor migration on timeline rows written before it', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ empty: true });
  });

  afterAll(() => db.drop());

  it("gives each stored entry its actor's column, from the entry", async () => {
    const dealId = randomUUID();
    await afterMigrations(db.url, migrations.slice(0, migrations.indexOf(TimelineActor1733000300000)), async (old) => {
      for (const [version, actorId] of [[1, 'key-a'], [2, 'key-b']] as const) {
        await old.query(`insert into deal_timeline (deal_id, version, position, entry) values ($1, $2, $3, $4::json)`, [
          dealId,
          version,
          version,
          JSON.stringify({ eventType: 'ClaimRecorded', actorId }),
        ]);
      }
    });

    const rows = await afterMigrations(db.url, migrations, (current) =>
      current.query(`select version, actor_id from deal_timeline where deal_id = $1 order by version`, [dealId]),
    );
    expect(rows).toEqual([
      { version: 1, actor_id: 'key-a' },
      { version: 2, actor_id: 'key-b' },
    ]);
  });
});
