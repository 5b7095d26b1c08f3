import type { JsonObject } from '@app/event-store/event-store.types';
import type { RecordedDealEvent } from '../domain/deal.events';
import { DealProjector } from './deal-projector';
import { DealProjectionTables, type CopyData } from './deal-projection.tables';

/** The deal streams after `after` up to `last` included (null: every stream after `after`), in stream id order. */
export interface StreamRange {
  after: string;
  last: string | null;
}

/** A range's rows, as COPY data for the rebuild's tables, and how many events they come from. */
export interface ProjectedRange {
  copies: CopyData[];
  events: number;
}

export interface EventRow {
  position: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: JsonObject;
  /** As `Date#toISOString` writes it (the store keeps milliseconds). */
  recorded_at: string;
}

/** Runs a query and gives its rows: a TypeORM data source's or a pg client's. */
export type EventQuery = (sql: string, parameters: unknown[]) => Promise<EventRow[]>;

export type Upcast = (type: string, schemaVersion: number, data: JsonObject) => JsonObject;

/**
 * Events read per query (the next one is read while these are projected).
 * Small enough that parsed rows die young: 20,000 at a time were promoted to
 * the old generation and cost about a sixth of the rate.
 */
const READ_BATCH = 1_000;
/** Events projected between two turns of the event loop, so replies and writes are handled meanwhile. */
const YIELD_EVERY = 500;
/** Above every stream version: a cursor `(stream, MAX_VERSION)` starts after the whole stream. */
const MAX_VERSION = '9223372036854775807';

/**
 * Replays the deal streams of a range, in keyset-paginated batches in
 * (stream, version) order, one {@link DealProjector} per stream while its
 * events come, and encodes each deal's rows for COPY into `tables` as soon as
 * its stream ends. The same code runs in a rebuild's threads and, for small
 * stores, in the rebuilding process itself.
 */
export async function projectRange(query: EventQuery, upcast: Upcast, tables: DealProjectionTables, range: StreamRange): Promise<ProjectedRange> {
  const copy = tables.bulkLoad();
  let events = 0;
  let cursor: [string, string] = [range.after, MAX_VERSION];
  let reading: Promise<EventRow[]> | null = readBatch(query, cursor, range.last);
  let current: { streamId: string; projector: DealProjector } | null = null;
  while (reading !== null) {
    const rows: EventRow[] = await reading;
    const last = rows[rows.length - 1];
    if (rows.length === READ_BATCH && last !== undefined) {
      cursor = [last.stream_id, String(last.version)];
      reading = readBatch(query, cursor, range.last);
      reading.catch(() => undefined); // awaited on the next turn
    } else {
      reading = null;
    }
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as EventRow;
      if (current === null || current.streamId !== row.stream_id) {
        if (current !== null) copy.add(current.projector.rows());
        current = { streamId: row.stream_id, projector: new DealProjector(null, null) };
      }
      current.projector.apply(recorded(row, upcast));
      events++;
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    }
  }
  if (current !== null) copy.add(current.projector.rows());
  return { copies: copy.finish(), events };
}

function readBatch(query: EventQuery, [streamId, version]: [string, string], last: string | null): Promise<EventRow[]> {
  return query(
    `select position, stream_id, version::int as version, type, schema_version, data,
            to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
       from es_events
      where (stream_id, version) > ($1::text, $2::bigint) and stream_id like 'deal-%'
        ${last === null ? '' : 'and stream_id <= $4::text'}
      order by stream_id, version
      limit $3`,
    last === null ? [streamId, version, READ_BATCH] : [streamId, version, READ_BATCH, last],
  );
}

function recorded(row: EventRow, upcast: Upcast): RecordedDealEvent {
  return {
    type: row.type,
    data: upcast(row.type, row.schema_version, row.data),
    position: Number(row.position),
    version: row.version,
    recordedAt: row.recorded_at,
  } as unknown as RecordedDealEvent;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
