import { Injectable } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { DataSource, type EntityManager } from 'typeorm';
import { EventStore, type JsonObject } from '@app/event-store';
import type { RecordedDealEvent } from '../domain/deal.events';
import { DealProjector } from './deal-projector';
import { DealProjectionTables, PROJECTION_LOCK, PROJECTION_TABLES } from './deal-projection.tables';
import { projectInto } from './deal-state.projection';

export interface RebuildResult {
  /** Events projected: the first pass and every catch-up. */
  events: number;
  /** Deals in the tables swapped in. */
  deals: number;
  seconds: number;
}

/** `done` events projected of `total` in the deal streams (total grows while appends go on). */
export type RebuildProgress = (done: number, total: number) => void;

/** Held for the whole rebuild (session lock): one rebuild at a time, whichever process starts it. */
export const REBUILD_LOCK = PROJECTION_LOCK + 1;

const NEXT = '_next';
/** The replaced tables, between the swap and their drop. */
const OLD = '_old';
/**
 * Events read per query of the first pass (the next one is read while these
 * are projected). Small enough that parsed rows die young: 20,000 at a time
 * were promoted to the old generation and cost about a sixth of the rate.
 */
const READ_BATCH = 1_000;
/** Catch-up rounds before the swap does the rest under the lock. */
const MAX_CATCH_UP_ROUNDS = 20;
/** Lagging deals projected per catch-up transaction. */
const CATCH_UP_CHUNK = 50;
/** Swaps tried when a reader's table lock makes one wait past its lock timeout. */
const SWAP_ATTEMPTS = 5;
/** COPY data written at a time in the first pass. */
const WRITE_BATCH_BYTES = 32 << 20;
/** Memory for each index build: enough to sort a large table's keys without spilling. */
const INDEX_BUILD_MEMORY = '128MB';
/** Events projected between two turns of the event loop in the first pass. */
const YIELD_EVERY = 500;

interface EventRow {
  position: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: JsonObject;
  /** As `Date#toISOString` writes it (the store keeps milliseconds). */
  recorded_at: string;
}

interface IndexRow {
  name: string;
  definition: string;
  constraint_definition: string | null;
}

/**
 * Replays the deal streams into fresh copies of the deal read models
 * (`deal_states_next`, `deal_claims_next`, `deal_timeline_next`) and swaps
 * them in while the API keeps serving and recording:
 *
 * 1. a first pass reads the deal events in (stream, version) order, keeps one
 *    {@link DealProjector} per stream while its events come, and loads the
 *    rows with COPY into the empty copies, indexes built afterwards;
 * 2. catch-up rounds apply what was appended meanwhile, deal by deal, the way
 *    the inline projection does (`projectInto`), until nothing lags;
 * 3. one transaction takes the projection lock exclusively (it waits for the
 *    appends in flight and holds back new ones), catches up once more, and
 *    renames the live tables aside and the copies, indexes included, to the
 *    live names. Appends waiting on the lock then project into the new
 *    tables; the old ones are dropped after the commit.
 */
