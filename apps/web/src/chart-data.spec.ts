import type { Claim, DealState, TimelineEntry } from './api';
import { buildChartData, formatMoney, statusDays, verdictsKnownAt } from './chart-data';

const utc = (text: string) => Date.parse(`${text}T00:00:00Z`);

function entry(claimId: string, occurredAt: string, recordedAt: string, changes: TimelineEntry['changes'] = [], extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return { eventType: 'ClaimRecorded', claimId, kind: 'statement', occurredAt, recordedAt, position: 0, version: 0, sources: [], verdict: 'unreviewed', changes, ...extra };
}

function claim(claimId: string, kind: string, occurredAt: string, value: string | null, extra: Partial<Claim> = {}): Claim {
  return {
    claimId,
    dealId: 'd',
    kind,
    statement: '',
    occurredAt,
    amount: value ? { value, currency: 'USD', qualifier: 'exact' } : null,
    party: null,
    agreementLevel: null,
    regulatoryOutcome: null,
    contradicts: null,
    revision: 1,
    verdict: 'unreviewed',
    latestVerdict: null,
    retraction: null,
    counts: true,
    sources: [],
    independentSources: 1,
    recordedBy: 'k',
    recordedAt: '2026-01-01T00:00:00.000Z',
    position: 1,
    ...extra,
  };
}

const state = (conflicts: DealState['conflicts'] = []) => ({ conflicts }) as DealState;

describe('the history chart’s data', () => {
  it('gives a status band per status change, each ending where the next begins and the last at the end of the span', () => {
    const entries = [
      entry('a', '2012-Q1', '2026-01-01T00:00:01.000Z', [{ field: 'status', from: 'unknown', to: 'agreed' }]),
      entry('b', '2012-03', '2026-01-01T00:00:02.000Z', [{ field: 'price', from: null, to: {} }]),
      entry('c', '2012-04', '2026-01-01T00:00:03.000Z', [{ field: 'status', from: 'agreed', to: 'talks_ended' }]),
      entry('d', '2012-12', '2026-01-01T00:00:04.000Z'),
    ];
    const data = buildChartData(entries, [], state());
    expect(data.bands).toEqual([
      { status: 'agreed', from: utc('2012-01-01'), to: utc('2012-04-01'), claimId: 'a' },
      { status: 'talks_ended', from: utc('2012-04-01'), to: utc('2013-01-01'), claimId: 'c' },
    ]);
    expect(data.min).toBe(utc('2012-01-01'));
    expect(data.max).toBe(utc('2013-01-01'));
  });

  it('places prices and offers at the start of their partial dates, by kind, with the verdict known at the time', () => {
    const claims = [
      claim('p', 'deal_completed', '2012-09', '715000000', { verdict: 'confirmed' }),
      claim('o', 'offer_made', '2021-H1', '4000000000', { verdict: 'false' }),
      claim('s', 'statement', '2012', null),
      claim('v', 'valuation_reported', '2012', '1000'),
    ];
    const data = buildChartData([], claims, state(), { verdicts: new Map([['p', 'unreviewed']]) });
    expect(data.prices).toEqual([expect.objectContaining({ claimId: 'p', x: utc('2012-09-01'), y: 715000000, verdict: 'unreviewed', counts: true })]);
    expect(data.offers).toEqual([expect.objectContaining({ claimId: 'o', x: utc('2021-01-01'), y: 4000000000, verdict: 'false', counts: false })]);
    expect(data.currency).toBe('USD');
    expect(data.prices[0].label).toBe('USD 715,000,000 (deal completed, 2012-09, unreviewed)');
  });

  it('leaves out what was recorded after "known at"', () => {
    const entries = [
      entry('a', '2012-01', '2026-01-01T00:00:01.000Z', [{ field: 'status', from: 'unknown', to: 'in_talks' }]),
      entry('b', '2012-06', '2026-01-01T00:00:09.000Z', [{ field: 'status', from: 'in_talks', to: 'agreed' }]),
    ];
    const claims = [claim('b', 'agreement_reached', '2012-06', '10', { recordedAt: '2026-01-01T00:00:09.000Z' })];
    const data = buildChartData(entries, claims, state(), { knownAt: '2026-01-01T00:00:05.000Z' });
    expect(data.bands.map((band) => band.status)).toEqual(['in_talks']);
    expect(data.prices).toEqual([]);
  });

  it('replays the bands from the statuses the API gave for each day, merging repeats and leaving gaps where the status was unknown', () => {
    const entries = [entry('a', '2012-01', '2026-01-01T00:00:01.000Z', [{ field: 'status', from: 'unknown', to: 'agreed' }]), entry('z', '2012-12', '2026-01-01T00:00:02.000Z')];
    const statusSteps = [
      { from: utc('2012-06-01'), status: 'talks_ended' },
      { from: utc('2012-01-01'), status: 'in_talks' },
      { from: utc('2012-02-01'), status: 'in_talks' },
      { from: utc('2012-04-01'), status: 'unknown' },
    ];
    expect(buildChartData(entries, [], state(), { statusSteps }).bands).toEqual([
      { status: 'in_talks', from: utc('2012-01-01'), to: utc('2012-04-01') },
      { status: 'talks_ended', from: utc('2012-06-01'), to: utc('2013-01-01') },
    ]);
  });

  it('asks for the status on each day a known claim starts, once per day, in order', () => {
    const claims = [claim('a', 'statement', '2012-03', null), claim('b', 'statement', '2012-Q1', null), claim('c', 'statement', '2012', null), claim('d', 'statement', '2011', null)];
    expect(statusDays(claims, new Map([['a', 'unreviewed'], ['b', 'false'], ['c', 'confirmed']]))).toEqual(['2012-01-01', '2012-03-01']);
  });

  it('marks each open conflict at the later of its two claims, and the points in it', () => {
    const claims = [claim('x', 'agreement_reached', '2012-03', '525000000'), claim('y', 'denial', '2012-08', null)];
    const data = buildChartData([], claims, state([{ claimIds: ['x', 'y'], reason: 'denial' }]));
    expect(data.conflicts).toEqual([{ x: utc('2012-08-01'), claimIds: ['x', 'y'], reason: 'denial' }]);
    expect(data.prices[0].inConflict).toBe(true);
  });

  it('has an empty span when there is nothing to draw', () => {
    expect(buildChartData([], [], state())).toEqual({ bands: [], prices: [], offers: [], conflicts: [], min: 0, max: 0, currency: null });
  });
});

