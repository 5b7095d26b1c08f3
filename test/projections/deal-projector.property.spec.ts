import fc from 'fast-check';
import { foldDeal, recordedTimeline, type RecordedDealEvent } from '@app/newsroom';
import { claimRowOf, fromStoredRecord, isRelevant, toStoredRecord } from '../../libs/newsroom/src/projections/deal-projector';
import { IncrementalDealState } from '../../libs/newsroom/src/domain/deal.timeline';
import { MemoryProjection } from '../support/memory-projection';
import { dealHistory } from '../../libs/newsroom/src/domain/testing/deal.arbitraries';

/**
 * The inline projection loads, for each append, only a working set: the deal
 * row, the claims that can set something, the claims the events name, and the
 * claims relevant denials contradict. Simulated here over in-memory tables,
 * event by event, it must give what one fold of all the events gives.
 */
function projectIncrementally(events: readonly RecordedDealEvent[]) {
  const tables = new MemoryProjection();
  const dealId = events[0]?.type === 'DealOpened' ? events[0].data.dealId : '';
  for (const event of events) tables.append(dealId, [event]);
  return { state: tables.state(dealId), claims: tables.claims, entries: tables.timeline(dealId) };
}

describe('the deal projection, event by event on its working set', () => {
  it('gives the fold of all events and the recorded timeline of the domain', () => {
    fc.assert(
      fc.property(dealHistory(30), ({ events }) => {
        const { state, claims, entries } = projectIncrementally(events);
        const folded = foldDeal(events);
        expect(JSON.parse(JSON.stringify(state))).toEqual(JSON.parse(JSON.stringify(folded)));
        expect(JSON.parse(JSON.stringify(entries))).toEqual(JSON.parse(JSON.stringify(recordedTimeline(events))));
        for (const row of claims.values()) expect(row.relevant).toBe(isRelevant(fromStoredRecord(row.record, row)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a claim record as stored', () => {
  it('leaves out its null fields, what its row holds in columns and what is derived, and reads back as the same record', () => {
    fc.assert(
      fc.property(dealHistory(30), ({ events }) => {
        const state = new IncrementalDealState();
        for (const event of events) state.apply(event);
        const claimIds = new Set(events.flatMap((event) => (event.type === 'DealOpened' ? [] : [event.data.claimId])));
        for (const claimId of claimIds) {
          const record = state.record(claimId);
          if (record === undefined) continue;
          const stored = JSON.parse(JSON.stringify(toStoredRecord(record))) as Record<string, unknown>;
          expect(Object.entries(stored).filter(([, value]) => value === null)).toEqual([]);
          for (const field of ['claimId', 'dealId', 'position', 'kind', 'verdict', 'counts', 'start', 'earliestPublishedAt', 'orderKey', 'comparableAmount', 'partyKey']) {
            expect(stored).not.toHaveProperty(field);
          }
          expect(fromStoredRecord(stored as never, record)).toEqual(record);
          const row = claimRowOf(record, [record.version]);
          expect([row.claimId, row.dealId, row.position, row.kind, row.start, row.orderKey]).toEqual([
            record.claimId,
            record.dealId,
            record.position,
            record.kind,
            record.start,
            record.orderKey,
          ]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
