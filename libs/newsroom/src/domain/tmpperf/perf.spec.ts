import { foldDeal } from '../deal.fold';
import { recordedTimeline, validTimeline } from '../deal.timeline';
import { bulkHistory } from '../testing/deal.bulk';
function time(label: string, fn: () => unknown, runs = 20) {
  for (let i = 0; i < 5; i++) fn();
  const t = performance.now();
  for (let i = 0; i < runs; i++) fn();
  console.log(label, ((performance.now() - t) / runs).toFixed(2), 'ms');
}
it('perf', () => {
  const big = bulkHistory(5000, 5000);
  console.log('events', big.length);
  time('foldDeal 10k', () => foldDeal(big));
  time('foldDeal 10k knownAt', () => foldDeal(big, { knownAt: '2024-01-05', validAt: '2021-Q1' }));
  time('validTimeline 10k', () => validTimeline(big));
  time('recordedTimeline 10k', () => recordedTimeline(big), 5);
  const mid = bulkHistory(1000, 1000);
  console.log('events', mid.length);
  time('recordedTimeline 1k claims', () => recordedTimeline(mid));
  const oneKind = bulkHistory(1000, 0, 7).map((e) => e.type === 'ClaimRecorded' ? { ...e, data: { ...e.data, kind: 'offer_made', agreementLevel: undefined, regulatoryOutcome: undefined, contradicts: undefined } } : e) as typeof mid;
  time('recordedTimeline 1k offers', () => recordedTimeline(oneKind));
  console.log('conflicts', foldDeal(big)!.conflicts.length, 'offers', foldDeal(big)!.offers.length);
});