@Injectable()
export class DealProjectionRebuilder {
  private readonly next = new DealProjectionTables(NEXT);

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async rebuild(onProgress?: RebuildProgress): Promise<RebuildResult> {
    const started = performance.now();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }]: { locked: boolean }[] = await runner.query('select pg_try_advisory_lock($1) as locked', [REBUILD_LOCK]);
      if (!locked) throw new Error('another projection rebuild is running');
      try {
        const progress = new Progress(onProgress, await this.totalEvents());
        await this.createNextTables();
        await this.firstPass(progress);
        await this.createNextIndexes();
        for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
          if ((await this.catchUp(this.dataSource.manager, progress)) === 0) break;
        }
        await this.analyzeNext();
        const deals = await this.swap(progress);
        return { events: progress.done, deals, seconds: (performance.now() - started) / 1000 };
      } finally {
        // a session that ended has released its lock already
        if (!runner.isReleased) await runner.query('select pg_advisory_unlock($1)', [REBUILD_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }

  private async totalEvents(manager: EntityManager = this.dataSource.manager): Promise<number> {
    const [row]: { total: string }[] = await manager.query(
      `select coalesce(sum(version), 0) as total from es_streams where stream_id like 'deal-%'`,
    );
    return Number(row.total);
  }

  /** (a) Empty copies of the live tables: same columns, defaults and constraints; indexes come after the load. */
  private async createNextTables(): Promise<void> {
    await this.dropOldTables(); // left by a rebuild that stopped after its swap
    for (const table of PROJECTION_TABLES) {
      await this.dataSource.query(`drop table if exists ${table}${NEXT}`);
      await this.dataSource.query(`create table ${table}${NEXT} (like ${table} including all excluding indexes)`);
    }
  }

  /**
   * The live table's indexes (and the constraints they back), built on the
   * loaded copy under `<name>_next`: faster than maintaining them row by row.
   * One connection per table, so the large tables' indexes build side by side.
   */
  private async createNextIndexes(): Promise<void> {
    await Promise.all(
      PROJECTION_TABLES.map((table) =>
        this.dataSource.transaction(async (manager) => {
          await manager.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
          for (const index of await this.indexesOf(table, manager)) {
            await manager.query(
              index.constraint_definition === null
                ? nextIndexDefinition(index, table)
                : `alter table ${table}${NEXT} add constraint ${index.name}${NEXT} ${index.constraint_definition}`,
            );
          }
        }),
      ),
    );
  }

  private async indexesOf(table: string, manager: EntityManager = this.dataSource.manager): Promise<IndexRow[]> {
    return manager.query(
      `select i.relname as name, pg_get_indexdef(x.indexrelid) as definition,
              case when c.contype in ('p', 'u') then pg_get_constraintdef(c.oid) end as constraint_definition
         from pg_index x
         join pg_class i on i.oid = x.indexrelid
         left join pg_constraint c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
        where x.indrelid = $1::regclass
        order by i.relname`,
      [table],
    );
  }

  /**
   * (b) Every deal event in (stream, version) order, in keyset-paginated
   * batches. Each deal's rows are encoded for COPY as soon as its stream
   * ends; the next batch is read while this one is projected, and rows are
   * copied in (on a connection of their own) while the next ones are
   * projected. The loop yields to the event loop often, so the writer and
   * the reader are answered while it works.
   */
  private async firstPass(progress: Progress): Promise<void> {
    const writer = this.dataSource.createQueryRunner();
    const client = (await writer.connect()) as CopyClient;
    // one transaction that empties the tables and loads them: COPY then writes
    // frozen, all-visible rows, so nothing rewrites the pages afterwards (the
    // index builds would otherwise set every row's hint bits)
    await writer.startTransaction();
    try {
      await writer.query(`truncate ${PROJECTION_TABLES.map((table) => `${table}${NEXT}`).join(', ')}`);
      let cursor: [string, number] = ['deal-', 0];
      let reading: Promise<EventRow[]> | null = this.readBatch(cursor);
      let writing: Promise<void> = Promise.resolve();
      let current: { streamId: string; projector: DealProjector; events: number } | null = null;
      let pending = new Pending();

      const flush = (): void => {
        if (current === null) return;
        const rows = current.projector.rows();
        pending.add(this.next.copyData(rows), current.events);
        current = null;
      };
      const write = async (batch: Pending): Promise<void> => {
        await writing;
        writing = (async () => {
          for (const [sql, buffer] of batch.copies) await copyFrom(client, `${sql} with (freeze)`, buffer.finish());
          progress.add(batch.events);
        })();
        writing.catch(() => undefined); // awaited later: not an unhandled rejection meanwhile
      };

      while (reading !== null) {
        const rows: EventRow[] = await reading;
        const last = rows[rows.length - 1];
        if (rows.length === READ_BATCH && last !== undefined) {
          cursor = [last.stream_id, last.version];
          reading = this.readBatch(cursor);
          reading.catch(() => undefined); // awaited on the next turn
        } else {
          reading = null;
        }
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i] as EventRow;
          if (current === null || current.streamId !== row.stream_id) {
            flush();
            current = { streamId: row.stream_id, projector: new DealProjector(null, null), events: 0 };
          }
          current.projector.apply(this.toRecorded(row));
          current.events++;
          if (i % YIELD_EVERY === YIELD_EVERY - 1) {
            await yieldToEventLoop();
          }
        }
        if (reading === null) flush();
        if (pending.bytes >= WRITE_BATCH_BYTES || (reading === null && pending.events > 0)) {
          await write(pending);
          pending = new Pending();
        }
      }
      await writing;
      await writer.commitTransaction();
    } catch (error) {
      await writer.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await writer.release();
    }
  }

  private readBatch([streamId, version]: [string, number]): Promise<EventRow[]> {
    return this.dataSource.query(
      `select position, stream_id, version::int as version, type, schema_version, data,
              to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
         from es_events
        where (stream_id, version) > ($1::text, $2::bigint) and stream_id like 'deal-%'
        order by stream_id, version
        limit $3`,
      [streamId, version, READ_BATCH],
    );
  }

  private toRecorded(row: EventRow): RecordedDealEvent {
    const { data } = this.store.upcasters.upcast(row.type, row.schema_version, row.data);
    return {
      type: row.type,
      data,
      position: Number(row.position),
      version: row.version,
      recordedAt: row.recorded_at,
    } as unknown as RecordedDealEvent;
  }

  /**
   * (c) Deals whose stream is ahead of their `_next` row: their missing events
   * are applied as the inline projection applies them. Returns the events applied.
   */
  private async catchUp(manager: EntityManager, progress: Progress | null, inTransaction = false): Promise<number> {
    const lagging: { stream_id: string; done: number }[] = await manager.query(
      `select s.stream_id, coalesce(n.version, 0)::int as done
         from es_streams s
         left join ${this.next.states} n on n.deal_id = substr(s.stream_id, 6)::uuid
        where s.stream_id like 'deal-%' and s.version > coalesce(n.version, 0)
        order by s.stream_id`,
    );
    if (lagging.length === 0) return 0;
    progress?.grow(await this.totalEvents(manager));
    let applied = 0;
    for (let i = 0; i < lagging.length; i += CATCH_UP_CHUNK) {
      const chunk = lagging.slice(i, i + CATCH_UP_CHUNK);
      const project = async (m: EntityManager): Promise<number> => {
        let count = 0;
        for (const { stream_id, done } of chunk) {
          const events = await this.store.readStream(stream_id, { fromVersion: done + 1 }, m);
          await projectInto(this.next, m, events);
          count += events.length;
        }
        return count;
      };
      const count = inTransaction ? await project(manager) : await this.dataSource.transaction(project);
      progress?.add(count);
      applied += count;
    }
    return applied;
  }

  private async analyzeNext(): Promise<void> {
    for (const table of PROJECTION_TABLES) await this.dataSource.query(`analyze ${table}${NEXT}`);
  }

  /**
   * (d) Under the projection lock, taken exclusively: the last catch-up, then
   * the copies take the live tables' names (and their indexes the live
   * indexes' names). The old tables are renamed aside and dropped after the
   * commit: dropping gigabytes of files at commit would hold appends back.
   * A swap that waits too long for a reader's table lock gives up and tries
   * again, so appends are never held back for long.
   */
  private async swap(progress: Progress): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { deals, applied } = await this.dataSource.transaction(async (manager) => {
          await manager.query(`set local lock_timeout = '5s'`);
          await manager.query('select pg_advisory_xact_lock($1)', [PROJECTION_LOCK]);
          const caughtUp = await this.catchUp(manager, null, true);
          const [{ count }]: { count: number }[] = await manager.query(`select count(*)::int as count from ${this.next.states}`);
          const renames: string[] = [];
          for (const table of PROJECTION_TABLES) {
            const indexes = await this.indexesOf(table, manager);
            renames.unshift(`alter table ${table} rename to ${table}${OLD}`);
            for (const index of indexes) renames.unshift(`alter index ${index.name} rename to ${index.name}${OLD}`);
            renames.push(`alter table ${table}${NEXT} rename to ${table}`);
            for (const index of indexes) renames.push(`alter index ${index.name}${NEXT} rename to ${index.name}`);
          }
          for (const rename of renames) await manager.query(rename);
          return { deals: count, applied: caughtUp };
        });
        progress.add(applied);
        await this.dropOldTables();
        return deals;
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code;
        if (code !== '55P03' || attempt >= SWAP_ATTEMPTS) throw error;
      }
    }
  }

  private async dropOldTables(): Promise<void> {
    await this.dataSource.query(`drop table if exists ${PROJECTION_TABLES.map((table) => `${table}${OLD}`).join(', ')}`);
  }
}

