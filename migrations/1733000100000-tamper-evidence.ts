import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence for the event log:
 * - an event's hash covers everything readers order and fold by, its global
 *   position and transaction id included, so moving an event breaks its chain;
 * - the log is append-only in the database: triggers refuse UPDATE, DELETE and
 *   TRUNCATE of events (and DELETE of stream heads) to every role, the owner
 *   and superusers included, unless the session sets `newsroom.log_rewrite` to
 *   `on`, which only migrations do;
 * - the service's runtime role, `newsroom_app` (a group role; login roles are
 *   made its members), may read the log and append through `es_append`, which
 *   runs with the owner's rights, but has no right to write the log's tables;
 * - `es_log_checkpoints` keeps the signed Merkle checkpoints of the log, each
 *   with its consistency proof from the one before it and its tree's frontier
 *   (from which the next checkpoint extends it, reading only newer events).
 */
export class TamperEvidence1733000100000 implements MigrationInterface {
  name = 'TamperEvidence1733000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`set local newsroom.log_rewrite = 'on'`);

    // What an event's hash is computed over: the previous hash, then the event as jsonb text
    // (keys sorted, one spacing), so an outsider can read the event back from it.
    await q.query(`
      create function es_event_canonical(
        p_previous text, p_position bigint, p_tx_id xid8, p_stream_id text, p_version bigint, p_type text,
        p_schema_version integer, p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz
      ) returns text language sql immutable as $$
        select coalesce(p_previous, '') || jsonb_build_object(
          'position', p_position,
          'txId', p_tx_id::text,
          'streamId', p_stream_id,
          'version', p_version,
          'type', p_type,
          'schemaVersion', p_schema_version,
          'data', p_data,
          'metadata', p_metadata,
          'recordedAt', to_char(p_recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        )::text
      $$`);
    await q.query(`
      create function es_event_hash(
        p_previous text, p_position bigint, p_tx_id xid8, p_stream_id text, p_version bigint, p_type text,
        p_schema_version integer, p_data jsonb, p_metadata jsonb, p_recorded_at timestamptz
      ) returns text language sql immutable as $$
        select encode(sha256(convert_to(es_event_canonical(p_previous, p_position, p_tx_id, p_stream_id, p_version,
          p_type, p_schema_version, p_data, p_metadata, p_recorded_at), 'UTF8')), 'hex')
      $$`);

    // Existing chains move to the new hash while they still hold under the old one; from a
    // stream's first broken event on, the stored hashes stay as found, so the break stays visible.
    await q.query(`
      do $$
      declare
        r record;
        v_stream text;
        v_old text;
        v_new text;
        v_holds boolean;
      begin
        for r in select * from es_events order by stream_id, version loop
          if r.stream_id is distinct from v_stream then
            v_stream := r.stream_id; v_old := ''; v_new := ''; v_holds := true;
          end if;
          if v_holds and r.hash = es_event_hash(v_old, r.stream_id, r.version, r.type, r.schema_version,
                                                r.data, r.metadata, r.recorded_at) then
            v_old := r.hash;
            v_new := es_event_hash(v_new, r.position, r.tx_id, r.stream_id, r.version, r.type, r.schema_version,
                                   r.data, r.metadata, r.recorded_at);
            update es_events set hash = v_new where position = r.position;
            update es_streams set last_hash = v_new
             where stream_id = r.stream_id and version = r.version and last_hash = r.hash;
          else
            v_holds := false;
          end if;
        end loop;
      end
      $$`);
    await q.query(`drop function es_event_hash(text, text, bigint, text, integer, jsonb, jsonb, timestamptz)`);

