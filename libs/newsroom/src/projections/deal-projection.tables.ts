import type { EntityManager } from 'typeorm';
import type { StoredEvent } from '@app/event-store';
import type { ClaimRecord } from '../domain/claim.record';
import type { RecordedDealEvent } from '../domain/deal.events';
import type { DealStateHead } from '../domain/deal.items';
import { IncrementalDealState } from '../domain/deal.timeline';
import { claimRecordOfRow, DealRow, isRelevant, ProjectionRows, STORED_CLAIM_COLUMNS, StoredClaimRow, toStoredEntry } from './deal-projector';
import { partyKey } from '../domain/claim.record';
import { BinaryCopyWriter, type CopyBufferPool } from './binary-copy';

/** Inline projections hold it shared; a rebuild takes it exclusively to swap tables. */
export const PROJECTION_LOCK = 73_410_001;

/** `start` and `order_key` repeat the record's, for reports that order claims in SQL. */
const CLAIM_COLUMNS = 'claim_id, deal_id, position, kind, verdict, relevant, outlet_keys, start, order_key, record, versions';
const STATE_COLUMNS = 'deal_id, version, title, kind, status, party_keys, head, opened_position, last_position, last_recorded_at';
const ITEM_COLUMNS = 'deal_id, field, item_key, sort_key, item';
const TIMELINE_COLUMNS = 'deal_id, version, position, event_type, claim_id, sources, entry';

export const PROJECTION_TABLES = ['deal_states', 'deal_state_items', 'deal_claims', 'deal_timeline'] as const;

/**
 * Each table's JSON documents: read whole, never searched or sorted on, so
 * the planner has no use for statistics of them (and gathering the jsonb
 * ones' cost as much as the rest of the table's).
 */
export const PROJECTION_DOCUMENTS: Readonly<Record<(typeof PROJECTION_TABLES)[number], readonly string[]>> = {
  deal_states: ['head'],
  deal_state_items: ['item'],
  deal_claims: ['record'],
  deal_timeline: ['entry', 'sources'],
};

export function toRecordedEvent(event: StoredEvent): RecordedDealEvent {
  return {
    type: event.type,
    data: event.data,
    position: event.position,
    version: event.version,
    recordedAt: event.recordedAt.toISOString(),
  } as unknown as RecordedDealEvent;
}

interface DealStateRow {
  head: DealStateHead;
  opened_position: string;
  last_position: string;
  last_recorded_at: Date;
}

const DEAL_ROW_COLUMNS = 'head, opened_position, last_position, last_recorded_at';

function dealRowOf(dealId: string, row: DealStateRow): DealRow {
  return {
    dealId,
    version: row.head.version,
    header: { dealId, title: row.head.title, kind: row.head.kind, parties: row.head.parties },
    head: row.head,
    openedPosition: Number(row.opened_position),
    lastPosition: Number(row.last_position),
    lastRecordedAt: row.last_recorded_at.toISOString(),
  };
}

/** What the projector resumes from: the deal's row and its working set (null for a deal not projected yet). */
export interface WorkingSet {
  deal: DealRow | null;
  state: IncrementalDealState | null;
}

/**
 * The working sets of recently written deals, so the next append to a deal does
 * not load its claims again. An entry is taken out when used and put back
 * after a write, and is used only when the deal row still ends at the
 * position it was cached for (positions are never reused, so a rolled back
 * append or another process's write makes it miss, never lie).
 */
export class WorkingSetCache {
  private readonly entries = new Map<string, { lastPosition: number; state: IncrementalDealState }>();

  constructor(private readonly capacity: number) {}

  take(dealId: string, lastPosition: number): IncrementalDealState | undefined {
    const entry = this.entries.get(dealId);
    this.entries.delete(dealId);
    return entry && entry.lastPosition === lastPosition ? entry.state : undefined;
  }