/**
 * Rows waiting to be written: per COPY statement, its lines packed into
 * buffers as they come (off the JavaScript heap, so the strings die young),
 * and the number of events they come from.
 */
class Pending {
  readonly copies = new Map<string, CopyBuffer>();
  events = 0;
  bytes = 0;

  add(copies: { sql: string; lines: string[] }[], events: number): void {
    for (const { sql, lines } of copies) {
      let buffer = this.copies.get(sql);
      if (buffer === undefined) this.copies.set(sql, (buffer = new CopyBuffer()));
      for (const line of lines) this.bytes += buffer.line(line);
    }
    this.events += events;
  }
}

/** COPY text data in chunks of about COPY_CHUNK bytes. */
class CopyBuffer {
  readonly chunks: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(COPY_CHUNK);
  private used = 0;

  /** Appends a line; returns its size in bytes. */
  line(text: string): number {
    // UTF-8 takes at most 3 bytes per UTF-16 unit
    if (this.used + text.length * 3 + 1 > COPY_CHUNK) {
      this.seal();
      if (text.length * 3 + 1 > COPY_CHUNK) {
        const whole = Buffer.from(`${text}\n`);
        this.chunks.push(whole);
        return whole.length;
      }
    }
    const bytes = this.chunk.write(text, this.used);
    this.used += bytes;
    this.chunk[this.used++] = 0x0a;
    return bytes + 1;
  }

