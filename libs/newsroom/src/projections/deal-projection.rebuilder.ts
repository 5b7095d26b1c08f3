import { Inject, Injectable, Optional } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { EventStore, type JsonObject } from '@app/event-store';
import { copyFrom, CopyBufferPool, memoryOf, type CopyClient } from './binary-copy';
import { DealProjectionTables, PROJECTION_DOCUMENTS, PROJECTION_LOCK, PROJECTION_TABLES, type CopyData } from './deal-projection.tables';
import { projectRange, type ProjectedRange, type StreamRange } from './deal-rebuild.range';
import { connectionOf, FoldThread, rebuildThreadOptions, type RebuildThreadOptions } from './deal-rebuild.threads';
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
/** Injection token of the {@link RebuildThreadOptions} (default: from the environment). */
export const REBUILD_THREAD_OPTIONS = Symbol('REBUILD_THREAD_OPTIONS');
/** Catch-up rounds before the swap does the rest under the lock. */
const MAX_CATCH_UP_ROUNDS = 20;
/** Lagging deals projected per catch-up transaction. */
const CATCH_UP_CHUNK = 50;
/** PostgreSQL's error codes for a lock wait past lock_timeout, and for a deadlock. */
const LOCK_NOT_AVAILABLE = '55P03';
const DEADLOCK_DETECTED = '40P01';
/** Swaps tried when a reader's table lock makes one wait past its lock timeout, or a deadlock ends one. */
const SWAP_ATTEMPTS = 5;
/** Folded ranges waiting to be written, per fold lane, before the lanes wait for the writer. */
const WRITES_QUEUED_PER_LANE = 2;
/** Memory for each index build: enough to sort a large table's keys without spilling. */
const INDEX_BUILD_MEMORY = '128MB';
/** Connections a table's indexes are built on at once. */
const INDEX_CHAINS = 2;

/** Where ranges of deal streams are folded: a thread, or this process. */
interface FoldLane {
  project(range: StreamRange): Promise<ProjectedRange>;
  /** Takes back the memory of rows it folded, once they are written. */
  sent(memory: Set<ArrayBufferLike>): void;
  close(): Promise<void>;
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
 * 1. a first pass splits the deal streams into ranges of some thousands of
 *    events, folds them in threads (one per core; see deal-rebuild.worker),
 *    each reading its ranges on its own connection and keeping one
 *    DealProjector per stream while its events come, and loads the rows
 *    they send back, as binary COPY data, into the empty copies in one
 *    transaction; indexes are built afterwards, and the copies analysed;
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

