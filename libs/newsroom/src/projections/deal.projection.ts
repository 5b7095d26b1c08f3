import type { InlineWrite } from '@app/event-store';
import { claimFactsOf, claimRecordOf, partyKey, type ClaimFacts, type ClaimRecord } from '../domain/claim.record';
import { deriveDealState } from '../domain/deal.derivation';
import type { RecordedDealEvent } from '../domain/deal.events';
import { canSetState, IncrementalDealState } from '../domain/deal.timeline';
import type { ClaimCounts, DealStateView, TimelineEntry } from '../domain/deal.views';
import { outletKey } from '../domain/source';

/**
 * The deal read models, written in the same statement as each append and by
 * the rebuild, both through {@link DealProjector}:
 * - `deals`: one document per deal, its current state (DESIGN 2.5), with the
 *   columns the deal list filters on;
 * - `deal_claims`: one row per claim, its facts, for the claim lists and for
 *   the working set a command resumes the projection from;
 * - `deal_timeline`: one row per event, its entry of the recorded timeline.
 */
export interface DealTables {
  deals: string;
  claims: string;
  timeline: string;
}

export const LIVE_TABLES: DealTables = { deals: 'deals', claims: 'deal_claims', timeline: 'deal_timeline' };

/** What a deal's projection resumes from: its document and the claims its state can depend on. */
export interface ProjectedDeal {
  state: DealStateView;
  openedPosition: number;
  records: ClaimRecord[];
}

/** The rows of the three tables, keyed by column name. */
export interface DealRows {
  deals: DealRow[];
  claims: ClaimRow[];
  timeline: TimelineRow[];
}

export interface DealRow {
  deal_id: string;
  version: number;
  title: string;
  kind: string;
  status: string;
  party_keys: string[];
  opened_position: number;
  state: DealStateView;
}

export interface ClaimRow {
  claim_id: string;
  deal_id: string;
  position: number;
  verdict: string;
  relevant: boolean;
  /** The first-reporting outlets: their keys, and each key's first spelling. */
  outlet_keys: string[];
  outlet_names: string[];
  /** The versions of this write's events about the claim; they extend those stored. */
  versions: number[];
  record: ClaimFacts;
}

export interface TimelineRow {
  deal_id: string;
  version: number;
  position: number;
  /** The entry's `actorId`, which reads of the timeline look names up by. */
  actor_id: string;
  entry: TimelineEntry;
}

const NO_CLAIMS: ClaimCounts = { total: 0, unreviewed: 0, confirmed: 0, disputed: 0, false: 0, unverifiable: 0, retracted: 0 };

/**
 * One deal's projection: events go through the domain's incremental state,
 * which gives each its timeline entry; the document is derived once, from the
 * claims held, when the rows are asked for. A command resumes it from the
 * deal's working set; a rebuild starts it empty at each stream's first event.
 */
export class DealProjector {
  private readonly state: IncrementalDealState;
  private readonly counts: { -readonly [K in keyof ClaimCounts]: number };
  private readonly touched = new Map<string, number[]>();
  private readonly timeline: TimelineRow[] = [];
  private openedPosition: number | null;
  private last: RecordedDealEvent | null = null;

  constructor(previous: ProjectedDeal | null = null) {
    const header = previous && {
      dealId: previous.state.id,
      title: previous.state.title,
      kind: previous.state.kind,
      parties: previous.state.parties,
    };
    this.state = header ? IncrementalDealState.of(header, previous.records) : new IncrementalDealState();
    this.counts = { ...(previous?.state.claimCounts ?? NO_CLAIMS) };
    this.openedPosition = previous?.openedPosition ?? null;
  }

  apply(event: RecordedDealEvent): void {
    if (this.state.dealHeader === null && event.type !== 'DealOpened') {
      throw new Error(`event ${event.position} of a deal that was never opened`);
    }
    const claimId = event.type === 'DealOpened' ? null : event.data.claimId;
    const before = claimId === null ? undefined : this.state.record(claimId);
    const { entry } = this.state.apply(event);
    const after = claimId === null ? undefined : this.state.record(claimId);
    if (claimId !== null && after !== undefined && after !== before) {
      if (before) this.counts[before.verdict]--;
      else this.counts.total++;
      this.counts[after.verdict]++;
      const versions = this.touched.get(claimId);
      if (versions) versions.push(event.version);
      else this.touched.set(claimId, [event.version]);
    }
    this.openedPosition ??= event.position;
    this.last = event;
    this.timeline.push({ deal_id: this.dealId(), version: event.version, position: event.position, actor_id: entry.actorId, entry });
  }