  /**
   * Keeps a deal's working set for its next append, less the touched claims
   * that set nothing now (and that no held denial contradicts): the cached
   * set stays the size of the state, not of the deal's history.
   */
  put(dealId: string, lastPosition: number, state: IncrementalDealState, touched: Iterable<string>): void {
    for (const claimId of touched) {
      const record = state.record(claimId);
      if (record !== undefined && !isRelevant(record) && !state.isDenialTarget(claimId)) state.forget(claimId);
    }
    this.entries.set(dealId, { lastPosition, state });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/**
 * Reads and writes the deal read models, in the live tables or in the copies a
 * rebuild fills (`_next`).
 */
export class DealProjectionTables {
  readonly states: string;
  readonly items: string;
  readonly claims: string;
  readonly timeline: string;

  constructor(readonly suffix = '') {
    this.states = `deal_states${suffix}`;
    this.items = `deal_state_items${suffix}`;
    this.claims = `deal_claims${suffix}`;
    this.timeline = `deal_timeline${suffix}`;
  }

  /** What the projector needs for one deal: its row, its relevant claims, the claims named, denial targets. */
  async loadWorkingSet(
    manager: EntityManager,
    dealId: string,
    claimIds: string[],
  ): Promise<WorkingSet> {
    const [deals, claims]: [DealStateRow[], StoredClaimRow[]] = await Promise.all([
      manager.query(
        `select ${DEAL_ROW_COLUMNS} from ${this.states} where deal_id = $1`,
        [dealId],
      ),
      manager.query(
        `select claim_id, deal_id, position, kind, record::json as record from ${this.claims} where deal_id = $1 and (relevant or claim_id = any($2::uuid[]))
         union all
         select t.claim_id, t.deal_id, t.position, t.kind, t.record::json from ${this.claims} d join ${this.claims} t on t.claim_id = (d.record::json->>'contradicts')::uuid
          where d.deal_id = $1 and d.relevant and d.kind = 'denial' and not t.relevant and not t.claim_id = any($2::uuid[])`,
        [dealId, claimIds],
      ),
    ]);
    // read as json, the records are parsed as their rows arrive, while the server sends the rest
    const records = new Map(claims.map((row) => [row.claim_id, claimRecordOfRow(row)]));
    await this.loadDenialTargets(manager, records, (id) => records.has(id));
    if (!deals[0]) return { deal: null, state: null };
    const deal = dealRowOf(dealId, deals[0]);
    return { deal, state: IncrementalDealState.of(deal.header, records.values()) };
  }

  /**
   * The working set from the cache when the deal row still ends where the cache
   * left it: then only the named claims the cache lacks are read. Undefined on a miss.
   */
  async loadCachedWorkingSet(
    manager: EntityManager,
    dealId: string,
    claimIds: string[],
    cache: WorkingSetCache,
  ): Promise<WorkingSet | undefined> {
    const rows: DealStateRow[] = await manager.query(`select ${DEAL_ROW_COLUMNS} from ${this.states} where deal_id = $1`, [dealId]);
    if (rows.length === 0) return undefined;
    const state = cache.take(dealId, Number(rows[0].last_position));
    if (!state) return undefined;
    const missing = claimIds.filter((id) => state.record(id) === undefined);
    if (missing.length > 0) {
      const records = new Map<string, ClaimRecord>();
      await this.loadRecords(manager, missing, records);
      await this.loadDenialTargets(manager, records, (id) => records.has(id) || state.record(id) !== undefined);
      for (const record of records.values()) state.add(record);
    }
    return { deal: dealRowOf(dealId, rows[0]), state };
  }

  /**
   * A denial in the working set that does not count today may count after the
   * next event (a new verdict), and then the claim it contradicts must be there.
   */
  private async loadDenialTargets(manager: EntityManager, records: Map<string, ClaimRecord>, held: (claimId: string) => boolean): Promise<void> {
    const missing = new Set<string>();
    for (const record of records.values()) {
      if (record.kind === 'denial' && record.contradicts !== null && !held(record.contradicts)) missing.add(record.contradicts);
    }
    if (missing.size > 0) await this.loadRecords(manager, [...missing], records);
  }

  /** The records of these claims, into `records`. */
  private async loadRecords(manager: EntityManager, claimIds: string[], records: Map<string, ClaimRecord>): Promise<void> {
    const found: StoredClaimRow[] = await manager.query(`select ${STORED_CLAIM_COLUMNS} from ${this.claims} where claim_id = any($1::uuid[])`, [
      claimIds,
    ]);
    for (const row of found) records.set(row.claim_id, claimRecordOfRow(row));
  }

  async write(manager: EntityManager, { deals, claims, timeline, items, removedItems }: ProjectionRows): Promise<void> {
    if (deals.length > 0) {
      await manager.query(
        `insert into ${this.states} (${STATE_COLUMNS})
         select ${STATE_COLUMNS}
           from jsonb_to_recordset($1::jsonb) as r(deal_id uuid, version integer, title text, kind text, status text,
                party_keys text[], head jsonb, opened_position bigint, last_position bigint, last_recorded_at timestamptz)
         on conflict (deal_id) do update set version = excluded.version, title = excluded.title, kind = excluded.kind,
           status = excluded.status, party_keys = excluded.party_keys, head = excluded.head,
           last_position = excluded.last_position, last_recorded_at = excluded.last_recorded_at`,
        [
          JSON.stringify(
            deals.map((d) => ({
              deal_id: d.dealId,
              version: d.version,
              title: d.head.title,
              kind: d.head.kind,
              status: d.head.status,
              party_keys: d.head.parties.map((p) => partyKey(p.name)),
              head: d.head,
              opened_position: d.openedPosition,
              last_position: d.lastPosition,
              last_recorded_at: d.lastRecordedAt,
            })),
          ),
        ],
      );
    }
    if (claims.length > 0) {
      await manager.query(
        `insert into ${this.claims} as c (${CLAIM_COLUMNS})
         select ${CLAIM_COLUMNS}
           from json_to_recordset($1::json) as r(claim_id uuid, deal_id uuid, position bigint, kind text, verdict text,
                relevant boolean, outlet_keys text[], start text, order_key text, record json, versions integer[])
         on conflict (claim_id) do update set kind = excluded.kind, verdict = excluded.verdict,
           relevant = excluded.relevant, outlet_keys = excluded.outlet_keys, start = excluded.start,
           order_key = excluded.order_key, record = excluded.record,
           versions = c.versions || excluded.versions`,
        [
          JSON.stringify(
            claims.map((c) => ({
              claim_id: c.claimId,
              deal_id: c.dealId,
              position: c.position,
              kind: c.kind,
              verdict: c.verdict,
              relevant: c.relevant,
              outlet_keys: c.outletKeys,
              start: c.start,
              order_key: c.orderKey,
              record: c.record,
              versions: c.versions,
            })),
          ),
        ],
      );
    }
    if (removedItems.length > 0) {
      await manager.query(
        `delete from ${this.items} i using jsonb_to_recordset($1::jsonb) as r(deal_id uuid, field text, item_key text)
          where i.deal_id = r.deal_id and i.field = r.field and i.item_key = r.item_key`,
        [JSON.stringify(removedItems.map((r) => ({ deal_id: r.dealId, field: r.field, item_key: r.key })))],
      );
    }
    if (items.length > 0) {
      await manager.query(
        `insert into ${this.items} (${ITEM_COLUMNS})
         select ${ITEM_COLUMNS}
           from jsonb_to_recordset($1::jsonb) as r(deal_id uuid, field text, item_key text, sort_key text, item jsonb)
         on conflict (deal_id, field, item_key) do update set sort_key = excluded.sort_key, item = excluded.item`,
        [JSON.stringify(items.map((i) => ({ deal_id: i.dealId, field: i.field, item_key: i.key, sort_key: i.sortKey, item: i.item })))],
      );
    }
    if (timeline.length > 0) {
      await manager.query(
        `insert into ${this.timeline} (${TIMELINE_COLUMNS})
         select ${TIMELINE_COLUMNS}
           from json_to_recordset($1::json) as r(deal_id uuid, version integer, position bigint, event_type text, claim_id uuid,
                sources json, entry json)`,
        [
          JSON.stringify(
            timeline.map((t) => {
              const stored = toStoredEntry(t.entry);
              return {
                deal_id: t.dealId,
                version: t.version,
                position: t.position,
                event_type: t.entry.eventType,
                claim_id: t.entry.claimId,
                sources: stored.sources,
                entry: stored.entry,
              };
            }),
          ),
        ],
      );
    }
  }

  /** A bulk load of new rows into these tables (a rebuild's empty copies). */
  bulkLoad(pool?: CopyBufferPool): ProjectionCopy {
    return new ProjectionCopy(this, pool);
  }
}

/** One COPY statement and its data. */
export interface CopyData {
  sql: string;
  chunks: Buffer[];
}

/**
 * The same rows as {@link DealProjectionTables.write} stores, as binary `COPY ...
 * FROM STDIN` data, for bulk loads into empty tables (a rebuild): no upsert,
 * no JSON document of the whole batch for PostgreSQL to parse before it
 * parses each row's own, no text to unescape.
 */
export class ProjectionCopy {
  private readonly states: BinaryCopyWriter;
  private readonly claims: BinaryCopyWriter;
  private readonly items: BinaryCopyWriter;
  private readonly timeline: BinaryCopyWriter;

  constructor(
    private readonly tables: DealProjectionTables,
    pool?: CopyBufferPool,
  ) {
    this.states = new BinaryCopyWriter(pool);
    this.claims = new BinaryCopyWriter(pool);
    this.items = new BinaryCopyWriter(pool);
    this.timeline = new BinaryCopyWriter(pool);
  }

  add({ deals, claims, timeline, items, removedItems }: ProjectionRows): void {
    if (removedItems.length > 0) throw new Error('COPY loads new rows only: nothing to remove');
    for (const d of deals) {
      this.states
        .row(10)
        .uuid(d.dealId)
        .int4(d.version)
        .text(d.head.title)
        .text(d.head.kind)
        .text(d.head.status)
        .textArray(d.head.parties.map((p) => partyKey(p.name)))
        .jsonb(JSON.stringify(d.head))
        .int8(d.openedPosition)
        .int8(d.lastPosition)
        .timestamptz(d.lastRecordedAt);
    }
    for (const c of claims) {
      this.claims
        .row(11)
        .uuid(c.claimId)
        .uuid(c.dealId)
        .int8(c.position)
        .text(c.kind)
        .text(c.verdict)
        .bool(c.relevant)
        .textArray(c.outletKeys)
        .text(c.start)
        .text(c.orderKey)
        .text(JSON.stringify(c.record))
        .int4Array(c.versions);
    }
    for (const i of items) {
      this.items.row(5).uuid(i.dealId).text(i.field).text(i.key).text(i.sortKey).jsonb(JSON.stringify(i.item));
    }
    for (const t of timeline) {
      const stored = toStoredEntry(t.entry);
      this.timeline
        .row(7)
        .uuid(t.dealId)
        .int4(t.version)
        .int8(t.position)
        .text(t.entry.eventType)
        .nullableUuid(t.entry.claimId)
        .nullableText(stored.sources === null ? null : JSON.stringify(stored.sources))
        .text(JSON.stringify(stored.entry));
    }
  }

  /** The COPY statements of the tables that got rows; the writer is done. */
  finish(): CopyData[] {
    const copies: CopyData[] = [];
    const add = (writer: BinaryCopyWriter, table: string, columns: string) => {
      if (writer.rows > 0) copies.push({ sql: `copy ${table} (${columns}) from stdin with (format binary, freeze)`, chunks: writer.finish() });
    };
    add(this.states, this.tables.states, STATE_COLUMNS);
    add(this.claims, this.tables.claims, CLAIM_COLUMNS);
    add(this.items, this.tables.items, ITEM_COLUMNS);
    add(this.timeline, this.tables.timeline, TIMELINE_COLUMNS);
    return copies;
  }
}
