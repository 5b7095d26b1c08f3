import type { DealEvent, RecordedDealEvent } from './deal.events';
import { claimViews, foldDeal } from './deal.fold';
import type { DealStateView } from './deal.views';
import { InvalidValueError } from './domain.error';
import type { Money } from './money';
import {
  CHECKER,
  claimCorrected,
  claimRecorded,
  claimRetracted,
  dealOpened,
  EDITOR,
  minutesAfterStart,
  recordAll,
  source,
  sourceAdded,
  verdictGiven,
} from './testing/deal.fixtures';

const usd = (value: string, qualifier: Money['qualifier'] = 'exact'): Money => ({ value, currency: 'USD', qualifier });

function fold(events: DealEvent[], cut?: { validAt?: string; knownAt?: string }): DealStateView {
  const state = foldDeal(recordAll([dealOpened(), ...events]), cut);
  if (state === null) throw new Error('no deal');
  return state;
}

describe('foldDeal (DESIGN 2.3)', () => {
  describe('the deal header and bookkeeping', () => {
    it('starts unknown, with nothing', () => {
      expect(fold([])).toEqual({
        id: 'deal-1',
        title: 'Twitter / Clubhouse',
        kind: 'acquisition',
        parties: dealOpened().data.parties,
        version: 1,
        status: 'unknown',
        statusSince: null,
        price: null,
        offers: [],
        valuations: [],
        funding: [],
        regulatory: [],
        conflicts: [],
        claimCounts: { total: 0, unreviewed: 0, confirmed: 0, disputed: 0, false: 0, unverifiable: 0, retracted: 0 },
        contested: { status: false, price: false },
        lastRecordedAt: minutesAfterStart(0),
        asOf: { validAt: null, knownAt: null },
      });
    });

    it('is null without a DealOpened', () => {
      expect(foldDeal([])).toBeNull();
    });

    it('reports the stream version and the last recording time', () => {
      const state = fold([claimRecorded('c1'), verdictGiven('c1', 'confirmed')]);
      expect(state.version).toBe(3);
      expect(state.lastRecordedAt).toBe(minutesAfterStart(2));
    });
  });

  describe('rule 1: which claims count', () => {
    it('a retracted claim does not count', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-01' }),
        claimRecorded('c2', { kind: 'talks_ended', occurredAt: '2021-03' }),
        claimRetracted('c2'),
      ]);
      expect(state.status).toBe('in_talks');
      expect(state.statusSince).toBe('2021-01');
      expect(state.claimCounts).toMatchObject({ total: 2, unreviewed: 1, retracted: 1 });
    });

    it('a claim judged false does not count', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-01' }),
        claimRecorded('c2', { kind: 'deal_completed', occurredAt: '2021-03', amount: usd('100') }),
        verdictGiven('c2', 'false'),
      ]);
      expect(state.status).toBe('in_talks');
      expect(state.price).toBeNull();
      expect(state.claimCounts).toMatchObject({ total: 2, unreviewed: 1, false: 1 });
    });

    it('a corrected false claim is unreviewed again and counts', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'deal_completed', occurredAt: '2021-03', amount: usd('100') }),
        verdictGiven('c1', 'false'),
        claimCorrected('c1', { amount: usd('90') }),
      ]);
      expect(state.status).toBe('completed');
      expect(state.price).toMatchObject({ value: '90', claimId: 'c1' });
      expect(state.claimCounts).toMatchObject({ unreviewed: 1, false: 0 });
    });

    it('a retracted claim stays retracted whatever its verdict', () => {
      const state = fold([claimRecorded('c1'), verdictGiven('c1', 'confirmed'), claimRetracted('c1')]);
      expect(state.claimCounts).toMatchObject({ total: 1, confirmed: 0, retracted: 1 });
    });

    it('counts every standing', () => {
      const state = fold([
        claimRecorded('c1'),
        claimRecorded('c2'),
        verdictGiven('c2', 'confirmed'),
        claimRecorded('c3'),
        verdictGiven('c3', 'disputed'),
        claimRecorded('c4'),
        verdictGiven('c4', 'false'),
        claimRecorded('c5'),
        verdictGiven('c5', 'unverifiable'),
        claimRecorded('c6'),
        claimRetracted('c6'),
      ]);
      expect(state.claimCounts).toEqual({ total: 6, unreviewed: 1, confirmed: 1, disputed: 1, false: 1, unverifiable: 1, retracted: 1 });
    });
  });

  describe('rule 2: order', () => {
    it('orders by occurredAt, not by recording order', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'deal_completed', occurredAt: '2012-09' }),
        claimRecorded('c2', { kind: 'deal_announced', occurredAt: '2012-04-09' }),
      ]);
      expect(state.status).toBe('completed');
      expect(state.statusSince).toBe('2012-09');
    });

    it('puts 2012 before 2012-03 before 2012-03-25, whatever the recording order', () => {
      const state = fold([
        claimRecorded('day', { kind: 'deal_announced', occurredAt: '2012-03-25' }),
        claimRecorded('month', { kind: 'agreement_reached', agreementLevel: 'verbal', occurredAt: '2012-03' }),
        claimRecorded('year', { kind: 'interest_reported', occurredAt: '2012' }),
      ]);
      expect(state.status).toBe('announced');
      expect(state.statusSince).toBe('2012-03-25');
    });

    it('puts the coarser date first when starts are equal', () => {
      const state = fold([
        claimRecorded('month', { kind: 'talks_reported', occurredAt: '2012-01' }),
        claimRecorded('year', { kind: 'interest_reported', occurredAt: '2012' }),
      ]);
      expect(state.status).toBe('in_talks');
    });

    it('breaks ties by the earliest source publication', () => {
      const state = fold([
        claimRecorded('late', { kind: 'talks_reported', occurredAt: '2021-03', sources: [source({ publishedAt: '2021-04-01' })] }),
        claimRecorded('early', {
          kind: 'talks_ended',
          occurredAt: '2021-03',
          sources: [source({ publishedAt: '2021-03-30T12:00:00Z' })],
        }),
      ]);
      // 'early' was published first, so 'late' comes after it and sets the status.
      expect(state.status).toBe('in_talks');
    });

    it('uses every source, added ones included, for the earliest publication', () => {
      const state = fold([
        claimRecorded('a', { kind: 'talks_reported', occurredAt: '2021-03', sources: [source({ publishedAt: '2021-04-01' })] }),
        claimRecorded('b', { kind: 'talks_ended', occurredAt: '2021-03', sources: [source({ publishedAt: '2021-03-30' })] }),
        sourceAdded('a', source({ outlet: 'The Verge', publishedAt: '2021-03-01' })),
      ]);
      expect(state.status).toBe('talks_ended');
    });

    it('then by recording order', () => {
      const state = fold([
        claimRecorded('first', { kind: 'talks_reported', occurredAt: '2021-03' }),
        claimRecorded('second', { kind: 'talks_ended', occurredAt: '2021-03' }),
      ]);
      expect(state.status).toBe('talks_ended');
    });
  });

  describe('rule 3: the bitemporal cut', () => {
    const events = [
      claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-01' }),
      claimRecorded('c2', { kind: 'offer_made', occurredAt: '2021-02-15', amount: usd('4000000000', 'approximate') }),
      claimRecorded('c3', { kind: 'talks_ended', occurredAt: '2021-04' }),
      claimRetracted('c3'),
    ];

    it('knownAt keeps only events recorded at or before it: a later retraction is not applied', () => {
      const before = fold(events, { knownAt: minutesAfterStart(3) });
      expect(before.status).toBe('talks_ended');
      expect(before.version).toBe(4);
      expect(before.asOf).toEqual({ validAt: null, knownAt: minutesAfterStart(3) });
      expect(fold(events).status).toBe('offer_made');
    });

    it('a retraction recorded after T leaves knownAt=T unchanged', () => {
      const withoutRetraction = fold(events.slice(0, 3));
      const atT = fold(events, { knownAt: minutesAfterStart(3) });
      expect({ ...atT, asOf: null }).toEqual({ ...withoutRetraction, asOf: null });
    });

    it('knownAt compares instants, offsets included, and a date means the end of that day', () => {
      const shifted = minutesAfterStart(2).replace('Z', '+00:00').replace('T09:02', 'T10:02').replace('+00:00', '+01:00');
      expect(fold(events, { knownAt: shifted }).version).toBe(3);
      expect(fold(events, { knownAt: '2024-01-01' }).version).toBe(5);
      expect(foldDeal(recordAll([dealOpened()]), { knownAt: '2023-12-31' })).toBeNull();
    });

    it('validAt keeps claims starting on or before it, a partial validAt meaning its last day', () => {
      expect(fold(events, { validAt: '2021-01-31' }).status).toBe('in_talks');
      expect(fold(events, { validAt: '2021-02-14' }).offers).toEqual([]);
      expect(fold(events, { validAt: '2021-02' }).status).toBe('offer_made');
      expect(fold(events, { validAt: '2021-02' }).claimCounts.total).toBe(2);
      expect(fold(events, { validAt: '2020' })).toMatchObject({ status: 'unknown', claimCounts: { total: 0 } });
    });

    it('combines both cuts', () => {
      const state = fold(events, { validAt: '2021-Q2', knownAt: minutesAfterStart(3) });
      expect(state.status).toBe('talks_ended');
      expect(state.asOf).toEqual({ validAt: '2021-Q2', knownAt: minutesAfterStart(3) });
    });

    it('refuses a malformed cut', () => {
      expect(() => fold(events, { validAt: 'spring' })).toThrow(InvalidValueError);
      expect(() => fold(events, { knownAt: 'yesterday' })).toThrow(InvalidValueError);
    });
  });

  describe('rule 4: status, price, offers, valuations, funding, regulatory', () => {
    it('takes the price from the last price claim with an amount', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'agreement_reached', agreementLevel: 'definitive', occurredAt: '2012-04', amount: usd('1000000000', 'approximate') }),
        claimRecorded('c2', { kind: 'terms_revised', occurredAt: '2012-07', amount: usd('750000000') }),
        claimRecorded('c3', { kind: 'deal_completed', occurredAt: '2012-09' }),
        claimRecorded('c4', { kind: 'offer_made', occurredAt: '2012-10', amount: usd('1') }),
      ]);
      expect(state.status).toBe('offer_made');
      expect(state.price).toEqual({ value: '750000000', currency: 'USD', qualifier: 'exact', claimId: 'c2', kind: 'terms_revised', occurredAt: '2012-07' });
    });

    it('terms_revised changes the price, not the status', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'deal_announced', occurredAt: '2012-04', amount: usd('1000000000') }),
        claimRecorded('c2', { kind: 'terms_revised', occurredAt: '2012-08', amount: usd('715000000') }),
      ]);
      expect(state).toMatchObject({ status: 'announced', statusSince: '2012-04', price: { value: '715000000' } });
    });

    it('lists every counting offer_made and talks_reported amount', () => {
      const state = fold([
        claimRecorded('o2', { kind: 'offer_made', occurredAt: '2021-03', amount: usd('4000000000', 'approximate'), party: 'Twitter' }),
        claimRecorded('t1', { kind: 'talks_reported', occurredAt: '2021-01', amount: usd('3000000000') }),
        claimRecorded('t0', { kind: 'talks_reported', occurredAt: '2020-12' }),
        claimRecorded('o3', { kind: 'offer_made', occurredAt: '2021-04', amount: usd('5') }),
        claimRetracted('o3'),
      ]);
      expect(state.offers).toEqual([
        { claimId: 't1', kind: 'talks_reported', occurredAt: '2021-01', value: '3000000000', currency: 'USD', qualifier: 'exact', party: null, contested: false },
        { claimId: 'o2', kind: 'offer_made', occurredAt: '2021-03', value: '4000000000', currency: 'USD', qualifier: 'approximate', party: 'Twitter', contested: false },
      ]);
    });

    it('keeps the last valuation per party', () => {
      const state = fold([
        claimRecorded('v1', { kind: 'valuation_reported', party: 'Clubhouse', occurredAt: '2021-01', amount: usd('1000000000') }),
        claimRecorded('v2', { kind: 'valuation_reported', party: 'clubhouse', occurredAt: '2021-04', amount: usd('4000000000', 'approximate') }),
        claimRecorded('v3', { kind: 'valuation_reported', party: 'Twitter', occurredAt: '2021-02', amount: usd('50000000000') }),
        claimRecorded('v4', { kind: 'valuation_reported', party: 'Twitter', occurredAt: '2021-03' }),
      ]);
      expect(state.valuations).toEqual([
        { party: 'clubhouse', value: '4000000000', currency: 'USD', qualifier: 'approximate', claimId: 'v2', occurredAt: '2021-04', contested: false },
        { party: 'Twitter', value: '50000000000', currency: 'USD', qualifier: 'exact', claimId: 'v3', occurredAt: '2021-02', contested: false },
      ]);
    });

    it('lists funding per party, undisclosed amounts included', () => {
      const state = fold([
        claimRecorded('f2', { kind: 'funding_raised', party: 'Sphere', occurredAt: '2021-06' }),
        claimRecorded('f1', { kind: 'funding_raised', party: 'Sphere', occurredAt: '2020', amount: usd('30000000', 'at_least') }),
        claimRecorded('f3', { kind: 'funding_raised', party: 'Clubhouse', occurredAt: '2021-04', amount: usd('4000000000') }),
      ]);
      expect(state.funding).toEqual([
        { party: 'Clubhouse', rounds: [{ claimId: 'f3', party: 'Clubhouse', occurredAt: '2021-04', amount: usd('4000000000'), contested: false }] },
        {
          party: 'Sphere',
          rounds: [
            { claimId: 'f1', party: 'Sphere', occurredAt: '2020', amount: usd('30000000', 'at_least'), contested: false },
            { claimId: 'f2', party: 'Sphere', occurredAt: '2021-06', amount: null, contested: false },
          ],
        },
      ]);
      expect(state.conflicts).toEqual([]);
    });

    it('lists regulatory actions with their outcome', () => {
      const state = fold([
        claimRecorded('r2', { kind: 'regulatory_action', regulatoryOutcome: 'approved', occurredAt: '2012-08', party: 'FTC', statement: 'FTC clears' }),
        claimRecorded('r1', { kind: 'regulatory_action', regulatoryOutcome: 'review', occurredAt: '2012-05', statement: 'Review opened' }),
      ]);
      expect(state.status).toBe('unknown');
      expect(state.regulatory).toEqual([
        { claimId: 'r1', outcome: 'review', occurredAt: '2012-05', party: null, statement: 'Review opened', contested: false },
        { claimId: 'r2', outcome: 'approved', occurredAt: '2012-08', party: 'FTC', statement: 'FTC clears', contested: false },
      ]);
    });

    it('reads claims after their corrections', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-05' }),
        claimRecorded('c2', { kind: 'talks_ended', occurredAt: '2021-04' }),
        claimCorrected('c2', { occurredAt: '2021-06' }),
      ]);
      expect(state).toMatchObject({ status: 'talks_ended', statusSince: '2021-06' });
    });
  });

  describe('rule 5: contested fields', () => {
    it('marks a status supported only by disputed claims', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-01' }),
        claimRecorded('c2', { kind: 'offer_made', occurredAt: '2021-02' }),
        verdictGiven('c2', 'disputed'),
      ]);
      expect(state.status).toBe('offer_made');
      expect(state.contested).toEqual({ status: true, price: false });
    });

    it('is not contested when another claim for the same status is not disputed', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'offer_made', occurredAt: '2021-01' }),
        claimRecorded('c2', { kind: 'offer_made', occurredAt: '2021-02' }),
        verdictGiven('c2', 'disputed'),
      ]);
      expect(state.contested.status).toBe(false);
    });

    it('marks a price supported only by disputed claims', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'deal_announced', occurredAt: '2012-04', amount: usd('1000000000') }),
        claimRecorded('c2', { kind: 'deal_completed', occurredAt: '2012-09', amount: usd('715000000') }),
        verdictGiven('c2', 'disputed'),
      ]);
      expect(state.contested).toEqual({ status: true, price: true });
      expect(state.price?.value).toBe('715000000');
    });

    it('a confirmed claim of the same amount supports the price', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'deal_announced', occurredAt: '2012-04', amount: usd('715000000') }),
        claimRecorded('c2', { kind: 'deal_completed', occurredAt: '2012-09', amount: usd('715000000') }),
        verdictGiven('c2', 'disputed'),
        verdictGiven('c1', 'confirmed'),
      ]);
      expect(state.contested).toEqual({ status: true, price: false });
    });

    it('flags disputed items', () => {
      const state = fold([
        claimRecorded('o1', { kind: 'offer_made', occurredAt: '2021-01', amount: usd('1') }),
        verdictGiven('o1', 'disputed'),
      ]);
      expect(state.offers[0]?.contested).toBe(true);
    });
  });

  describe('rule 6: conflicts', () => {
    it('(a) a denial conflicts with the claim it contradicts', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'agreement_reached', agreementLevel: 'verbal', occurredAt: '2012-03' }),
        claimRecorded('d1', { kind: 'denial', contradicts: 'c1', occurredAt: '2012-08' }),
      ]);
      expect(state.conflicts).toEqual([{ claimIds: ['c1', 'd1'], reason: 'denial' }]);
    });

    it('(a) closes when either side stops counting', () => {
      const base = [
        claimRecorded('c1', { kind: 'agreement_reached', agreementLevel: 'verbal', occurredAt: '2012-03' }),
        claimRecorded('d1', { kind: 'denial', contradicts: 'c1', occurredAt: '2012-08' }),
      ];
      expect(fold([...base, claimRetracted('d1')]).conflicts).toEqual([]);
      expect(fold([...base, verdictGiven('c1', 'false')]).conflicts).toEqual([]);
      expect(fold([...base, verdictGiven('d1', 'disputed')]).conflicts).toHaveLength(1);
    });

    it('(b) claims of the same kind with amounts more than 1% apart conflict', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'deal_completed', occurredAt: '2012-09', amount: usd('715000000') }),
        claimRecorded('c2', { kind: 'deal_completed', occurredAt: '2012-09-06', amount: usd('1000000000') }),
        claimRecorded('c3', { kind: 'deal_announced', occurredAt: '2012-04', amount: usd('1000000000') }),
      ]);
      expect(state.conflicts).toEqual([{ claimIds: ['c1', 'c2'], reason: 'amount_mismatch' }]);
    });

    it('(b) other currencies conflict; qualifiers permitting, amounts agree', () => {
      expect(
        fold([
          claimRecorded('c1', { kind: 'offer_made', amount: usd('100') }),
          claimRecorded('c2', { kind: 'offer_made', amount: { value: '100', currency: 'EUR', qualifier: 'exact' } }),
        ]).conflicts,
      ).toEqual([{ claimIds: ['c1', 'c2'], reason: 'amount_mismatch' }]);
      expect(
        fold([
          claimRecorded('c1', { kind: 'funding_raised', party: 'Sphere', amount: usd('30000000', 'at_least') }),
          claimRecorded('c2', { kind: 'funding_raised', party: 'Sphere', amount: usd('40000000') }),
          claimRecorded('c3', { kind: 'offer_made', amount: usd('100.5') }),
          claimRecorded('c4', { kind: 'offer_made', amount: usd('100') }),
        ]).conflicts,
      ).toEqual([]);
    });

    it('(b) valuations conflict per party only', () => {
      const state = fold([
        claimRecorded('v1', { kind: 'valuation_reported', party: 'Clubhouse', amount: usd('1000000000') }),
        claimRecorded('v2', { kind: 'valuation_reported', party: 'Twitter', amount: usd('4000000000') }),
      ]);
      expect(state.conflicts).toEqual([]);
    });

    it('(b) funding rounds conflict per party and date: two rounds of different sizes are two rounds', () => {
      const rounds = fold([
        claimRecorded('f1', { kind: 'funding_raised', party: 'Clubhouse', occurredAt: '2020-05', amount: usd('12000000') }),
        claimRecorded('f2', { kind: 'funding_raised', party: 'Clubhouse', occurredAt: '2021-01', amount: usd('100000000') }),
      ]);
      expect(rounds.conflicts).toEqual([]);
      expect(rounds.funding).toEqual([expect.objectContaining({ party: 'Clubhouse', rounds: [expect.objectContaining({ claimId: 'f1' }), expect.objectContaining({ claimId: 'f2' })] })]);
      const oneRoundTwoFigures = fold([
        claimRecorded('f1', { kind: 'funding_raised', party: 'Clubhouse', occurredAt: '2021-01', amount: usd('100000000') }),
        claimRecorded('f2', { kind: 'funding_raised', party: 'clubhouse', occurredAt: '2021-01', amount: usd('80000000') }),
      ]);
      expect(oneRoundTwoFigures.conflicts).toEqual([{ claimIds: ['f1', 'f2'], reason: 'amount_mismatch' }]);
    });

    it('(b) each claim is compared with the previous one of its group', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'offer_made', occurredAt: '2021-01', amount: usd('100') }),
        claimRecorded('c2', { kind: 'offer_made', occurredAt: '2021-02', amount: usd('100') }),
        claimRecorded('c3', { kind: 'offer_made', occurredAt: '2021-03', amount: usd('200') }),
        claimRecorded('c4', { kind: 'offer_made', occurredAt: '2021-04', amount: usd('200') }),
      ]);
      expect(state.conflicts).toEqual([{ claimIds: ['c2', 'c3'], reason: 'amount_mismatch' }]);
      const withoutC2 = fold([
        claimRecorded('c1', { kind: 'offer_made', occurredAt: '2021-01', amount: usd('100') }),
        claimRecorded('c2', { kind: 'offer_made', occurredAt: '2021-02', amount: usd('100') }),
        claimRecorded('c3', { kind: 'offer_made', occurredAt: '2021-03', amount: usd('200') }),
        claimRetracted('c2'),
      ]);
      expect(withoutC2.conflicts).toEqual([{ claimIds: ['c1', 'c3'], reason: 'amount_mismatch' }]);
    });

    it('(c) status-bearing claims with the same occurredAt and different statuses clash', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-03' }),
        claimRecorded('c2', { kind: 'talks_ended', occurredAt: '2021-03' }),
        claimRecorded('c3', { kind: 'talks_reported', occurredAt: '2021-03-01' }),
        claimRecorded('c4', { kind: 'terms_revised', occurredAt: '2021-03' }),
      ]);
      expect(state.conflicts).toEqual([{ claimIds: ['c1', 'c2'], reason: 'status_clash' }]);
    });

    it('(c) closes when a side is judged false', () => {
      const state = fold([
        claimRecorded('c1', { kind: 'talks_reported', occurredAt: '2021-03' }),
        claimRecorded('c2', { kind: 'talks_ended', occurredAt: '2021-03' }),
        verdictGiven('c2', 'false'),
      ]);
      expect(state.conflicts).toEqual([]);
    });

    it('lists conflicts in 2.3 order of their claims', () => {
      const state = fold([
        claimRecorded('late1', { kind: 'talks_reported', occurredAt: '2022' }),
        claimRecorded('late2', { kind: 'deal_abandoned', occurredAt: '2022' }),
        claimRecorded('early', { kind: 'offer_made', occurredAt: '2021-01', amount: usd('1') }),
        claimRecorded('mid', { kind: 'offer_made', occurredAt: '2021-06', amount: usd('2') }),
      ]);
      expect(state.conflicts.map((c) => c.reason)).toEqual(['amount_mismatch', 'status_clash']);
    });
  });

  it('takes events in any order', () => {
    const events = recordAll([
      dealOpened(),
      claimRecorded('c1', { kind: 'talks_reported' }),
      claimRecorded('c2', { kind: 'talks_ended', occurredAt: '2021-05' }),
      claimRetracted('c2'),
    ]);
    expect(foldDeal([...events].reverse())).toEqual(foldDeal(events));
  });
});