  rows(): DealRows {
    const header = this.state.dealHeader;
    const last = this.last;
    if (header === null || last === null) return { deals: [], claims: [], timeline: [] };
    const derived = deriveDealState(header, this.state.records(), {
      version: last.version,
      lastRecordedAt: last.recordedAt,
      asOf: { validAt: null, knownAt: null },
    });
    const state: DealStateView = { ...derived, claimCounts: { ...this.counts } };
    const claims: ClaimRow[] = [];
    for (const [claimId, versions] of this.touched) {
      const record = this.state.record(claimId) as ClaimRecord;
      const outlets = new Map<string, string>();
      for (const { outlet } of record.sources) if (!outlets.has(outletKey(outlet))) outlets.set(outletKey(outlet), outlet);
      claims.push({
        claim_id: claimId,
        deal_id: header.dealId,
        position: record.position,
        verdict: record.verdict,
        relevant: canSetState(record),
        outlet_keys: [...outlets.keys()],
        outlet_names: [...outlets.values()],
        versions,
        record: claimFactsOf(record),
      });
    }
    const deal: DealRow = {
      deal_id: header.dealId,
      version: last.version,
      title: header.title,
      kind: header.kind,
      status: state.status,
      party_keys: header.parties.map((party) => partyKey(party.name)),
      opened_position: this.openedPosition as number,
      state,
    };
    return { deals: [deal], claims, timeline: this.timeline };
  }

  /** What the next command on the deal can resume from: the document `rows` derived and every claim held. */
  projected(rows: DealRows): ProjectedDeal | null {
    const [deal] = rows.deals;
    return deal ? { state: deal.state, openedPosition: deal.opened_position, records: [...this.state.records()] } : null;
  }

  private dealId(): string {
    return (this.state.dealHeader as { dealId: string }).dealId;
  }
}

/**
 * The statements that write rows into the tables, as CTEs of one statement
 * (see `InlineWrite`: they write only when the CTE `fresh` has a row). A
 * claim's later rows replace its facts and extend its list of versions.
 */
export function dealRowWrites(rows: DealRows, tables: DealTables = LIVE_TABLES): InlineWrite {
  const { deals, claims, timeline } = tables;
  return (first) => ({
    ctes: `
      deal_rows as (
        insert into ${deals} select r.* from fresh, json_populate_recordset(null::${deals}, $${first}::json) r
        on conflict (deal_id) do update set version = excluded.version, title = excluded.title, kind = excluded.kind,
          status = excluded.status, party_keys = excluded.party_keys, state = excluded.state),
      claim_rows as (
        insert into ${claims} select r.* from fresh, json_populate_recordset(null::${claims}, $${first + 1}::json) r
        on conflict (claim_id) do update set verdict = excluded.verdict, relevant = excluded.relevant,
          outlet_keys = excluded.outlet_keys, outlet_names = excluded.outlet_names, versions = ${claims}.versions || excluded.versions, record = excluded.record),
      timeline_rows as (
        insert into ${timeline} select r.* from fresh, json_populate_recordset(null::${timeline}, $${first + 2}::json) r)`,
    parameters: [JSON.stringify(rows.deals), JSON.stringify(rows.claims), JSON.stringify(rows.timeline)],
  });
}

/**
 * Selects what a command resumes a deal's projection from: the document, and
 * the claims that can set something, the claims named (`$2`, uuid[]), and the
 * claims their denials contradict. Selected from a row `t` whose `deal_id` is
 * the deal's. When the deal is still at the version the caller holds (`$4`,
 * integer or null), only the version and the claims named (with their
 * targets) are sent: the caller has the rest.
 */
const HELD = `exists (select from deals h where h.deal_id = t.deal_id and h.version = $4::integer)`;
export const WORKING_SET_COLUMNS = `
  (select json_build_object('version', d.version, 'state', case when d.version = $4::integer then null else d.state end,
     'openedPosition', d.opened_position) from deals d where d.deal_id = t.deal_id) as deal,
  (select coalesce(json_agg(w.record), '[]') from (
     select c.record from deal_claims c where c.deal_id = t.deal_id and ((c.relevant and not ${HELD}) or c.claim_id = any($2::uuid[]))
     union all
     select x.record from deal_claims c join deal_claims x on x.claim_id = (c.record->>'contradicts')::uuid
      where c.deal_id = t.deal_id and ((c.relevant and not ${HELD}) or c.claim_id = any($2::uuid[]))
        and not x.relevant and not x.claim_id = any($2::uuid[])
   ) w) as records`;

export interface WorkingSetRow {
  /** `state` null: the deal is at the version the caller holds. */
  deal: { version: number; state: DealStateView | null; openedPosition: string | number } | null;
  records: ClaimFacts[];
}

/**
 * The projected deal from a row of {@link WORKING_SET_COLUMNS}, over `held`
 * when the row says the caller's copy is current; null for a deal not opened yet.
 */
export function projectedDealOf(row: WorkingSetRow, held: ProjectedDeal | null = null): ProjectedDeal | null {
  if (row.deal === null) return null;
  const current = row.deal.state === null ? held : null;
  if (row.deal.state === null && current === null) throw new Error(`no projection held for version ${row.deal.version}`);
  const records = new Map<string, ClaimRecord>();
  for (const record of current?.records ?? []) records.set(record.claimId, record);
  for (const facts of row.records) records.set(facts.claimId, claimRecordOf(facts));
  return { state: current?.state ?? (row.deal.state as DealStateView), openedPosition: Number(row.deal.openedPosition), records: [...records.values()] };
}
