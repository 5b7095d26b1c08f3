import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each recorded timeline entry's actor as a column of its own, so that naming
 * the actors of a long timeline does not parse every stored entry.
 */
export class TimelineActor1733000300000 implements MigrationInterface {
  name = 'TimelineActor1733000300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline add column actor_id text`);
    await q.query(`update deal_timeline set actor_id = entry->>'actorId'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table deal_timeline drop column actor_id`);
  }
}
