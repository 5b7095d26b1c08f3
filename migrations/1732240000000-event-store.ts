import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: one append-only table of events, a row per stream holding its
 * head (version, last hash, last recorded time), durable idempotency keys,
 * subscriber checkpoints and snapshots.
 *
 * Appends go through `es_append`, one round trip that checks the expected version
 * under the stream row's lock, extends the stream's hash chain and inserts the
 * events. Readers of the global log order by (tx_id, position): every transaction
 * whose id is below the oldest running one has finished, so reading only below
 * `pg_snapshot_xmin(pg_current_snapshot())` never skips an event that a slower
 * transaction commits late.
 */
export class EventStore1732240000000 implements MigrationInterface {
  name = 'EventStore1732240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table es_streams (
        stream_id text primary key,
        version bigint not null,
        last_hash text not null,
        last_recorded_at timestamptz not null
      )`);
    await q.query(`
      create table es_events (
        position bigint generated always as identity primary key,
        tx_id xid8 not null default pg_current_xact_id(),
        stream_id text not null,
        version bigint not null,
        type text not null,
        schema_version integer not null,
        data jsonb not null,
        metadata jsonb not null,
        recorded_at timestamptz not null,
        hash text not null,
        constraint es_events_stream_version unique (stream_id, version)
      )`);
    await q.query(`create index es_events_global_order on es_events (tx_id, position)`);
    await q.query(`
      create table es_idempotency (
        key text primary key,
        request_hash text not null,
        stream_id text not null,
        result jsonb,
        created_at timestamptz not null default now()
      )`);
    await q.query(`
      create table es_checkpoints (
        name text primary key,
        tx_id xid8 not null,
        position bigint not null,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`
      create table es_snapshots (
        stream_id text not null,
        name text not null,
        schema_version integer not null,
        version bigint not null,
        state jsonb not null,
        primary key (stream_id, name)
      )`);

    // The canonical form of an event is PostgreSQL's jsonb text: keys sorted, one
    // spacing, numbers normalised. recorded_at is written in UTC with microseconds
    // so the text does not depend on the session's time zone.
    await q.query(`
      create function es_event_hash(
        previous text, stream_id text, version bigint, type text, schema_version integer,
        data jsonb, metadata jsonb, recorded_at timestamptz
      ) returns text language sql immutable as $$
        select encode(sha256(convert_to(coalesce(previous, '') || jsonb_build_object(
          'streamId', stream_id,
          'version', version,
          'type', type,
          'schemaVersion', schema_version,
          'data', data,
          'metadata', metadata,
          'recordedAt', to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        )::text, 'UTF8')), 'hex')
      $$`);

    // p_expected: null = any version, 0 = the stream must not exist, n = the stream must be at n.
    // Errors: ES409 wrong expected version, ES422 idempotency key reused with another request.
    await q.query(`
      create function es_append(
        p_stream_id text, p_expected bigint, p_events jsonb,
        p_idempotency_key text, p_request_hash text
      ) returns jsonb language plpgsql as $$
      declare
        v_count integer := jsonb_array_length(p_events);
        v_version bigint;
        v_hash text;
        v_last_recorded timestamptz;
        v_recorded timestamptz;
        v_hashes text[] := '{}';
        v_event jsonb;
        v_positions bigint[];
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

        -- recorded time never goes backwards within a stream, so a knownAt cut is a prefix of it;
        -- milliseconds, the precision clients and JavaScript dates carry
        v_recorded := date_trunc('milliseconds', greatest(clock_timestamp(), v_last_recorded));
        for i in 1 .. v_count loop
          v_event := p_events -> (i - 1);
          v_hash := es_event_hash(v_hash, p_stream_id, v_version + i, v_event ->> 'type',
            coalesce((v_event ->> 'schemaVersion')::integer, 1), v_event -> 'data',
            coalesce(v_event -> 'metadata', '{}'::jsonb), v_recorded);
          v_hashes := v_hashes || v_hash;
        end loop;

        with inserted as (
          insert into es_events (stream_id, version, type, schema_version, data, metadata, recorded_at, hash)
          select p_stream_id, v_version + e.ord, e.event ->> 'type',
                 coalesce((e.event ->> 'schemaVersion')::integer, 1), e.event -> 'data',
                 coalesce(e.event -> 'metadata', '{}'::jsonb), v_recorded, v_hashes[e.ord]
            from jsonb_array_elements(p_events) with ordinality as e(event, ord)
           order by e.ord
          returning position
        )
        select array_agg(position order by position) into v_positions from inserted;

        update es_streams
           set version = v_version + v_count, last_hash = v_hash, last_recorded_at = v_recorded
         where stream_id = p_stream_id;

        v_result := jsonb_build_object(
          'streamId', p_stream_id,
          'fromVersion', v_version + 1,
          'toVersion', v_version + v_count,
          'positions', to_jsonb(v_positions),
          'hashes', to_jsonb(v_hashes),
          'recordedAt', to_char(v_recorded at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
          'txId', pg_current_xact_id()::text,
          'duplicate', false);

        if p_idempotency_key is not null then
          update es_idempotency set result = v_result where key = p_idempotency_key;
        end if;
        return v_result;
      end
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function es_append(text, bigint, jsonb, text, text)`);
    await q.query(`drop function es_event_hash(text, text, bigint, text, integer, jsonb, jsonb, timestamptz)`);
    await q.query(`drop table es_snapshots, es_checkpoints, es_idempotency, es_events, es_streams`);
  }
}
