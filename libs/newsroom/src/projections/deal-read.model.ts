import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore, type JsonObject, type StoredEvent } from '@app/event-store';
import { ProblemError } from '@app/platform';
import { DealNotFoundError, ClaimNotFoundError } from '../domain';
import { claimView } from '../domain/deal.fold';
import { foldDeal } from '../domain/deal.fold';
import { validTimeline } from '../domain/deal.timeline';
import { canonicalInstant } from '../domain/calendar.util';
import { parseCut, partyKey } from '../domain/claim.record';
import { outletKey } from '../domain/source';
import type { ClaimVerdictState, DealKind, DealStatus, RecordedDealEvent } from '../domain/deal.events';
import type { ClaimView, DealStateView, TimelineEntry } from '../domain/deal.views';
import { assembleDealState, type DealStateHead, type PlacedItem, type StateListField } from '../domain/deal.items';
import { dealStreamId } from '../application/command-context';
import { DealEventCache } from './deal-event.cache';
import { claimRecordOfRow, STORED_CLAIM_COLUMNS, type StoredClaimRow } from './deal-projector';
import { copyTo, sqlInteger, sqlLiteral, type BinaryCopyRow, type CopyClient } from './binary-copy';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface DealFilter {
  status?: DealStatus;
  party?: string;
  kind?: DealKind;
  q?: string;
  limit: number;
  cursor?: string;
}

export interface ClaimFilter {
  verdict?: ClaimVerdictState;
  dealId?: string;
  outlet?: string;
  limit: number;
  cursor?: string;
}

/** Events per query when a deal's stream is read for a fold, and queries in flight. */
const EVENT_PAGE = 2_000;
const PAGES_IN_FLIGHT = 2;
/** Cuts outside this range are left to the fold alone (PostgreSQL's timestamps and the store's clock start there). */
const SQL_CUT_RANGE = [Date.UTC(1970, 0, 1), Date.UTC(9999, 11, 31)] as const;

interface FoldRow {
  type: string;
  schema_version: number;
  data: JsonObject;
  position: string;
  version: string;
  /** As `Date#toISOString` writes it (both keep milliseconds, truncated). */
  recorded_at: string;
}

/** A state item as the state query returns it: [field, sortKey, item]. */
type StoredItem = [StateListField, string, unknown];

function toPlacedItem([field, sortKey, item]: StoredItem): PlacedItem {
  return { field, sortKey, item };
}

/** A claim as lists show it: everything but its event history. */
export type ClaimSummary = Omit<ClaimView, 'history'>;

export function encodeCursor(position: number): string {
  return Buffer.from(JSON.stringify({ after: position })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'number' && Number.isSafeInteger(after) && after >= 0) return after;
  } catch {
    /* fall through */
  }
  throw new ProblemError(400, 'invalid-cursor', 'Bad Request', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'must be a nextCursor value from a previous page' },
  ]);
}

/** The knownAt cut as the fold applies it (a canonical instant); null when there is none or it does not parse. */
function knownUntilOf(cut: { knownAt?: string }): string | null {
  try {
    return parseCut({ knownAt: cut.knownAt }).knownUntil;
  } catch {
    return null;
  }
}

/**
 * The knownAt cut as a bound for SQL, a millisecond past it (the fold applies
 * the exact cut); null when there is none, or when it does not parse (the
 * fold then reports the bad value, after a missing deal's 404 as before).
 */
function recordedUpTo(cut: { knownAt?: string }): string | null {
  const knownUntil = knownUntilOf(cut);
  if (knownUntil === null) return null;
  const instant = Date.parse(`${knownUntil.slice(0, 23)}Z`);
  if (!(instant >= SQL_CUT_RANGE[0] && instant <= SQL_CUT_RANGE[1])) return null;
  return new Date(instant + 1).toISOString();
}

/** Whether an event recorded then is past the knownAt cut, as the fold decides it. */
function recordedAfter(recordedAt: string, knownUntil: string): boolean {
  const instant = canonicalInstant(recordedAt);
  return instant !== null && instant > knownUntil;
}

