import fc from 'fast-check';
import { foldDeal, recordedTimeline, type RecordedDealEvent, type TimelineEntry } from '@app/newsroom';
import { DealProjector, isRelevant, type ClaimRow, type DealRow } from '../../libs/newsroom/src/projections/deal-projector';
import { fromStoredRecord } from '../../libs/newsroom/src/projections/deal-projector';
import type { ClaimRecord } from '../../libs/newsroom/src/domain/claim.record';
import { dealHistory } from '../../libs/newsroom/src/domain/testing/deal.arbitraries';

/**
 * The inline projection loads, for each append, only a working set: the deal
 * row, the claims that can set something, the claims the events name, and the
 * claims relevant denials contradict. Simulated here over in-memory "tables"
 * (a JSON round trip stands for the database), event by event, it must give
 * what one fold of all the events gives.
 */
function projectIncrementally(events: readonly RecordedDealEvent[]) {
  let deal: DealRow | null = null;
  const claims = new Map<string, ClaimRow>();
  const entries: TimelineEntry[] = [];
  for (const event of events) {
    const named = new Set<string>();
    if (event.type !== 'DealOpened') named.add(event.data.claimId);
    if (event.type === 'ClaimRecorded' && event.data.contradicts) named.add(event.data.contradicts);
    const records = new Map<string, ClaimRecord>();
    for (const row of claims.values()) {
      const stored = JSON.parse(JSON.stringify(row.record));
      if (row.relevant || named.has(row.claimId)) records.set(row.claimId, fromStoredRecord(stored));
    }
    // the claims that the denials of the working set contradict
    for (const record of [...records.values()]) {
      const targetRow = record.kind === 'denial' && record.contradicts ? claims.get(record.contradicts) : undefined;
      if (targetRow) records.set(targetRow.claimId, fromStoredRecord(JSON.parse(JSON.stringify(targetRow.record))));
    }
    const projector: DealProjector = new DealProjector(deal ? JSON.parse(JSON.stringify(deal)) : null, records);
    projector.apply(event);
    const rows: ReturnType<DealProjector['rows']> = projector.rows();
    deal = rows.deal;
    for (const row of rows.claims) claims.set(row.claimId, row);
    entries.push(...rows.timeline.map((t) => t.entry));
  }
  return { deal, claims, entries };
}

describe('the deal projection, event by event on its working set', () => {
  it('gives the fold of all events and the recorded timeline of the domain', () => {
    fc.assert(
      fc.property(dealHistory(30), ({ events }) => {
        const { deal, claims, entries } = projectIncrementally(events);
        const folded = foldDeal(events);
        expect(JSON.parse(JSON.stringify(deal?.state))).toEqual(JSON.parse(JSON.stringify(folded)));
        expect(JSON.parse(JSON.stringify(entries))).toEqual(JSON.parse(JSON.stringify(recordedTimeline(events))));
        for (const row of claims.values()) expect(row.relevant).toBe(isRelevant(fromStoredRecord(row.record)));
      }),
      { numRuns: 300 },
    );
  });
});
