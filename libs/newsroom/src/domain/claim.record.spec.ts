import fc from 'fast-check';
import { canonicalInstant } from './calendar.util';
import { newClaimRecord, nextClaimRecord, recordedInstant, replayDeal } from './claim.record';
import type { RecordedDealEvent } from './deal.events';
import { earliestPublishedAt } from './source';
import { claimRecorded, dealOpened, recordAll, source, sourceAdded } from './testing/deal.fixtures';

/** Publication dates and recording times of every form the parser knows, a few of them malformed. */
const INSTANTS = [
  '2012-03-30',
  '2012-03-30T12:00:00Z',
  '2012-03-30T12:00:00.5Z',
  '2012-03-30T14:00:00+02:00',
  '2012-03-30T12:00',
  '2012-02-30',
  '2012-03-30T25:00:00Z',
  'yesterday',
];

describe('claim records: memoised instants', () => {
  it('a claim’s earliest publication is the one ./source gives, however often its values come back', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...INSTANTS), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (lists) => {
        for (const dates of lists) {
          const sources = dates.map((publishedAt) => source({ publishedAt }));
          const [event] = recordAll([claimRecorded('c1', { sources })]) as [RecordedDealEvent & { type: 'ClaimRecorded' }];
          const record = newClaimRecord(event.data, event);
          expect(record.earliestPublishedAt).toBe(earliestPublishedAt(sources) ?? '~'.repeat(30));

          const [, added] = recordAll([event, sourceAdded('c1', source({ publishedAt: dates[0] }))]);
          const next = nextClaimRecord(record, added as RecordedDealEvent);
          expect(next.earliestPublishedAt).toBe(earliestPublishedAt([...sources, { publishedAt: dates[0] as string }]) ?? '~'.repeat(30));
        }
      }),
    );
  });

  it('a recording time is read as canonicalInstant reads it, and a malformed one is refused every time', () => {
    for (const value of [...INSTANTS, ...INSTANTS]) {
      const [event] = recordAll([dealOpened()]);
      const recorded = { ...(event as RecordedDealEvent), recordedAt: value };
      const expected = canonicalInstant(value);
      if (expected === null) {
        expect(() => recordedInstant(recorded)).toThrow(/invalid recordedAt/);
        expect(() => replayDeal([recorded], '2013-01-01T00:00:00.000000000Z')).toThrow(/invalid recordedAt/);
      } else {
        expect(recordedInstant(recorded)).toBe(expected);
      }
    }
  });
});