describe('claimViews', () => {
  const events: RecordedDealEvent[] = recordAll([
    dealOpened(),
    claimRecorded('c1', {
      kind: 'offer_made',
      amount: usd('4000000000', 'approximate'),
      sources: [source({ via: [{ outlet: 'The Verge' }] })],
    }),
    sourceAdded('c1', source({ outlet: 'bloomberg', via: [{ outlet: 'Presse-citron' }] })),
    sourceAdded('c1', source({ outlet: 'Reuters' })),
    verdictGiven('c1', 'confirmed'),
    claimCorrected('c1', { amount: usd('4000000000') }),
    claimRecorded('c2'),
    claimRetracted('c2'),
  ]);

  it('shows each claim with its current fields, standing, sources and history', () => {
    const [c1, c2] = claimViews(events);
    expect(c1).toMatchObject({
      claimId: 'c1',
      dealId: 'deal-1',
      kind: 'offer_made',
      amount: usd('4000000000'),
      revision: 2,
      verdict: 'unreviewed',
      latestVerdict: { verdict: 'confirmed', claimRevision: 1, givenBy: CHECKER },
      counts: true,
      independentSources: 2,
      recordedBy: EDITOR,
      recordedAt: minutesAfterStart(1),
      position: 110,
      retraction: null,
    });
    expect(c1?.sources).toHaveLength(3);
    expect(c1?.history.map((e) => e.type)).toEqual(['ClaimRecorded', 'ClaimSourceAdded', 'ClaimSourceAdded', 'VerdictGiven', 'ClaimCorrected']);
    expect(c2).toMatchObject({ claimId: 'c2', verdict: 'retracted', counts: false, retraction: { reason: 'Source withdrew the story' } });
  });

  it('applies the cuts', () => {
    expect(claimViews(events, { knownAt: minutesAfterStart(4) })[0]).toMatchObject({ verdict: 'confirmed', revision: 1 });
    expect(claimViews(events, { validAt: '2020' })).toEqual([]);
  });
});