  private readonly threads: RebuildThreadOptions;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    @Optional() @Inject(REBUILD_THREAD_OPTIONS) threads?: RebuildThreadOptions,
  ) {
    this.threads = threads ?? rebuildThreadOptions();
  }

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
        await this.indexAndAnalyzeNext();
        for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
          if ((await this.catchUp(this.dataSource.manager, progress)) === 0) break;
        }
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
      // no autovacuum on the copies until they are live: the rebuild analyses them itself, and
      // an autovacuum holding one while the swap renames it could deadlock with the swap
      await this.dataSource.query(
        `create table ${table}${NEXT} (like ${table} including all excluding indexes) with (autovacuum_enabled = false)`,
      );
    }
  }

  /**
   * The live table's indexes, built on the loaded copy under `<name>_next`:
   * faster than maintaining them row by row. Each table's go on up to
   * INDEX_CHAINS connections at once (every build scans the table, and
   * deal_claims has six), beside the other tables'; then the copy's primary
   * key and unique constraints are made from their indexes, and the copy is
   * analysed, all but its JSON documents (what the catch-up adds is too
   * little to count).
   */
  private async indexAndAnalyzeNext(): Promise<void> {
    await Promise.all(
      PROJECTION_TABLES.map(async (table) => {
        const indexes = await this.indexesOf(table);
        const chains = Array.from({ length: Math.min(INDEX_CHAINS, indexes.length) }, (_, chain) =>
          indexes.filter((_index, i) => i % INDEX_CHAINS === chain),
        );
        await Promise.all(
          chains.map((chain) =>
            this.dataSource.transaction(async (manager) => {
              await manager.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
              // the builds go on side by side already: parallel workers for each would only compete with them
              await manager.query('set local max_parallel_maintenance_workers = 0');
              for (const index of chain) await manager.query(nextIndexDefinition(index, table));
            }),
          ),
        );
        await this.dataSource.transaction(async (manager) => {
          for (const { name, constraint_definition: definition } of indexes) {
            if (definition === null) continue;
            // a plain key, all its index holds (anything more, deferrable say, would be lost)
            const kind = /^(PRIMARY KEY|UNIQUE) \([^()]*\)$/.exec(definition)?.[1];
            if (kind === undefined) throw new Error(`cannot copy constraint ${name}: ${definition}`);
            await manager.query(`alter table ${table}${NEXT} add constraint ${name}${NEXT} ${kind} using index ${name}${NEXT}`);
          }
          const [{ columns }]: { columns: string }[] = await manager.query(
            `select string_agg(quote_ident(attname), ', ' order by attnum) as columns
               from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and not attname = any($2::text[])`,
            [`${table}${NEXT}`, PROJECTION_DOCUMENTS[table]],
          );
          await manager.query(`analyze ${table}${NEXT} (${columns})`);
        });
      }),
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
   * (b) Every deal event, folded range by range in the fold lanes (threads,
   * or this process for a small store), the rows of each range copied in on
   * a connection of its own while the next ranges are folded. The writer's
   * one transaction empties the tables and loads them: COPY then writes
   * frozen, all-visible rows, so nothing rewrites the pages afterwards (the
   * index builds would otherwise set every row's hint bits).
   */
  private async firstPass(progress: Progress): Promise<void> {
    const ranges = await this.streamRanges();
    const threaded = this.threads.threads > 0 && this.threads.script !== null && progress.total >= this.threads.minEvents;
    const lanes = threaded ? this.startThreads(Math.min(this.threads.threads, ranges.length)) : [this.inProcessLane()];
    const writer = this.dataSource.createQueryRunner();
    try {
      const client = (await writer.connect()) as CopyClient;
      await writer.startTransaction();
      await writer.query(`truncate ${PROJECTION_TABLES.map((table) => `${table}${NEXT}`).join(', ')}`);
      let writing: Promise<void> = Promise.resolve();
      let queued = 0;
      const write = (copies: CopyData[], events: number, lane: FoldLane): void => {
        queued++;
        writing = writing.then(async () => {
          for (const { sql, chunks } of copies) await copyFrom(client, sql, chunks);
          lane.sent(memoryOf(copies.flatMap(({ chunks }) => chunks)));
          queued--;
          progress.add(events);
        });
        writing.catch(() => undefined); // awaited by the lanes and below: not an unhandled rejection meanwhile
      };
      let failed = false;
      const fold = async (lane: FoldLane): Promise<void> => {
        try {
          for (let range = ranges.shift(); range !== undefined && !failed; range = ranges.shift()) {
            const { copies, events } = await lane.project(range);
            write(copies, events, lane);
            while (queued > WRITES_QUEUED_PER_LANE * lanes.length) await writing;
          }
        } catch (error) {
          failed = true; // the other lanes take no more ranges
          throw error;
        }
      };
      await Promise.all(lanes.map(fold));
      await writing;
      await writer.commitTransaction();
    } catch (error) {
      if (writer.isTransactionActive) await writer.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await Promise.all(lanes.map((lane) => lane.close()));
      await writer.release();
    }
  }

  /**
   * The deal streams cut into consecutive ranges of about `rangeEvents` events
   * (by the stream versions now); the last range is open-ended, so streams
   * opened meanwhile are in one too.
   */
  private async streamRanges(): Promise<StreamRange[]> {
    const rows: { last: string }[] = await this.dataSource.query(
      `select max(stream_id) as last
         from (select stream_id, sum(version) over (order by stream_id) as upto
                 from es_streams where stream_id like 'deal-%') s
        group by ceil(upto / $1::numeric)
        order by last`,
      [this.threads.rangeEvents],
    );
    const ranges: StreamRange[] = [];
    let after = 'deal-';
    for (const { last } of rows.slice(0, -1)) {
      ranges.push({ after, last });
      after = last;
    }
    ranges.push({ after, last: null });
    return ranges;
  }

  private startThreads(count: number): FoldLane[] {
    const data = { connection: connectionOf(this.dataSource), suffix: NEXT };
    return Array.from({ length: count }, () => new FoldThread(this.threads.script as string, data));
  }

  /** Folds ranges here, reading them on a connection of its own, set up as a thread's. */
  private inProcessLane(): FoldLane {
    const reader = new pg.Client(connectionOf(this.dataSource));
    let connected: Promise<CopyClient> | null = null;
    const upcast = (type: string, version: number, data: JsonObject) => this.store.upcasters.upcast(type, version, data).data;
    const pool = new CopyBufferPool();
    return {
      project: async (range) => projectRange(await (connected ??= reader.connect().then(() => reader as unknown as CopyClient)), upcast, this.next, range, pool),
      sent: (memory) => pool.give(memory),
      close: async () => {
        if (connected !== null) await reader.end();
      },
    };
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

  /**
   * (d) Under the projection lock, taken exclusively: the last catch-up, then
   * the copies take the live tables' names (and their indexes the live
   * indexes' names). The old tables are renamed aside and dropped after the
   * commit: dropping gigabytes of files at commit would hold appends back.
   * A swap that waits too long for a reader's table lock, or that another
   * session's locks deadlock with, gives up and tries again, so appends are
   * never held back for long.
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
          for (const table of PROJECTION_TABLES) renames.push(`alter table ${table} reset (autovacuum_enabled)`);
          for (const rename of renames) await manager.query(rename);
          return { deals: count, applied: caughtUp };
        });
        progress.add(applied);
        await this.dropOldTables();
        return deals;
      } catch (error) {
        const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code;
        if ((code !== LOCK_NOT_AVAILABLE && code !== DEADLOCK_DETECTED) || attempt >= SWAP_ATTEMPTS) throw error;
      }
    }
  }

  private async dropOldTables(): Promise<void> {
    await this.dataSource.query(`drop table if exists ${PROJECTION_TABLES.map((table) => `${table}${OLD}`).join(', ')}`);
  }
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
    /** Events to project, as far as known. */
    public total: number,
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