    await q.query(`drop function es_append(text, bigint, jsonb, text, text, bigint[], timestamptz)`);
    // As in the baseline, with the positions drawn before hashing so that they are hashed too.
    // It runs with its owner's rights: the runtime role appends through it and nothing else.
    await q.query(`
      create function es_append(
        p_stream_id text, p_expected bigint, p_events jsonb,
        p_idempotency_key text, p_request_hash text,
        p_positions bigint[] default null, p_recorded_at timestamptz default null
      ) returns jsonb language plpgsql security definer set search_path = pg_catalog, public as $$
      declare
        v_count integer := jsonb_array_length(p_events);
        v_version bigint;
        v_hash text;
        v_last_recorded timestamptz;
        v_recorded timestamptz;
        v_tx xid8 := pg_current_xact_id();
        v_hashes text[] := '{}';
        v_event jsonb;
        v_positions bigint[] := '{}';
        v_previous es_idempotency%rowtype;
        v_result jsonb;
      begin
        if v_count = 0 then
          raise exception using errcode = '22023', message = 'an append needs at least one event';
        end if;

        if p_idempotency_key is not null then
          insert into es_idempotency (key, request_hash, stream_id)
          values (p_idempotency_key, p_request_hash, p_stream_id)
          on conflict (key) do nothing;
          if not found then
            select * into v_previous from es_idempotency where key = p_idempotency_key;
            if v_previous.request_hash is distinct from p_request_hash then
              raise exception using errcode = 'ES422',
                message = format('idempotency key %s was used for another request', p_idempotency_key);
            end if;
            return v_previous.result || jsonb_build_object('duplicate', true);
          end if;
        end if;

        if p_expected = 0 then
          insert into es_streams (stream_id, version, last_hash, last_recorded_at)
          values (p_stream_id, 0, '', '-infinity')
          on conflict (stream_id) do nothing;
          if not found then
            select version into v_version from es_streams where stream_id = p_stream_id;
            raise exception using errcode = 'ES409',
              message = format('stream %s already exists', p_stream_id),
              detail = jsonb_build_object('streamId', p_stream_id, 'expected', 0, 'actual', v_version)::text;
          end if;
          v_version := 0; v_hash := ''; v_last_recorded := '-infinity';
        else
          if p_expected is null then
            insert into es_streams (stream_id, version, last_hash, last_recorded_at)
            values (p_stream_id, 0, '', '-infinity')
            on conflict (stream_id) do nothing;
          end if;
          select version, last_hash, last_recorded_at into v_version, v_hash, v_last_recorded
            from es_streams where stream_id = p_stream_id for update;
          if not found or (p_expected is not null and v_version <> p_expected) then
            raise exception using errcode = 'ES409',
              message = format('stream %s is at version %s, expected %s', p_stream_id, coalesce(v_version, 0), p_expected),
              detail = jsonb_build_object('streamId', p_stream_id, 'expected', p_expected, 'actual', coalesce(v_version, 0))::text;
          end if;
        end if;

        if p_recorded_at is null then
          v_recorded := date_trunc('milliseconds', greatest(clock_timestamp(), v_last_recorded));
        elsif p_recorded_at < v_last_recorded then
          raise exception using errcode = 'ES409',
            message = format('stream %s was recorded after %s', p_stream_id, p_recorded_at),
            detail = jsonb_build_object('streamId', p_stream_id, 'expected', p_expected, 'actual', v_version)::text;
        else
          v_recorded := p_recorded_at;
        end if;
        for i in 1 .. v_count loop
          v_event := p_events -> (i - 1);
          v_positions := v_positions || coalesce(p_positions[i], nextval('es_events_position_seq'));
          v_hash := es_event_hash(v_hash, v_positions[i], v_tx, p_stream_id, v_version + i, v_event ->> 'type',
            coalesce((v_event ->> 'schemaVersion')::integer, 1), v_event -> 'data',
            coalesce(v_event -> 'metadata', '{}'::jsonb), v_recorded);
          v_hashes := v_hashes || v_hash;
        end loop;

        insert into es_events (position, tx_id, stream_id, version, type, schema_version, data, metadata, recorded_at, hash)
        select v_positions[e.ord], v_tx, p_stream_id, v_version + e.ord,
               e.event ->> 'type', coalesce((e.event ->> 'schemaVersion')::integer, 1), e.event -> 'data',
               coalesce(e.event -> 'metadata', '{}'::jsonb), v_recorded, v_hashes[e.ord]
          from jsonb_array_elements(p_events) with ordinality as e(event, ord)
         order by e.ord;

        update es_streams
           set version = v_version + v_count, last_hash = v_hash, last_recorded_at = v_recorded
         where stream_id = p_stream_id;

        v_result := jsonb_build_object(
          'streamId', p_stream_id,
          'fromVersion', v_version + 1,
          'toVersion', v_version + v_count,
          'positions', (select to_jsonb(array_agg(p order by p)) from unnest(v_positions) p),
          'hashes', to_jsonb(v_hashes),
          'recordedAt', to_char(v_recorded at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          'txId', v_tx::text,
          'duplicate', false);

        if p_idempotency_key is not null then
          update es_idempotency set result = v_result where key = p_idempotency_key;
        end if;
        return v_result;
      end
      $$`);

    await q.query(`
      create table es_log_checkpoints (
        id bigint generated by default as identity primary key,
        tree_size bigint not null,
        root_hash text not null,
        last_tx_id xid8,
        last_position bigint not null,
        created_at timestamptz not null,
        key_id text not null,
        signature text not null,
        consistency_proof text[] not null,
        frontier text[] not null
      )`);

    await q.query(`
      create function es_refuse_rewrite() returns trigger language plpgsql as $$
      begin
        if coalesce(current_setting('newsroom.log_rewrite', true), '') <> 'on' then
          raise exception using errcode = '42501',
            message = format('%s is append-only: %s refused', tg_table_name, tg_op);
        end if;
        return null;
      end
      $$`);
    await q.query(`
      create trigger es_events_append_only before update or delete or truncate on es_events
        for each statement execute function es_refuse_rewrite()`);
    await q.query(`
      create trigger es_streams_kept before delete or truncate on es_streams
        for each statement execute function es_refuse_rewrite()`);
    await q.query(`
      create trigger es_log_checkpoints_append_only before update or delete or truncate on es_log_checkpoints
        for each statement execute function es_refuse_rewrite()`);

    // The runtime role: created here when this migration may create roles, else by the operator.
    await q.query(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = 'newsroom_app')
           and exists (select 1 from pg_roles where rolname = current_user and (rolsuper or rolcreaterole)) then
          create role newsroom_app nologin;
        end if;
      exception when duplicate_object or unique_violation then null;
      end
      $$`);
    await q.query(`revoke execute on function es_append(text, bigint, jsonb, text, text, bigint[], timestamptz) from public`);
    await q.query(`
      do $$
      begin
        if exists (select 1 from pg_roles where rolname = 'newsroom_app') then
          grant usage on schema public to newsroom_app;
          grant select, insert, update, delete, truncate on all tables in schema public to newsroom_app;
          revoke insert, update, delete, truncate on es_events, es_streams, migrations from newsroom_app;
          revoke update, delete, truncate on es_log_checkpoints from newsroom_app;
          revoke delete, truncate on es_idempotency from newsroom_app;
          grant usage, select on all sequences in schema public to newsroom_app;
          grant execute on function es_append(text, bigint, jsonb, text, text, bigint[], timestamptz) to newsroom_app;
          alter default privileges in schema public grant select, insert, update, delete, truncate on tables to newsroom_app;
          alter default privileges in schema public grant usage, select on sequences to newsroom_app;
        end if;
      end
      $$`);
  }

  async down(): Promise<void> {
    // reverting would leave hashes no function recomputes and a log anyone may rewrite
    throw new Error('the tamper-evidence migration is not reverted: restore a backup taken before it');
  }
}
