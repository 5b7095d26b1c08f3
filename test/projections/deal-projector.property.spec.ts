import fc from 'fast-check';
import { canSetState, claimFactsOf, claimRecordOf, foldDeal, recordedTimeline, type RecordedDealEvent } from '@app/newsroom';
import { IncrementalDealState } from '../../libs/newsroom/src/domain/deal.timeline';
import { MemoryProjection } from '../support/memory-projection';
import { dealHistory } from '../../libs/newsroom/src/domain/testing/deal.arbitraries';

/**
 * A command resumes the projection from a working set: the deal's document,
 * the claims that can set something, the claims the events name, and the
 * claims denials contradict. Simulated here over in-memory tables, event by
 * event, it must give what one fold of all the events gives.
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
        for (const row of claims.values()) expect(row.relevant).toBe(canSetState(claimRecordOf(row.record)));
      }),
      { numRuns: 300 },
    );
  });
});

describe("a claim's facts", () => {
  it('are plain JSON and give back the same record', () => {
    fc.assert(
      fc.property(dealHistory(30), ({ events }) => {
        const state = new IncrementalDealState();
        for (const event of events) state.apply(event);
        for (const record of state.records()) {
          const facts = JSON.parse(JSON.stringify(claimFactsOf(record)));
          for (const derived of ['verdict', 'counts', 'start', 'earliestPublishedAt', 'orderKey', 'comparableAmount', 'partyKey']) {
            expect(facts).not.toHaveProperty(derived);
          }
          expect(claimRecordOf(facts)).toEqual(record);
        }
      }),
      { numRuns: 200 },
    );
  });
});
