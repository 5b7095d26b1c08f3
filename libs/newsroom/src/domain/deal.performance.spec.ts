import type { RecordedDealEvent } from './deal.events';
import { foldDeal } from './deal.fold';
import { recordedTimeline, validTimeline } from './deal.timeline';
import { bulkHistory } from './testing/deal.bulk';

/**
 * Guards against quadratic regressions; not a benchmark. The bounds are about
 * ten times what the code needs in jest on a loaded 2-core machine and ten
 * times less than a quadratic version would take (pairwise conflicts over
 * 10,000 events, or one full fold per timeline entry: seconds), because
 * jest workers share the machine and ratio checks proved too noisy there.
 * Measured in plain Node: fold of 10,000 events 5-15 ms, recorded timeline
 * of 1,000 claims (2,000 events) 25-40 ms, on that loaded machine.
 * Events are JSON round-tripped, as they come out of the store.
 */
function stored(claims: number, followUps: number): RecordedDealEvent[] {
  return JSON.parse(JSON.stringify(bulkHistory(claims, followUps))) as RecordedDealEvent[];
}

function bestOf(runs: number, work: () => unknown): number {
  work();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('performance', () => {
  it('folds 10,000 events without quadratic work', () => {
    const events = stored(2_000, 8_000);
    expect(events.length).toBeGreaterThan(9_000);
    expect(bestOf(5, () => foldDeal(events))).toBeLessThan(500);
    expect(bestOf(3, () => foldDeal(events, { validAt: '2021-Q1', knownAt: '2024-01-05' }))).toBeLessThan(500);
    expect(bestOf(3, () => validTimeline(events))).toBeLessThan(500);
  });

  it('folds 10,000 events of 5,000 claims with many conflicts without quadratic work', () => {
    const events = stored(5_000, 5_000);
    const state = foldDeal(events);
    expect(state?.conflicts.length).toBeGreaterThan(1_000);
    expect(bestOf(3, () => foldDeal(events))).toBeLessThan(750);
  });

  it('builds the recorded timeline of 1,000 and 2,000 claims without a fold per event', () => {
    const thousand = stored(1_000, 1_000);
    const twoThousand = stored(2_000, 2_000);
    expect(bestOf(3, () => recordedTimeline(thousand))).toBeLessThan(1_500);
    expect(bestOf(1, () => recordedTimeline(twoThousand))).toBeLessThan(3_000);
  });
});
