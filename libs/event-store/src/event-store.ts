import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { DataSource, EntityManager } from 'typeorm';
import { IdempotencyKeyReusedError, WrongExpectedVersionError } from './event-store.errors';
import {
  AppendOptions,
  AppendResult,
  BrokenLink,
  Checkpoint,
  ExpectedVersion,
  JsonObject,
  NewEvent,
  ReadAllResult,
  ReadStreamOptions,
  START,
  StoredEvent,
  EventData,
  VerifyResult,
} from './event-store.types';
import { UpcasterRegistry } from './upcaster-registry';

interface EventRow {
  position: string;
  tx_id: string;
  stream_id: string;
  version: string;
  type: string;
  schema_version: number;
  data: JsonObject;
  metadata: JsonObject;
  recorded_at: Date;
  hash: string;
}

interface AppendRow {
  streamId: string;
  fromVersion: number;
  toVersion: number;
  positions: number[];
  hashes: string[];
  recordedAt: string;
  txId: string;
  duplicate: boolean;
}

const EVENT_COLUMNS = `position, tx_id::text as tx_id, stream_id, version, type, schema_version, data, metadata, recorded_at, hash`;

/**
 * An append-only event log on PostgreSQL. Streams are the consistency boundary:
 * an append states the version it expects and loses cleanly when another writer
 * got there first. Every event extends its stream's hash chain.
 */
export class EventStore {
  readonly upcasters = new UpcasterRegistry();
  private readonly signals = new EventEmitter();

  constructor(private readonly dataSource: DataSource) {
    this.signals.setMaxListeners(0);
  }

  /** Called after each append of this process commits; returns an unsubscribe function. */
  onAppended(listener: (result: AppendResult) => void): () => void {
    this.signals.on('appended', listener);
    return () => this.signals.off('appended', listener);
  }

  async append(
    streamId: string,
    expected: ExpectedVersion,
    events: NewEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (!streamId) throw new TypeError('streamId is required');
    if (events.length === 0) throw new TypeError('an append needs at least one event');
    if (typeof expected === 'number' && (!Number.isInteger(expected) || expected < 0)) {
      throw new TypeError(`expected version must be a non-negative integer, 'any' or 'no_stream'`);
    }
    const key = options.idempotencyKey ?? null;
    const payload = events.map((event) => ({
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: event.data,
      metadata: { ...options.metadata, ...event.metadata, ...(key ? { idempotencyKey: key } : {}) },
    }));
    const requestHash = key
      ? (options.requestHash ?? sha256(JSON.stringify(payload.map(({ type, data }) => ({ type, data })))))
      : null;
    const parameters: unknown[] = [
      streamId,
      expected === 'any' ? null : expected === 'no_stream' ? 0 : expected,
      JSON.stringify(payload),
      key,
      requestHash,
    ];
    const reserved = options.reserved;
    if (reserved && reserved.positions.length !== events.length) {
      throw new TypeError('an append needs one reserved position per event');
    }
    parameters.push(reserved?.positions ?? null, reserved?.recordedAt ?? null);
    const append = 'select es_append($1, $2, $3::jsonb, $4, $5, $6::bigint[], $7::timestamptz) as result';
    let sql = append;
    if (options.alsoWrite) {
      const { ctes, parameters: more } = options.alsoWrite(parameters.length + 1);
      sql = `with appended as (${append}),
        fresh as (select 1 from appended where not (result->>'duplicate')::boolean),
        ${ctes}
        select result from appended`;
      parameters.push(...more);
    }
    let row: AppendRow;
    try {
      const rows: { result: AppendRow }[] = await this.dataSource.query(sql, parameters);
      row = rows[0].result;
    } catch (error) {
      throw translate(error, streamId, expected, key);
    }
    const result = toResult(row);
    if (!result.duplicate) this.signals.emit('appended', result);
    return result;
  }

  /**
   * What the store holds for these idempotency keys: each key's request
   * fingerprint and, once its append committed, that append's result.
   */
  async idempotencyRecords(keys: string[]): Promise<Map<string, { requestHash: string; result: AppendResult | null }>> {
    if (keys.length === 0) return new Map();
    const rows: { key: string; request_hash: string; result: AppendRow | null }[] = await this.dataSource.query(
      'select key, request_hash, result from es_idempotency where key = any($1::text[])',
      [keys],
    );
    return new Map(
      rows.map((r) => [r.key, { requestHash: r.request_hash, result: r.result ? { ...toResult(r.result), duplicate: true } : null }]),
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}, manager?: EntityManager): Promise<StoredEvent[]> {
    const rows: EventRow[] = await (manager ?? this.dataSource).query(
      `select ${EVENT_COLUMNS} from es_events
        where stream_id = $1 and version >= $2 and version <= $3
          and ($4::timestamptz is null or recorded_at <= $4)
        order by version`,
      [streamId, options.fromVersion ?? 1, options.toVersion ?? Number.MAX_SAFE_INTEGER, options.recordedUpTo ?? null],
    );
    return rows.map((r) => this.fromRow(r));
  }

  /**
   * What a fold reads of a stream, in version order: each event's type, data
   * (upcast), position, version and recording instant as an ISO string; less
   * to send and parse than whole events.
   */
  async readStreamData(streamId: string, options: ReadStreamOptions = {}): Promise<EventData[]> {
    const rows: { type: string; schema_version: number; data: JsonObject; position: string; version: string; recorded_at: string }[] =
      await this.dataSource.query(
        `select type, schema_version, data, position, version,
                to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
           from es_events
          where stream_id = $1 and version >= $2 and version <= $3
            and ($4::timestamptz is null or recorded_at <= $4)
          order by version`,
        [streamId, options.fromVersion ?? 1, options.toVersion ?? Number.MAX_SAFE_INTEGER, options.recordedUpTo ?? null],
      );
    return rows.map((row) => ({
      type: row.type,
      data: this.upcasters.upcast(row.type, row.schema_version, row.data).data,
      position: Number(row.position),
      version: Number(row.version),
      recordedAt: row.recorded_at,
    }));
  }

