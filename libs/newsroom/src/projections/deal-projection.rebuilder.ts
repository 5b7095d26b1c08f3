import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EventStore, type JsonObject } from '@app/event-store';
import type { RecordedDealEvent } from '../domain/deal.events';
import { dealIdOfStream } from '../application/command-context';
import { recordedDealEvent } from '../application/deal-events';
import { dealRowWrites, DealProjector, LIVE_TABLES, type DealRows, type DealTables } from './deal.projection';

export type RebuildProgress = (done: number, total: number) => void;

export interface RebuildResult {
  events: number;
  deals: number;
  seconds: number;
}

const NEXT_TABLES: DealTables = { deals: 'deals_next', claims: 'deal_claims_next', timeline: 'deal_timeline_next' };
const TABLE_PAIRS = (Object.keys(LIVE_TABLES) as (keyof DealTables)[]).map((name) => [LIVE_TABLES[name], NEXT_TABLES[name]] as const);

const REBUILD_LOCK = 73_410_002;

/** Events read per query, and rows written per statement (whole deals, so a little more). */
const PAGE = 5_000;
const BATCH_EVENTS = 5_000;
const WRITES_IN_FLIGHT = 2;
/** Each try at the live tables' locks waits this long, well under PostgreSQL's deadlock_timeout. */
const LOCK_TIMEOUT_MS = 100;
const LOCK_ATTEMPTS = 3_000;
const LOCK_NOT_AVAILABLE = '55P03';

interface EventRow {
  stream_id: string;
  version: string;
  position: string;
  type: string;
  schema_version: number;
  data: JsonObject;
  recorded_at: string;
}

/**
 * Rebuilds the deal read models from the log while the API keeps serving:
 * fills empty copies of the tables by replaying every deal stream through the
 * same {@link DealProjector} as the appends, then, holding the live tables
 * exclusively (appends wait), projects again the deals written meanwhile and
 * swaps the copies in.
 */
@Injectable()
export class DealProjectionRebuilder {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async rebuild(onProgress?: RebuildProgress): Promise<RebuildResult> {
    // one rebuild at a time, wherever it runs: a lock held by a connection of its own for the whole run
    const holder = this.dataSource.createQueryRunner();
    try {
      const [{ locked }]: { locked: boolean }[] = await holder.query('select pg_try_advisory_lock($1) as locked', [REBUILD_LOCK]);
      if (!locked) throw new Error('another projection rebuild is running');
      try {
        return await this.run(onProgress);
      } finally {
        for (const [, next] of TABLE_PAIRS) await this.dataSource.query(`drop table if exists ${next}`);
        await holder.query('select pg_advisory_unlock($1)', [REBUILD_LOCK]);
      }
    } finally {
      await holder.release();
    }
  }