  /** The chunks, the last one included. */
  finish(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  private seal(): void {
    if (this.used === 0) return;
    this.chunks.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(COPY_CHUNK);
    this.used = 0;
  }
}

/** The parts of a pg client (and its connection) a COPY FROM STDIN needs. */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

interface CopyClient {
  query(submittable: CopyFrom): unknown;
}

/** Bytes of COPY data per message. */
const COPY_CHUNK = 1 << 20;

/**
 * `COPY ... FROM STDIN` through pg's Submittable interface (the one its
 * cursors and pg-copy-streams use): the lines are sent once the server asks
 * for them; resolves when the server is ready again.
 */
class CopyFrom {
  readonly finished: Promise<void>;
  private settle!: (error?: Error) => void;

  constructor(
    private readonly sql: string,
    private readonly chunks: Buffer[],
  ) {
    this.finished = new Promise<void>((resolve, reject) => {
      let settled = false;
      this.settle = (error) => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve();
      };
    });
  }

  submit(connection: CopyConnection): void {
    connection.query(this.sql);
  }

  handleCopyInResponse(connection: CopyConnection): void {
    for (const chunk of this.chunks) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleError(error: Error): void {
    this.settle(error);
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}

async function copyFrom(client: CopyClient, sql: string, chunks: Buffer[]): Promise<void> {
  const copy = new CopyFrom(sql, chunks);
  client.query(copy);
  await copy.finished;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `CREATE INDEX name ON schema.table ...` of the live table, for the copy: `name_next` on `table_next`. */
function nextIndexDefinition(index: IndexRow, table: string): string {
  const match = /^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)( USING .*)$/s.exec(index.definition);
  if (match === null || match[2] !== index.name || !new RegExp(`(^|\\.)${table}$`).test(match[4] as string)) {
    throw new Error(`cannot copy index ${index.name}: ${index.definition}`);
  }
  return `${match[1]}${index.name}${NEXT}${match[3]}${match[4]}${NEXT}${match[5]}`;
}

class Progress {
  done = 0;

  constructor(
    private readonly report: RebuildProgress | undefined,
    private total: number,
  ) {
    report?.(0, total);
  }

  add(events: number): void {
    this.done += events;
    this.total = Math.max(this.total, this.done);
    this.report?.(this.done, this.total);
  }

  grow(total: number): void {
    this.total = Math.max(this.total, total, this.done);
  }
}