  /** Several streams' events, each stream's in version order. */
  async readStreams(streamIds: string[], manager?: EntityManager): Promise<Map<string, StoredEvent[]>> {
    const rows: EventRow[] = await (manager ?? this.dataSource).query(
      `select ${EVENT_COLUMNS} from es_events where stream_id = any($1::text[]) order by stream_id, version`,
      [streamIds],
    );
    const streams = new Map<string, StoredEvent[]>(streamIds.map((id) => [id, []]));
    for (const row of rows) streams.get(row.stream_id)?.push(this.fromRow(row));
    return streams;
  }

  /** The stream's current version, 0 when it does not exist. */
  async streamVersion(streamId: string, manager?: EntityManager): Promise<number> {
    const rows: { version: string }[] = await (manager ?? this.dataSource).query(
      'select version from es_streams where stream_id = $1',
      [streamId],
    );
    return rows.length ? Number(rows[0].version) : 0;
  }

  /**
   * Reads the global log after `after`, in (txId, position) order, and only below
   * the oldest transaction still running: an event that a slower transaction
   * commits later always sorts after everything already returned.
   */
  async readAll(after: Checkpoint = START, limit = 1000, manager?: EntityManager): Promise<ReadAllResult> {
    const rows: EventRow[] = await (manager ?? this.dataSource).query(
      `select ${EVENT_COLUMNS} from es_events
        where (tx_id, position) > ($1::xid8, $2::bigint)
          and tx_id < pg_snapshot_xmin(pg_current_snapshot())
        order by es_events.tx_id, es_events.position
        limit $3`,
      [after.txId, after.position, limit],
    );
    const events = rows.map((r) => this.fromRow(r));
    const last = events[events.length - 1];
    return { events, checkpoint: last ? { txId: last.txId, position: last.position } : after };
  }

  /** Recomputes every stream's hash chain and names the first broken event of each stream. */
  async verify(): Promise<VerifyResult> {
    const broken: { stream_id: string; version: string; position: string; reason: BrokenLink['reason'] }[] =
      await this.dataSource.query(`
      with chain as (
        select stream_id, version, position, hash,
               es_event_hash(lag(hash, 1, '') over w, position, tx_id, stream_id, version, type, schema_version,
                             data, metadata, recorded_at) as expected,
               row_number() over w as n
          from es_events
        window w as (partition by stream_id order by version)
      ),
      first_broken as (
        select distinct on (stream_id) stream_id, version, position,
               case when version <> n then 'version_gap' else 'hash_mismatch' end as reason
          from chain
         where hash <> expected or version <> n
         order by stream_id, version
      ),
      heads as (
        select s.stream_id, s.version, coalesce(e.position, 0) as position, 'head_mismatch' as reason
          from es_streams s
          left join lateral (
            select position, version, hash from es_events where stream_id = s.stream_id order by version desc limit 1
          ) e on true
         where (e.version is distinct from s.version or e.hash is distinct from s.last_hash)
           and s.version > 0
           and not exists (select 1 from first_broken b where b.stream_id = s.stream_id)
      ),
      headless as (
        select distinct on (e.stream_id) e.stream_id, e.version, e.position, 'head_missing' as reason
          from es_events e
         where not exists (select 1 from es_streams s where s.stream_id = e.stream_id)
         order by e.stream_id, e.version desc
      )
      select * from first_broken union all select * from heads union all select * from headless order by stream_id`);
    const [counts]: { checked: string; streams: string }[] = await this.dataSource.query(
      'select (select count(*) from es_events) as checked, (select count(*) from es_streams) as streams',
    );
    return {
      ok: broken.length === 0,
      checked: Number(counts.checked),
      streams: Number(counts.streams),
      broken: broken.map((b) => ({
        streamId: b.stream_id,
        version: Number(b.version),
        position: Number(b.position),
        reason: b.reason,
      })),
    };
  }

  private fromRow(row: EventRow): StoredEvent {
    const { schemaVersion, data } = this.upcasters.upcast(row.type, row.schema_version, row.data);
    return {
      position: Number(row.position),
      txId: row.tx_id,
      streamId: row.stream_id,
      version: Number(row.version),
      type: row.type,
      schemaVersion,
      data,
      metadata: row.metadata,
      recordedAt: row.recorded_at,
      hash: row.hash,
    };
  }
}

function toResult(row: AppendRow): AppendResult {
  return {
    streamId: row.streamId,
    fromVersion: Number(row.fromVersion),
    toVersion: Number(row.toVersion),
    positions: row.positions.map(Number),
    recordedAt: new Date(row.recordedAt),
    duplicate: row.duplicate,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function translate(error: unknown, streamId: string, expected: ExpectedVersion, key: string | null): unknown {
  const driver = (error as { driverError?: { code?: string; detail?: string; constraint?: string } }).driverError ??
    (error as { code?: string; detail?: string; constraint?: string });
  if (driver?.code === 'ES409') {
    let actual = 0;
    try {
      actual = Number((JSON.parse(driver.detail ?? '{}') as { actual?: number }).actual ?? 0);
    } catch {
      /* keep 0 */
    }
    return new WrongExpectedVersionError(streamId, expected, actual);
  }
  if (driver?.code === '23505' && driver.constraint === 'es_events_stream_version') {
    return new WrongExpectedVersionError(streamId, expected, -1);
  }
  if (driver?.code === 'ES422' && key) return new IdempotencyKeyReusedError(key);
  return error;
}