describe('verdicts known at a time', () => {
  const recorded = [
    entry('a', '2012', '2026-01-01T00:00:01.000Z', [], { verdict: 'unreviewed' }),
    entry('a', '2012', '2026-01-01T00:00:05.000Z', [], { eventType: 'VerdictGiven', verdict: 'confirmed' }),
    entry('b', '2012', '2026-01-01T00:00:07.000Z', [], { verdict: 'unreviewed' }),
    { ...entry('', '', '2026-01-01T00:00:08.000Z'), claimId: null, verdict: null },
  ];

  it('is each claim’s verdict after the last event recorded by then; later claims are absent', () => {
    expect(verdictsKnownAt(recorded, '2026-01-01T00:00:04.000Z')).toEqual(new Map([['a', 'unreviewed']]));
    expect(verdictsKnownAt(recorded, '2026-01-01T00:00:05.000Z')).toEqual(new Map([['a', 'confirmed']]));
    expect(verdictsKnownAt(recorded, null)).toEqual(new Map([['a', 'confirmed'], ['b', 'unreviewed']]));
  });
});

describe('money in words', () => {
  it('groups digits and names the qualifier', () => {
    expect(formatMoney('4000000000', 'USD', 'approximate')).toBe('about USD 4,000,000,000');
    expect(formatMoney('4.5', 'EUR', 'at_least')).toBe('at least EUR 4.5');
    expect(formatMoney('715000000', 'USD')).toBe('USD 715,000,000');
  });
});
