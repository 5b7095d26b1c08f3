import { diffDealStates } from './deal.derivation';
import { foldDeal } from './deal.fold';
import { recordedTimeline, validTimeline } from './deal.timeline';
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
  verdictGiven,
} from './testing/deal.fixtures';

const usd = (value: string, qualifier: Money['qualifier'] = 'exact'): Money => ({ value, currency: 'USD', qualifier });

const events = recordAll([
  dealOpened(),
  claimRecorded('completed', { kind: 'deal_completed', occurredAt: '2012-09', amount: usd('715000000') }),
  claimRecorded('announced', { kind: 'deal_announced', occurredAt: '2012-04-09', amount: usd('1000000000', 'approximate') }),
  claimRecorded('offer', { kind: 'offer_made', occurredAt: '2012-04', amount: usd('1000000000') }),
  verdictGiven('completed', 'confirmed'),
  claimRecorded('rumor', { kind: 'interest_reported', occurredAt: '2012' }),
  claimRetracted('completed'),
  claimRecorded('value', { kind: 'valuation_reported', party: 'Instagram', occurredAt: '2012-04', amount: usd('500000000') }),
  verdictGiven('offer', 'false'),
  claimCorrected('announced', { occurredAt: '2012-04-10' }),
]);

describe('validTimeline (axis=valid)', () => {
  it('lists the counting claims in 2.3 order with what each did', () => {
    const entries = validTimeline(events);
    expect(entries.map((e) => e.claimId)).toEqual(['rumor', 'value', 'announced']);
    expect(entries[0]).toEqual({
      eventType: 'ClaimRecorded',
      claimId: 'rumor',
      kind: 'interest_reported',
      occurredAt: '2012',
      recordedAt: minutesAfterStart(5),
      position: 150,
      version: 6,
      actorId: EDITOR,
      sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-12' }],
      verdict: 'unreviewed',
      changes: [
        { field: 'status', from: 'unknown', to: 'rumored' },
        { field: 'statusSince', from: null, to: '2012' },
      ],
    });
    expect(entries[1]?.changes).toEqual([
      {
        field: 'valuations',
        from: null,
        to: { party: 'Instagram', value: '500000000', currency: 'USD', qualifier: 'exact', claimId: 'value', occurredAt: '2012-04', contested: false },
      },
    ]);
    expect(entries[2]?.changes).toEqual([
      { field: 'status', from: 'rumored', to: 'announced' },
      { field: 'statusSince', from: '2012', to: '2012-04-10' },
      {
        field: 'price',
        from: null,
        to: { value: '1000000000', currency: 'USD', qualifier: 'approximate', claimId: 'announced', kind: 'deal_announced', occurredAt: '2012-04-10' },
      },
    ]);
  });

  it('applies the cuts', () => {
    expect(validTimeline(events, { knownAt: minutesAfterStart(3) }).map((e) => e.claimId)).toEqual(['offer', 'announced', 'completed']);
    expect(validTimeline(events, { validAt: '2012-03' }).map((e) => e.claimId)).toEqual(['rumor']);
  });

  it('lists offers as they come', () => {
    const entries = validTimeline(
      recordAll([dealOpened(), claimRecorded('o', { kind: 'offer_made', occurredAt: '2021-03', amount: usd('4000000000', 'approximate') })]),
    );
    expect(entries[0]?.changes).toEqual([
      { field: 'status', from: 'unknown', to: 'offer_made' },
      { field: 'statusSince', from: null, to: '2021-03' },
      {
        field: 'offers',
        from: null,
        to: { claimId: 'o', kind: 'offer_made', occurredAt: '2021-03', value: '4000000000', currency: 'USD', qualifier: 'approximate', party: null, contested: false },
      },
    ]);
  });

  it('shows the conflicts and contested flags each claim opened, as the recorded axis does', () => {
    const entries = validTimeline(
      recordAll([
        dealOpened(),
        claimRecorded('talks', { kind: 'talks_reported', occurredAt: '2021-03' }),
        verdictGiven('talks', 'disputed'),
        claimRecorded('denied', { kind: 'denial', contradicts: 'talks', occurredAt: '2021-04' }),
      ]),
    );
    expect(entries.map((e) => e.claimId)).toEqual(['talks', 'denied']);
    expect(entries[0]?.changes).toEqual([
      { field: 'status', from: 'unknown', to: 'in_talks' },
      { field: 'statusSince', from: null, to: '2021-03' },
      { field: 'contested.status', from: false, to: true },
    ]);
    expect(entries[1]?.changes).toEqual([{ field: 'conflicts', from: null, to: { claimIds: ['talks', 'denied'], reason: 'denial' } }]);
  });
});