  private async run(onProgress?: RebuildProgress): Promise<RebuildResult> {
    const started = process.hrtime.bigint();
    const [{ total }]: { total: string }[] = await this.dataSource.query(`select count(*) as total from es_events where stream_id like 'deal-%'`);
    // the copies' secondary indexes are built once they are filled, not row by row
    const deferred: string[] = [];
    for (const [live, next] of TABLE_PAIRS) {
      await this.dataSource.query(`drop table if exists ${next}`);
      await this.dataSource.query(`create table ${next} (like ${live} including all)`);
      const secondary: { indexname: string; indexdef: string }[] = await this.dataSource.query(
        `select indexname, indexdef from pg_indexes
          where tablename = $1 and indexname not in (select conname from pg_constraint where conrelid = $1::regclass)`,
        [next],
      );
      for (const index of secondary) {
        await this.dataSource.query(`drop index ${index.indexname}`);
        deferred.push(index.indexdef);
      }
    }
    onProgress?.(0, Number(total));
    let events = 0;
    let deals = 0;
    let batch: DealRows = { deals: [], claims: [], timeline: [] };
    let projector: DealProjector | null = null;
    let streamId: string | null = null;
    // writes in flight, each on a connection of its own, while the next events are read and projected
    const writing: Promise<void>[] = [];
    const flush = async () => {
      if (batch.timeline.length === 0) return;
      const rows = batch;
      batch = { deals: [], claims: [], timeline: [] };
      if (writing.length >= WRITES_IN_FLIGHT) await writing.shift();
      const write = this.write(this.dataSource.manager, rows);
      write.catch(() => undefined); // awaited in turn, and at the end
      writing.push(write);
      onProgress?.(events, Number(total));
    };
    const closeDeal = async () => {
      if (projector === null) return;
      append(batch, projector.rows());
      deals++;
      if (batch.timeline.length >= BATCH_EVENTS) await flush();
    };
    let page = this.readPage(['', 0]);
    for (;;) {
      const rows = await page;
      const last = rows[rows.length - 1];
      if (rows.length === PAGE && last !== undefined) page = this.readPage([last.stream_id, Number(last.version)]);
      for (const row of rows) {
        if (row.stream_id !== streamId) {
          await closeDeal();
          projector = new DealProjector();
          streamId = row.stream_id;
        }
        (projector as DealProjector).apply(this.recorded(row));
        events++;
      }
      if (rows.length < PAGE) break;
    }
    await closeDeal();
    await flush();
    await Promise.all(writing);
    await Promise.all(deferred.map((definition) => this.dataSource.query(definition)));
    for (const [, next] of TABLE_PAIRS) await this.dataSource.query(`analyze ${next}`);
    await this.dataSource.transaction(async (manager) => {
      await lockLiveTables(manager);
      events += await this.catchUp(manager);
      for (const [live, next] of TABLE_PAIRS) {
        const names = new Map((await indexesOf(manager, live)).map((index) => [index.shape, index.name]));
        await manager.query(`drop table ${live}`);
        await manager.query(`alter table ${next} rename to ${live}`);
        // the copy's indexes take the live ones' names (`like` named them after the copy)
        for (const index of await indexesOf(manager, live)) {
          const name = names.get(index.shape);
          if (name !== undefined && name !== index.name) await manager.query(`alter index ${index.name} rename to ${name}`);
        }
      }
    });
    onProgress?.(events, Math.max(events, Number(total)));
    return { events, deals, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }

  /** Projects again, whole, each deal whose stream moved past what the copies hold; returns the events it read. */
  private async catchUp(manager: EntityManager): Promise<number> {
    const moved: { stream_id: string }[] = await manager.query(
      `select s.stream_id from es_streams s left join ${NEXT_TABLES.deals} d on d.deal_id::text = substr(s.stream_id, 6)
        where s.stream_id like 'deal-%' and s.version > coalesce(d.version, 0)`,
    );
    let events = 0;
    for (const { stream_id: streamId } of moved) {
      const dealId = dealIdOfStream(streamId);
      for (const table of Object.values(NEXT_TABLES)) await manager.query(`delete from ${table} where deal_id = $1`, [dealId]);
      const projector = new DealProjector();
      const stored = await this.store.readStream(streamId, {}, manager);
      for (const event of stored) projector.apply(recordedDealEvent(event));
      events += stored.length;
      await this.write(manager, projector.rows());
    }
    return events;
  }

  private async write(manager: EntityManager, rows: DealRows): Promise<void> {
    const { ctes, parameters } = dealRowWrites(rows, NEXT_TABLES)(1);
    await manager.query(`with fresh as (select 1), ${ctes} select 1`, parameters);
  }

  /** The deal events after a (stream, version), in stream and version order. */
  private readPage(after: [string, number]): Promise<EventRow[]> {
    const page: Promise<EventRow[]> = this.dataSource.query(
      `select stream_id, version, position, type, schema_version, data,
              to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at
         from es_events
        where stream_id like 'deal-%' and (stream_id, version) > ($1, $2)
        order by stream_id, version limit ${PAGE}`,
      after,
    );
    page.catch(() => undefined); // read ahead: awaited by the loop, unless it stopped on an error of its own
    return page;
  }

  private recorded(row: EventRow): RecordedDealEvent {
    const { data } = this.store.upcasters.upcast(row.type, row.schema_version, row.data);
    return {
      type: row.type,
      data,
      position: Number(row.position),
      version: Number(row.version),
      recordedAt: row.recorded_at,
    } as unknown as RecordedDealEvent;
  }
}

function append(into: DealRows, rows: DealRows): void {
  into.deals.push(...rows.deals);
  into.claims.push(...rows.claims);
  for (const row of rows.timeline) into.timeline.push(row);
}

/**
 * Takes the live tables exclusively, never waiting long enough to be part of
 * a deadlock: a reader may hold one of them while it waits for another, so a
 * lock not had within a short timeout is let go and taken again later.
 */
async function lockLiveTables(manager: EntityManager): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await manager.query('savepoint take_live_tables');
    try {
      await manager.query(`set local lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
      await manager.query(`lock table ${TABLE_PAIRS.map(([live]) => live).join(', ')} in access exclusive mode`);
      await manager.query('set local lock_timeout = 0');
      await manager.query('release savepoint take_live_tables');
      return;
    } catch (error) {
      const code = (error as { driverError?: { code?: string } }).driverError?.code ?? (error as { code?: string }).code;
      if (code !== LOCK_NOT_AVAILABLE || attempt >= LOCK_ATTEMPTS) throw error;
      await manager.query('rollback to savepoint take_live_tables');
      await new Promise((done) => setTimeout(done, Math.random() * LOCK_TIMEOUT_MS));
    }
  }
}

/** A table's indexes, each with its definition less its name (what the copy's index has in common with the original). */
async function indexesOf(manager: EntityManager, table: string): Promise<{ name: string; shape: string }[]> {
  const rows: { indexname: string; indexdef: string }[] = await manager.query(
    'select indexname, indexdef from pg_indexes where tablename = $1',
    [table],
  );
  return rows.map((row) => ({ name: row.indexname, shape: row.indexdef.replace(` ${row.indexname} ON `, ' ON ') }));
}
