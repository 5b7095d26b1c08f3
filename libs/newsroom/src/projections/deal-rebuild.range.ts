import type { JsonObject } from '@app/event-store/event-store.types';
import type { RecordedDealEvent } from '../domain/deal.events';
import { copyTo, sqlLiteral, type BinaryCopyRow, type CopyBufferPool, type CopyClient } from './binary-copy';
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

export type Upcast = (type: string, schemaVersion: number, data: JsonObject) => JsonObject;

/**
 * Replays the deal streams of a range, read in (stream, version) order with
 * one binary `COPY ... TO STDOUT` and folded as the rows arrive, one
 * {@link DealProjector} per stream while its events come; each deal's rows
 * are encoded for COPY into `tables` as soon as its stream ends. The same
 * code runs in a rebuild's threads and, for small stores, in the rebuilding
 * process itself.
 *
 * Binary COPY rather than queries in keyset-paginated batches: per million
 * events it costs the server about 2.5 s instead of 4.5 (no timestamp
 * formatting, no query per thousand rows; jsonb as text, which the server
 * sends faster than jsonb's own binary form) and the reader 2.5 s less (no
 * row objects, the timestamp read as a number).
 */
export async function projectRange(
  client: CopyClient,
  upcast: Upcast,
  tables: DealProjectionTables,
  range: StreamRange,
  pool?: CopyBufferPool,
): Promise<ProjectedRange> {
  const copy = tables.bulkLoad(pool);
  let streamId = '';
  let projector: DealProjector | null = null;
  const events = await copyTo(client, `copy (${rangeEventsQuery(range)}) to stdout with (format binary)`, (row: BinaryCopyRow) => {
    const position = row.int8();
    const stream = row.text();
    const version = row.int4();
    const type = row.text();
    const schemaVersion = row.int4();
    const data = row.json() as JsonObject;
    const recordedAt = row.timestamptz();
    if (projector === null || stream !== streamId) {
      if (projector !== null) copy.add(projector.rows());
      streamId = stream;
      projector = new DealProjector(null, null);
    }
    projector.apply({ type, data: upcast(type, schemaVersion, data), position, version, recordedAt } as unknown as RecordedDealEvent);
  });
  if (projector !== null) copy.add((projector as DealProjector).rows());
  return { copies: copy.finish(), events };
}

/**
 * The events of a range, in (stream, version) order. COPY takes no
 * parameters: the range's bounds are written as literals. The order names the
 * table's columns (the output's `version` is a cast): it is the stream index's.
 */
export function rangeEventsQuery({ after, last }: StreamRange): string {
  return `select position, stream_id, version::int4, type, schema_version::int4, data::text, recorded_at
      from es_events e
     where stream_id > ${sqlLiteral(after)} ${last === null ? '' : `and stream_id <= ${sqlLiteral(last)}`} and stream_id like 'deal-%'
     order by e.stream_id, e.version`;
}
