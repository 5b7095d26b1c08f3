import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { foldDeal, partyKey, type DealStateView } from '../domain';
import { recordedDealEvent } from '../application/deal-events';
import { dealStreamId } from '../application/command-context';
import type { DealRow } from '../projections/deal.projection';

/** A deal whose read model differs from a fold of its events, and the fields that differ. */
export interface DealDrift {
  dealId: string;
  fields: string[];
}

type DealRowRead = Omit<DealRow, 'opened_position'>;

const BATCH = 200;

/**
 * Folds every deal from its events with the domain's `foldDeal` and compares
 * the result with what readers are served: the `deals` document field by
 * field, and the columns the deal list filters on. `projection` names a deal
 * with events but no row, `events` a row with no events.
 */
@Injectable()
export class DealDriftCheck {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {}

  async check(progress?: (done: number, total: number) => void): Promise<DealDrift[]> {
    const ids: { deal_id: string }[] = await this.dataSource.query(`
      select substr(stream_id, 6) as deal_id from es_streams where stream_id like 'deal-%' and version > 0
      union
      select deal_id::text from deals
      order by 1`);
    const drift: DealDrift[] = [];
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH).map((r) => r.deal_id);
      const rows: DealRowRead[] = await this.dataSource.query(
        'select deal_id::text as deal_id, version, title, kind, status, party_keys, state from deals where deal_id::text = any($1::text[])',
        [batch],
      );
      const byId = new Map(rows.map((r) => [r.deal_id, r]));
      const streams = await this.store.readStreams(batch.map(dealStreamId));
      for (const dealId of batch) {
        const events = streams.get(dealStreamId(dealId)) ?? [];
        const fields = compare(events.length ? safeFold(events.map(recordedDealEvent)) : null, byId.get(dealId));
        if (fields.length > 0) drift.push({ dealId, fields });
      }
      progress?.(Math.min(i + BATCH, ids.length), ids.length);
    }
    progress?.(ids.length, ids.length);
    return drift;
  }
}

function safeFold(events: Parameters<typeof foldDeal>[0]): DealStateView | null | 'unfoldable' {
  try {
    return foldDeal(events);
  } catch {
    return 'unfoldable';
  }
}

function compare(folded: DealStateView | null | 'unfoldable', row: DealRowRead | undefined): string[] {
  if (folded === 'unfoldable') return ['events'];
  if (folded === null) return row ? ['events'] : [];
  if (!row) return ['projection'];
  const fields = new Set<string>();
  const stored = row.state as unknown as Record<string, unknown>;
  const fresh = JSON.parse(JSON.stringify(folded)) as Record<string, unknown>;
  for (const field of new Set([...Object.keys(fresh), ...Object.keys(stored ?? {})])) {
    if (canonical(fresh[field]) !== canonical(stored?.[field])) fields.add(field);
  }
  // the columns the list filters on are served too
  if (row.status !== folded.status) fields.add('status');
  if (Number(row.version) !== folded.version) fields.add('version');
  if (row.title !== folded.title) fields.add('title');
  if (row.kind !== folded.kind) fields.add('kind');
  if (canonical(row.party_keys) !== canonical(folded.parties.map((p) => partyKey(p.name)))) fields.add('parties');
  return [...fields].sort();
}

/** JSON with object keys sorted, so two documents compare by content. */
function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