/** How many of a stream's events (in version order) are recorded at or before the cut: a binary search. */
function knownPrefixLength(events: readonly RecordedDealEvent[], knownUntil: string): number {
  let low = 0;
  let high = events.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (recordedAfter((events[middle] as RecordedDealEvent).recordedAt, knownUntil)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Whether events[from..] carry versions from + 1 on, without gaps (the store promises it; a cache relies on it). */
function continuesStream(events: readonly RecordedDealEvent[], from: number): boolean {
  for (let i = from; i < events.length; i++) {
    if ((events[i] as RecordedDealEvent).version !== i + 1) return false;
  }
  return true;
}

function summary(row: StoredClaimRow): ClaimSummary {
  const { history: _, ...view } = claimView(claimRecordOfRow(row), []);
  return view;
}

/** The read side: current state from the projections, the past from the deal's own events. */
@Injectable()
export class DealReadModel {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly events: DealEventCache,
  ) {}

  /**
   * The deal as it stands, or at a valid time and as known at a recorded time.
   * A cut folds the deal's own events: its cost depends on the deal, not on the store.
   */
  async state(dealId: string, cut: { validAt?: string; knownAt?: string } = {}): Promise<DealStateView> {
    if (cut.validAt === undefined && cut.knownAt === undefined) {
      const rows: { head: DealStateHead; items: StoredItem[] | null }[] = await this.dataSource.query(
        `select head, (select json_agg(json_build_array(field, sort_key, item)) from deal_state_items i where i.deal_id = s.deal_id) as items
           from deal_states s where deal_id = $1`,
        [dealId],
      );
      if (rows.length === 0) throw new DealNotFoundError(dealId);
      return assembleDealState(rows[0].head, (rows[0].items ?? []).map(toPlacedItem));
    }
    const events = await this.dealEvents(dealId, cut);
    if (events.length === 0) throw new DealNotFoundError(dealId);
    const state = foldDeal(events, cut);
    if (state === null) throw new DealNotFoundError(dealId);
    return state;
  }

  async timeline(dealId: string, axis: 'valid' | 'recorded'): Promise<TimelineEntry[]> {
    if (axis === 'recorded') {
      let json = '';
      for await (const chunk of await this.recordedTimelineJson(dealId)) json += chunk;
      return (JSON.parse(json) as { entries: TimelineEntry[] }).entries;
    }
    const events = await this.dealEvents(dealId);
    if (events.length === 0) throw new DealNotFoundError(dealId);
    return validTimeline(events);
  }

  /**
   * `{"entries": [...]}` of the recorded timeline, as JSON text ready to send,
   * in chunks of up to `pageSize` entries (see {@link jsonInPages}): a deal of
   * 100,000 events streams its 40 MB without holding them. The stored entries (as written) are joined without being
   * parsed and serialized again, each given its claim's sources so far
   * (stored only where they change, see `StoredTimelineEntry`). The first page
   * is read before this resolves, so an unknown deal fails before anything is
   * sent. Entries are only ever appended, so pages read by version make one
   * timeline, up to at least the moment of the first page.
   */
  async recordedTimelineJson(dealId: string, pageSize = TIMELINE_PAGE): Promise<AsyncIterable<Buffer>> {
    const known = new ClaimSourceLists();
    let after = 0;
    return jsonInPages('entries', pageSize, () => new DealNotFoundError(dealId), (item) =>
      this.timelinePage(dealId, after, pageSize, (row) => {
        after = writeTimelineEntry(row, known, item());
      }),
    );
  }

  /**
   * The entries after version `after`, up to `limit` of them, each given to
   * `onRow` as it arrives; resolves to how many. Read with a binary COPY, not
   * a query: a query's thousand row objects all live until its last row, and
   * in a server reading such timelines one after another the collector's
   * young collections were copying megabytes of them each time (measured:
   * 8 to 13 MB surviving each, pauses of 30 to 100 ms, the slowest reads);
   * read this way no row outlives its callback.
   */
  private async timelinePage(dealId: string, after: number, limit: number, onRow: (row: BinaryCopyRow) => void): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as CopyClient;
      return await copyTo(
        client,
        `copy (select ${TIMELINE_ENTRY_COLUMNS} from deal_timeline
                where deal_id = ${sqlLiteral(dealId)}::uuid and version > ${sqlInteger(after)}
                order by version limit ${sqlInteger(limit)}) to stdout with (format binary)`,
        onRow,
      );
    } finally {
      await runner.release();
    }
  }

  /**
   * The deal's events for a fold, in version order: versions 1..n of its
   * stream, cut at knownAt when there is a cut (recorded time never goes
   * backwards within a stream, so a cut is a prefix). What {@link DealEventCache}
   * holds is used as is; one small query gives the stream's head and when the
   * first version not held was recorded, and only versions after those held
   * are fetched, and only when the cut reaches them. A knownAt that does not
   * parse reads the whole stream (the fold then reports it).
   */
  private async dealEvents(dealId: string, cut: { knownAt?: string } = {}): Promise<readonly RecordedDealEvent[]> {
    const streamId = dealStreamId(dealId);
    const knownUntil = knownUntilOf(cut);
    let held = this.events.get(streamId);
    const [head]: { version: string; next_recorded_at: string | null }[] = await this.dataSource.query(
      `select s.version,
              to_char(e.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as next_recorded_at
         from es_streams s
         left join es_events e on e.stream_id = s.stream_id and e.version = $2
        where s.stream_id = $1`,
      [streamId, held.length + 1],
    );
    const last = head ? Number(head.version) : 0;
    let nextRecordedAt = head?.next_recorded_at ?? null;
    if (last < held.length) {
      // the store no longer holds what was read from it (a database emptied under this process)
      this.events.forget(streamId);
      held = [];
      nextRecordedAt = null;
    }
    const cutBeforeNext = knownUntil !== null && nextRecordedAt !== null && recordedAfter(nextRecordedAt, knownUntil);
    let events = held;
    if (last > held.length && !cutBeforeNext) {
      const fetched = await this.fetchEvents(streamId, held.length + 1, last, recordedUpTo(cut));
      if (fetched.length > 0) {
        events = held.length === 0 ? fetched : held.concat(fetched);
        if (continuesStream(events, held.length)) this.events.put(streamId, events);
      }
    }
    const known = knownUntil === null ? events.length : knownPrefixLength(events, knownUntil);
    return known === events.length ? events : events.slice(0, known);
  }

  /**
   * Versions `from`..`to` of a stream, recorded up to an instant (the rest are
   * left out). Read by version ranges, each an ordered range scan of
   * (stream_id, version) with only the columns the fold reads, two ranges in
   * flight so PostgreSQL sends one while the other is parsed. In one query, a
   * long stream is planned as a bitmap scan and a sort that spills to disk,
   * in parallel on a large table: the same deal would read slower in a bigger
   * store.
   */
  private async fetchEvents(streamId: string, from: number, to: number, recordedUpTo: string | null): Promise<RecordedDealEvent[]> {
    const pages: RecordedDealEvent[][] = [];
    let next = from;
    let cutReached = false;
    const readPage = async (index: number, first: number, lastOfPage: number): Promise<void> => {
      const rows: FoldRow[] = await this.dataSource.query(
        `select type, schema_version, data, position, version,
                to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
           from es_events
          where stream_id = $1 and version between $2 and $3 and ($4::timestamptz is null or recorded_at <= $4::timestamptz)
          order by version`,
        [streamId, first, lastOfPage, recordedUpTo],
      );
      pages[index] = rows.map((row) => this.toFoldEvent(row));
      if (rows.length < lastOfPage - first + 1) cutReached = true;
    };
    const reader = async (): Promise<void> => {
      while (!cutReached && next <= to) {
        const first = next;
        next += EVENT_PAGE;
        await readPage((first - from) / EVENT_PAGE, first, Math.min(first + EVENT_PAGE - 1, to));
      }
    };
    await Promise.all(Array.from({ length: PAGES_IN_FLIGHT }, reader));
    return pages.flat();
  }

  private toFoldEvent(row: FoldRow): RecordedDealEvent {
    const { data } = this.store.upcasters.upcast(row.type, row.schema_version, row.data);
    return {
      type: row.type,
      data,
      position: Number(row.position),
      version: Number(row.version),
      recordedAt: row.recorded_at,
    } as unknown as RecordedDealEvent;
  }

  /** A page of the deal's claims, in recording order; an unknown deal fails with DealNotFoundError. */
  async dealClaims(dealId: string, page: { limit: number; cursor?: string }): Promise<Page<ClaimSummary>> {
    const claims = await this.claims({ dealId, limit: page.limit, cursor: page.cursor });
    if (claims.items.length === 0) {
      const exists = await this.dataSource.query('select 1 from deal_states where deal_id = $1', [dealId]);
      if (exists.length === 0) throw new DealNotFoundError(dealId);
    }
    return claims;
  }

  /** The claim with every event about it. */
  async claim(claimId: string): Promise<ClaimView> {
    const rows: (StoredClaimRow & { versions: number[] })[] = await this.dataSource.query(
      `select ${STORED_CLAIM_COLUMNS}, versions from deal_claims where claim_id = $1`,
      [claimId],
    );
    if (rows.length === 0) throw new ClaimNotFoundError(claimId);
    const events = await this.dataSource.query(
      `select position, version, type, data, to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
         from es_events where stream_id = $1 and version = any($2::bigint[]) order by version`,
      [dealStreamId(rows[0].deal_id), rows[0].versions],
    );
    const history = events.map((e: { position: string; version: string; type: string; data: unknown; recorded_at: string }) => ({
      type: e.type,
      data: e.data,
      position: Number(e.position),
      version: Number(e.version),
      recordedAt: e.recorded_at,
    }));
    return claimView(claimRecordOfRow(rows[0]), history as never);
  }

  async deals(filter: DealFilter): Promise<Page<DealStateView>> {
    const where = ['opened_position > $1'];
    const params: unknown[] = [decodeCursor(filter.cursor)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('status = ?', filter.status);
    if (filter.kind) add('kind = ?', filter.kind);
    if (filter.party) add('party_keys @> array[?::text]', partyKey(filter.party));
    if (filter.q) add(`title ilike ? escape '\\'`, `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    params.push(filter.limit + 1);
    const rows: { deal_id: string; head: DealStateHead; opened_position: string }[] = await this.dataSource.query(
      `select deal_id, head, opened_position from deal_states where ${where.join(' and ')} order by opened_position limit $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const items = new Map<string, PlacedItem[]>(page.map((r) => [r.deal_id, []]));
    if (page.length > 0) {
      const found: { deal_id: string; field: StateListField; sort_key: string; item: unknown }[] = await this.dataSource.query(
        'select deal_id, field, sort_key, item from deal_state_items where deal_id = any($1::uuid[])',
        [page.map((r) => r.deal_id)],
      );
      for (const row of found) items.get(row.deal_id)?.push({ field: row.field, sortKey: row.sort_key, item: row.item });
    }
    return {
      items: page.map((r) => assembleDealState(r.head, items.get(r.deal_id) ?? [])),
      nextCursor: rows.length > filter.limit ? encodeCursor(Number(page[page.length - 1].opened_position)) : null,
    };
  }

  async claims(filter: ClaimFilter): Promise<Page<ClaimSummary>> {
    const where = ['position > $1'];
    const params: unknown[] = [decodeCursor(filter.cursor)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.verdict) add('verdict = ?', filter.verdict);
    if (filter.dealId) add('deal_id = ?', filter.dealId);
    if (filter.outlet) add('outlet_keys @> array[?::text]', outletKey(filter.outlet));
    params.push(filter.limit + 1);
    const rows: StoredClaimRow[] = await this.dataSource.query(
      `select ${STORED_CLAIM_COLUMNS} from deal_claims where ${where.join(' and ')} order by position limit $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    return {
      items: page.map(summary),
      nextCursor: rows.length > filter.limit ? encodeCursor(Number(page[page.length - 1].position)) : null,
    };
  }

  /**
   * A page of the deal's raw events, in version order after the cursor, with
   * actor, recordedAt, position and hash: `{"items": [...], "nextCursor": ...}`
   * as JSON text ready to send, the events written straight into its bytes.
   * An unknown deal fails with DealNotFoundError.
   */
  async auditTrailJson(dealId: string, page: { limit: number; cursor?: string }): Promise<AsyncIterable<Buffer>> {
    const after = decodeCursor(page.cursor);
    const streamId = dealStreamId(dealId);
    const events = await this.store.readStream(streamId, { fromVersion: after + 1, toVersion: after + page.limit + 1 });
    if (events.length === 0 && (await this.store.streamVersion(streamId)) === 0) throw new DealNotFoundError(dealId);
    const items = events.slice(0, page.limit);
    const last = items[items.length - 1];
    const nextCursor = events.length > page.limit && last !== undefined ? encodeCursor(last.version) : null;
    const out = new JsonBytes().write('{"items":[');
    items.forEach((event, i) => out.write(i === 0 ? '' : ',').write(auditEventJson(event)));
    const json = out.write(`],"nextCursor":${JSON.stringify(nextCursor)}}`).take();
    return (async function* () {
      yield json;
    })();
  }
}

/**
 * Writes the next page of a list into the response, each item after `item()`
 * (which writes the comma between items and returns the writer); resolves to
 * how many items it wrote.
 */
type PageWriter = (item: () => JsonBytes) => Promise<number>;

/**
 * `{"<field>":[...]}` as UTF-8 JSON, one chunk per page, items written
 * straight into the chunk's bytes (see {@link JsonBytes}) as they are read.
 * The first page is written before this resolves (none at all fails with
 * `missing()`, before anything is sent); each page after it is read when the
 * chunk before it has been taken, and the closing brackets ride on the last
 * chunk, so a list shorter than a page is one chunk.
 */
async function jsonInPages(field: string, pageSize: number, missing: () => Error, writePage: PageWriter): Promise<AsyncIterable<Buffer>> {
  const out = new JsonBytes().write(`{"${field}":[`);
  let separator = '';
  const item = () => {
    out.write(separator);
    separator = ',';
    return out;
  };
  let written = await writePage(item);
  if (written === 0) throw missing();
  return (async function* () {
    while (written === pageSize) {
      yield out.take();
      written = await writePage(item);
    }
    yield out.write(']}').take();
  })();
}

/**
 * Buffers for JSON responses, kept for the next ones once a response has been
 * sent: a recorded timeline of a thousand claims is a megabyte, and a new one
 * outside the heap per request brings V8's next collection forward (external
 * memory counts toward it), in the middle of a later request. Only buffers
 * this pool allocated come back, each once; a few are kept.
 */
export class SpareBuffers {
  private readonly spare: Buffer[] = [];
  private readonly allocated = new WeakSet<ArrayBuffer>();

  constructor(
    private readonly keep = 4,
    private readonly largest = 8 * 1024 * 1024,
  ) {}

  /** A buffer of at least `bytes`, kept or new. */
  take(bytes: number): Buffer {
    const i = this.spare.findIndex((buffer) => buffer.length >= bytes);
    if (i >= 0) return this.spare.splice(i, 1)[0] as Buffer;
    // never from Buffer's shared pool: a buffer given back must be the whole of its memory
    const buffer = Buffer.allocUnsafeSlow(bytes);
    this.allocated.add(buffer.buffer as ArrayBuffer);
    return buffer;
  }

  /** The buffer (or a chunk of it) back, once nothing will read it again. */
  give(chunk: Buffer): void {
    const memory = chunk.buffer as ArrayBuffer;
    if (!this.allocated.has(memory) || memory.byteLength > this.largest) return;
    if (this.spare.some((buffer) => buffer.buffer === memory)) return;
    this.spare.push(Buffer.from(memory));
    if (this.spare.length > this.keep) this.spare.shift();
  }
}

/** The buffers of JSON responses written by this process (see {@link jsonResponseSent}). */
const responseBuffers = new SpareBuffers();

/** Buffers allocated as needed and left to the collector. */
const unpooled = new SpareBuffers(0);

/**
 * A response's chunk has been sent (its socket write is done) and will not be
 * read again: its memory serves the next response.
 */
export function jsonResponseSent(chunk: Buffer): void {
  responseBuffers.give(chunk);
}

/**
 * JSON text written as UTF-8 into a buffer that grows as needed. A response
 * of a thousand entries built as strings is pieces joined into one string,
 * copied once to flatten it and once more to encode it, with the pieces left
 * to the collector; its bytes are written here once, outside the heap.
 */
export class JsonBytes {
  private buffer: Buffer = Buffer.alloc(0);
  private at = 0;
  /** What the next buffer starts with: 64 KiB, or as much as the last chunk took (pages are alike). */
  private capacity = 64 * 1024;

  constructor(private readonly buffers: SpareBuffers = responseBuffers) {}

  write(text: string): this {
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    this.room(text.length * 3);
    this.at += this.buffer.write(text, this.at, 'utf8');
    return this;
  }

  /** How many bytes have been written since the last take. */
  get length(): number {
    return this.at;
  }

  /** Bytes written since the last take, `start` to `end`: a view, valid until the next write. */
  view(start: number, end: number): Buffer {
    return this.buffer.subarray(start, end);
  }

  /** Bytes already encoded, as they are. */
  writeBytes(bytes: Buffer): this {
    this.room(bytes.length);
    this.at += bytes.copy(this.buffer, this.at);
    return this;
  }

  /** The bytes written so far; the writer starts again empty. */
  take(): Buffer {
    const bytes = this.buffer.subarray(0, this.at);
    this.capacity = Math.max(this.capacity, this.at);
    this.buffer = Buffer.alloc(0);
    this.at = 0;
    return bytes;
  }

  /** Grows fourfold: a timeline of a thousand entries is a megabyte, reached in three steps. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = this.buffer.length === 0 ? this.capacity : this.buffer.length * 4;
    const larger = this.buffers.take(Math.max(grown, this.at + bytes));
    this.buffer.copy(larger, 0, 0, this.at);
    // not taken yet, so nothing else holds it
    if (this.buffer.length > 0) this.buffers.give(this.buffer);
    this.buffer = larger;
  }
}

function auditEventJson(e: StoredEvent): string {
  return JSON.stringify({
    position: e.position,
    version: e.version,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    actor: { keyId: e.metadata.actorId ?? null, roles: e.metadata.actorRoles ?? [] },
    metadata: e.metadata,
    recordedAt: e.recordedAt.toISOString(),
    hash: e.hash,
  });
}

/** Recorded timeline entries read per query. */
const TIMELINE_PAGE = 5_000;

/** The columns {@link writeTimelineEntry} reads, in its order. */
const TIMELINE_ENTRY_COLUMNS = 'version, position, event_type, claim_id::text, sources, entry';

/**
 * Each claim's sources so far while a recorded timeline is written (the
 * UTF-8 text between the brackets of a JSON array), looked up by claim id and
 * kept as bytes outside the heap, ids included: the index holds numbers
 * only. Kept as strings in a map, a thousand claims' ids and lists live as
 * long as the request, and with timelines read one after another each young
 * collection was copying about 8 MB of them (pauses of 30 to 50 ms, the
 * 1,000-claim timeline's slowest reads); kept this way, about 1 MB (2 to 7 ms).
 */
export class ClaimSourceLists {
  /** Hash of a claim id → its latest entry; entries of one hash chain. */
  private readonly heads = new Map<number, number>();
  /** Per claim: id start, id end (in `bytes`), its list's last segment or -1, the hash's next entry or -1. */
  private readonly entries: number[] = [];
  /**
   * Per segment of a list: start, end (in `bytes`), the list's segment before
   * or -1. An added source is a segment more, so a claim of many sources
   * holds each once, not each list it was part of.
   */
  private readonly segments: number[] = [];
  private readonly order: number[] = [];
  private readonly bytes = new JsonBytes(unpooled);

  /** The bytes held, ids and lists. */
  get size(): number {
    return this.bytes.length;
  }

  /** The claim's list is now `list`. */
  set(claimId: Buffer, list: Buffer): void {
    const entry = this.entry(claimId);
    this.entries[entry + 2] = this.segment(list, -1);
  }

  /** The claim's list is now what it was, then `more`. */
  append(claimId: Buffer, more: Buffer): void {
    const entry = this.entry(claimId);
    this.entries[entry + 2] = this.segment(more, this.entries[entry + 2] as number);
  }

  /** Writes the claim's list, its segments joined by commas (nothing for a claim not seen). */
  writeTo(claimId: Buffer, out: JsonBytes): void {
    const entry = this.find(claimId);
    if (entry < 0) return;
    this.order.length = 0;
    for (let segment = this.entries[entry + 2] as number; segment >= 0; segment = this.segments[segment + 2] as number) this.order.push(segment);
    let first = true;
    for (let i = this.order.length - 1; i >= 0; i--) {
      const segment = this.order[i] as number;
      const [start, end] = [this.segments[segment] as number, this.segments[segment + 1] as number];
      if (start === end) continue;
      if (!first) out.write(',');
      out.writeBytes(this.bytes.view(start, end));
      first = false;
    }
  }

  private find(claimId: Buffer): number {
    for (let entry = this.heads.get(claimKeyHash(claimId)) ?? -1; entry >= 0; entry = this.entries[entry + 3] as number) {
      if (claimId.equals(this.bytes.view(this.entries[entry] as number, this.entries[entry + 1] as number))) return entry;
    }
    return -1;
  }

  private entry(claimId: Buffer): number {
    const found = this.find(claimId);
    if (found >= 0) return found;
    const hash = claimKeyHash(claimId);
    const start = this.write(claimId);
    const entry = this.entries.length;
    this.entries.push(start, this.bytes.length, -1, this.heads.get(hash) ?? -1);
    this.heads.set(hash, entry);
    return entry;
  }

  private segment(bytes: Buffer, before: number): number {
    const start = this.write(bytes);
    const segment = this.segments.length;
    this.segments.push(start, this.bytes.length, before);
    return segment;
  }

  /** Copies the bytes in; returns where they start. */
  private write(bytes: Buffer): number {
    const start = this.bytes.length;
    this.bytes.writeBytes(bytes);
    return start;
  }
}


/** FNV-1a of the bytes, cut to 30 bits (a small integer, to V8). */
export function claimKeyHash(bytes: Buffer): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash & 0x3fffffff;
}

/** The bytes between the first `open` and the last `close`, JSON whitespace trimmed: a document's members or items. */
function between(json: Buffer, open: number, close: number): Buffer {
  let from = json.indexOf(open) + 1;
  let to = json.lastIndexOf(close);
  while (from < to && isJsonSpace(json[from] as number)) from++;
  while (to > from && isJsonSpace(json[to - 1] as number)) to--;
  return json.subarray(from, Math.max(from, to));
}

function isJsonSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

const NO_BYTES = Buffer.alloc(0);

/**
 * Writes the entry's JSON: the fields its row's columns hold, the stored
 * entry, and its claim's sources so far, which `known` keeps up to date.
 * The stored texts go from the row's bytes to the response's without being
 * decoded into strings. Returns the entry's version.
 */
function writeTimelineEntry(row: BinaryCopyRow, known: ClaimSourceLists, out: JsonBytes): number {
  const version = row.int4();
  const position = row.int8();
  const type = row.text();
  const claimId = row.nullNext() ? null : row.bytes();
  const stored = row.nullNext() ? NO_BYTES : between(row.bytes(), 0x5b, 0x5d);
  const rest = between(row.bytes(), 0x7b, 0x7d);
  out.write(`{"eventType":${JSON.stringify(type)},"claimId":`);
  if (claimId === null) out.write('null');
  else out.write('"').writeBytes(claimId).write('"');
  out.write(`,"position":${position},"version":${version}`);
  if (rest.length > 0) out.write(',').writeBytes(rest);
  out.write(',"sources":[');
  if (claimId === null) {
    out.writeBytes(stored);
  } else if (type === 'ClaimRecorded') {
    known.set(claimId, stored);
    out.writeBytes(stored);
  } else {
    if (type === 'ClaimSourceAdded' && stored.length > 0) known.append(claimId, stored);
    known.writeTo(claimId, out);
  }
  out.write(']}');
  return version;
}
