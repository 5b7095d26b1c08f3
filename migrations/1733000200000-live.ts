import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: the subscriptions, and one delivery row per event and
 * webhook, which is both the queue the dispatcher works through (in the
 * log's order, per webhook) and the delivery log the API lists.
 *
 * The `webhooks` subscriber starts at the end of the log as it stands now: no
 * webhook exists before this migration, so nothing earlier needs fanning out.
 */
export class Live1733000200000 implements MigrationInterface {
  name = 'Live1733000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table webhooks (
        id uuid primary key,
        seq bigint generated always as identity unique,
        url text not null,
        secret text not null,
        filter jsonb not null,
        after_tx_id xid8 not null,
        after_position bigint not null,
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table webhook_deliveries (
        id uuid primary key,
        seq bigint generated always as identity unique,
        webhook_id uuid not null references webhooks (id) on delete cascade,
        tx_id xid8 not null,
        position bigint not null,
        event_type text not null,
        payload text not null,
        status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz default now(),
        first_attempt_at timestamptz,
        last_attempt_at timestamptz,
        last_response_status integer,
        last_error text,
        created_at timestamptz not null default now(),
        delivered_at timestamptz,
        constraint webhook_deliveries_event unique (webhook_id, tx_id, position)
      )`);
    await q.query(`
      create index webhook_deliveries_pending on webhook_deliveries (webhook_id, tx_id, position)
        where status = 'pending'`);
    await q.query(`create index webhook_deliveries_log on webhook_deliveries (webhook_id, seq)`);
    // the service's runtime role, when there is one, works the queue
    await q.query(`
      do $$
      begin
        if exists (select 1 from pg_roles where rolname = 'newsroom_app') then
          grant select, insert, update, delete on webhooks, webhook_deliveries to newsroom_app;
          grant usage, select on all sequences in schema public to newsroom_app;
        end if;
      end
      $$`);
    await q.query(`
      insert into es_checkpoints (name, tx_id, position)
      select 'webhooks', coalesce(h.tx_id, '0'::xid8), coalesce(h.position, 0)
        from (select 1) as one
        left join lateral (select tx_id, position from es_events order by tx_id desc, position desc limit 1) h on true
      on conflict (name) do nothing`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`delete from es_checkpoints where name = 'webhooks'`);
    await q.query(`drop table webhook_deliveries, webhooks`);
  }
}