describe('recordedTimeline (axis=recorded)', () => {
  const entries = recordedTimeline(events);

  it('has one entry per event, in recording order', () => {
    expect(entries.map((e) => e.eventType)).toEqual([
      'DealOpened',
      'ClaimRecorded',
      'ClaimRecorded',
      'ClaimRecorded',
      'VerdictGiven',
      'ClaimRecorded',
      'ClaimRetracted',
      'ClaimRecorded',
      'VerdictGiven',
      'ClaimCorrected',
    ]);
    expect(entries.map((e) => e.position)).toEqual(events.map((e) => e.position));
    expect(entries[4]).toMatchObject({ claimId: 'completed', actorId: CHECKER, verdict: 'confirmed', changes: [] });
  });

  it('opens with the deal header', () => {
    expect(entries[0]).toMatchObject({
      claimId: null,
      kind: null,
      verdict: null,
      changes: [
        { field: 'title', from: null, to: 'Twitter / Clubhouse' },
        { field: 'kind', from: null, to: 'acquisition' },
        { field: 'parties', from: null, to: dealOpened().data.parties },
      ],
    });
  });

  it('shows what a retraction undid, as the newsroom saw it then', () => {
    expect(entries[6]).toMatchObject({ eventType: 'ClaimRetracted', claimId: 'completed', verdict: 'retracted' });
    expect(entries[6]?.changes).toEqual([
      { field: 'status', from: 'completed', to: 'announced' },
      { field: 'statusSince', from: '2012-09', to: '2012-04-09' },
      {
        field: 'price',
        from: { value: '715000000', currency: 'USD', qualifier: 'exact', claimId: 'completed', kind: 'deal_completed', occurredAt: '2012-09' },
        to: { value: '1000000000', currency: 'USD', qualifier: 'approximate', claimId: 'announced', kind: 'deal_announced', occurredAt: '2012-04-09' },
      },
    ]);
  });

  it('shows a false verdict removing an offer', () => {
    expect(entries[8]?.changes).toEqual([
      {
        field: 'offers',
        from: { claimId: 'offer', kind: 'offer_made', occurredAt: '2012-04', value: '1000000000', currency: 'USD', qualifier: 'exact', party: null, contested: false },
        to: null,
      },
    ]);
  });

  it('equals the difference of foldDeal before and after each event', () => {
    entries.forEach((entry, index) => {
      const before = index === 0 ? null : foldDeal(events.slice(0, index));
      expect(entry.changes).toEqual(diffDealStates(before, foldDeal(events.slice(0, index + 1))));
    });
  });

  it('opens and closes conflicts', () => {
    const log = recordAll([
      dealOpened(),
      claimRecorded('a', { kind: 'agreement_reached', agreementLevel: 'verbal', occurredAt: '2012-03' }),
      claimRecorded('d', { kind: 'denial', contradicts: 'a', occurredAt: '2012-08' }),
      claimRetracted('a'),
    ]);
    const [, , denial, retraction] = recordedTimeline(log);
    expect(denial?.changes).toEqual([{ field: 'conflicts', from: null, to: { claimIds: ['a', 'd'], reason: 'denial' } }]);
    expect(retraction?.changes).toContainEqual({ field: 'conflicts', from: { claimIds: ['a', 'd'], reason: 'denial' }, to: null });
  });
});
