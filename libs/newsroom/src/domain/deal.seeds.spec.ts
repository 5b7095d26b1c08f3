import { claimViews, foldDeal } from './deal.fold';
import { recordedTimeline, validTimeline } from './deal.timeline';
import type { DealStateView } from './deal.views';
import { CHECKER, EDITOR, runCommands } from './testing/deal.fixtures';

/**
 * The stories of the seed articles (shared/seeds), recorded through the
 * decider as an editor and a fact-checker would.
 */

const NYT = { outlet: 'The New York Times', publishedAt: '2012-08-20', language: 'en' };
const SEED_004 = { outlet: 'French tech press (seed 004)', publishedAt: '2012-08-21', language: 'fr' };

function stateOf(events: Parameters<typeof foldDeal>[0], cut?: Parameters<typeof foldDeal>[1]): DealStateView {
  const state = foldDeal(events, cut);
  if (state === null) throw new Error('deal missing');
  return state;
}

describe('seed: Facebook buys Instagram (seed 004)', () => {
  const events = runCommands([
    [
      {
        type: 'OpenDeal',
        dealId: 'facebook-instagram',
        title: 'Facebook acquires Instagram',
        kind: 'acquisition',
        parties: [
          { name: 'Facebook', role: 'acquirer' },
          { name: 'Instagram', role: 'target' },
        ],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'fb-announced',
        kind: 'deal_announced',
        statement: 'Facebook announces it will buy Instagram for a little over one billion dollars',
        occurredAt: '2012-04',
        amount: { value: '1000000000', currency: 'USD', qualifier: 'approximate' },
        sources: [{ ...SEED_004, quote: "la proposition de Facebook de racheter Instagram pour un peu plus d'un milliard de dollars" }],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'fb-completed',
        kind: 'deal_completed',
        statement: 'Facebook closed the deal in September for $715M because its share price fell',
        occurredAt: '2012-09',
        amount: { value: '715000000', currency: 'USD' },
        sources: [{ ...SEED_004, quote: 'il n’a finalement déboursé que 715 millions de dollars en septembre' }],
      },
      EDITOR,
    ],
    [{ type: 'GiveVerdict', claimId: 'fb-completed', verdict: 'confirmed', rationale: 'SEC filings' }, CHECKER],
  ]);

  it('is completed at $715M', () => {
    const state = stateOf(events);
    expect(state).toMatchObject({
      status: 'completed',
      statusSince: '2012-09',
      price: { value: '715000000', currency: 'USD', qualifier: 'exact', claimId: 'fb-completed' },
      conflicts: [],
      claimCounts: { total: 2, unreviewed: 1, confirmed: 1 },
    });
  });

  it('stood announced at about $1B on 2012-05-01', () => {
    const state = stateOf(events, { validAt: '2012-05-01' });
    expect(state).toMatchObject({
      status: 'announced',
      statusSince: '2012-04',
      price: { value: '1000000000', currency: 'USD', qualifier: 'approximate', claimId: 'fb-announced' },
      asOf: { validAt: '2012-05-01', knownAt: null },
    });
  });

  it('tells the story in valid time', () => {
    expect(validTimeline(events).map((e) => [e.claimId, e.changes.find((c) => c.field === 'status')?.to])).toEqual([
      ['fb-announced', 'announced'],
      ['fb-completed', 'completed'],
    ]);
  });
});

describe('seed: Twitter nearly bought Instagram (seed 004)', () => {
  const events = runCommands([
    [
      {
        type: 'OpenDeal',
        dealId: 'twitter-instagram',
        title: 'Twitter tries to buy Instagram',
        kind: 'acquisition',
        parties: [
          { name: 'Twitter', role: 'bidder' },
          { name: 'Instagram', role: 'target' },
        ],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'tw-verbal',
        kind: 'agreement_reached',
        agreementLevel: 'verbal',
        statement: 'Kevin Systrom verbally agreed to sell Instagram to Twitter for $525M',
        occurredAt: '2012-03',
        amount: { value: '525000000', currency: 'USD' },
        party: 'Instagram',
        sources: [{ ...NYT, via: [{ outlet: SEED_004.outlet, publishedAt: SEED_004.publishedAt }] }],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'tw-term-sheet',
        kind: 'statement',
        statement: 'Twitter management sent Kevin Systrom a term sheet with precise terms',
        occurredAt: '2012-03',
        party: 'Twitter',
        sources: [NYT],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'systrom-oath',
        kind: 'denial',
        contradicts: 'tw-verbal',
        statement: 'Systrom certified under oath to California regulators that he had received no formal offer before Facebook',
        occurredAt: '2012-08',
        party: 'Instagram',
        sources: [NYT],
      },
      EDITOR,
    ],
  ]);

  it('holds an open conflict between the agreement and the sworn denial', () => {
    const state = stateOf(events);
    expect(state).toMatchObject({
      status: 'agreed',
      statusSince: '2012-03',
      price: { value: '525000000', claimId: 'tw-verbal' },
      conflicts: [{ claimIds: ['tw-verbal', 'systrom-oath'], reason: 'denial' }],
    });
  });

  it('keeps the sources and the relay', () => {
    const verbal = claimViews(events).find((c) => c.claimId === 'tw-verbal');
    expect(verbal?.sources[0]?.via).toEqual([{ outlet: SEED_004.outlet, publishedAt: SEED_004.publishedAt }]);
    expect(verbal?.independentSources).toBe(1);
  });

  it('marks the status and price contested once the agreement is disputed, and closes the conflict if it is false', () => {
    const disputed = events.concat([
      {
        type: 'VerdictGiven',
        data: { claimId: 'tw-verbal', verdict: 'disputed', rationale: 'Sworn statement says otherwise', claimRevision: 1, givenBy: CHECKER },
        position: 1000,
        version: 5,
        recordedAt: '2024-02-01T00:00:00.000Z',
      },
    ]);
    expect(stateOf(disputed)).toMatchObject({ contested: { status: true, price: true }, conflicts: [{ reason: 'denial' }] });
    const judgedFalse = events.concat([
      {
        type: 'VerdictGiven',
        data: { claimId: 'tw-verbal', verdict: 'false', rationale: 'No offer per sworn statement', claimRevision: 1, givenBy: CHECKER },
        position: 1000,
        version: 5,
        recordedAt: '2024-02-01T00:00:00.000Z',
      },
    ]);
    expect(stateOf(judgedFalse)).toMatchObject({ status: 'unknown', price: null, conflicts: [] });
  });
});

describe('seed: Twitter offered about $4B for Clubhouse (seed 001)', () => {
  const bloombergViaTheVerge = {
    outlet: 'Bloomberg',
    publishedAt: '2021-04-07',
    via: [
      { outlet: 'French tech site (seed 001)', publishedAt: '2021-04-08' },
      { outlet: 'The Verge', url: 'https://www.theverge.com/' },
    ],
  };
  const events = runCommands([
    [
      {
        type: 'OpenDeal',
        dealId: 'twitter-clubhouse',
        title: 'Twitter tries to buy Clubhouse',
        kind: 'acquisition',
        parties: [
          { name: 'Twitter', role: 'bidder' },
          { name: 'Clubhouse', role: 'target' },
        ],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'ch-offer',
        kind: 'offer_made',
        statement: 'Twitter offered about $4B to acquire Clubhouse',
        occurredAt: '2021-Q1',
        amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
        party: 'Twitter',
        sources: [bloombergViaTheVerge],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'ch-ended',
        kind: 'talks_ended',
        statement: 'The talks stopped abruptly',
        occurredAt: '2021-04',
        sources: [bloombergViaTheVerge],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'ch-valuation',
        kind: 'valuation_reported',
        statement: 'Clubhouse is raising money at a $4B valuation',
        occurredAt: '2021-04',
        party: 'Clubhouse',
        amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
        sources: [{ outlet: 'The Verge', publishedAt: '2021-04-08' }],
      },
      EDITOR,
    ],
    [{ type: 'AddSource', claimId: 'ch-offer', source: { ...bloombergViaTheVerge, via: [{ outlet: 'Les Echos' }] } }, EDITOR],
  ]);

  it('ends with talks_ended and the offer listed', () => {
    const state = stateOf(events);
    expect(state).toMatchObject({
      status: 'talks_ended',
      statusSince: '2021-04',
      price: null,
      offers: [{ claimId: 'ch-offer', occurredAt: '2021-Q1', value: '4000000000', currency: 'USD', qualifier: 'approximate', party: 'Twitter' }],
      valuations: [{ party: 'Clubhouse', value: '4000000000', claimId: 'ch-valuation' }],
      conflicts: [],
    });
  });

  it('counts two relays of one Bloomberg story as one source', () => {
    const offer = claimViews(events).find((c) => c.claimId === 'ch-offer');
    expect(offer?.sources).toHaveLength(2);
    expect(offer?.independentSources).toBe(1);
  });

  it('tells the story in recorded time', () => {
    const statuses = recordedTimeline(events).map((e) => e.changes.find((c) => c.field === 'status')?.to ?? null);
    expect(statuses).toEqual([null, 'offer_made', 'talks_ended', null, null]);
  });
});

describe('seed: Twitter buys Sphere (seed 000)', () => {
  const events = runCommands([
    [
      {
        type: 'OpenDeal',
        dealId: 'twitter-sphere',
        title: 'Twitter acquires Sphere',
        kind: 'acquisition',
        parties: [
          { name: 'Twitter', role: 'acquirer' },
          { name: 'Sphere', role: 'target' },
        ],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'sp-done',
        kind: 'deal_completed',
        statement: 'Twitter confirmed to TechCrunch it bought Sphere; financial terms undisclosed',
        occurredAt: '2021-10',
        sources: [{ outlet: 'TechCrunch', publishedAt: '2021-10-20' }],
      },
      EDITOR,
    ],
    [
      {
        type: 'RecordClaim',
        claimId: 'sp-funding',
        kind: 'funding_raised',
        statement: 'Sphere reportedly raised at least $30M',
        occurredAt: '2021',
        party: 'Sphere',
        amount: { value: '30000000', currency: 'USD', qualifier: 'at_least' },
        sources: [{ outlet: 'French tech press (seed 000)', publishedAt: '2021-10-21', language: 'fr' }],
      },
      EDITOR,
    ],
  ]);

  it('is completed with no disclosed price and Sphere’s funding listed', () => {
    expect(stateOf(events)).toMatchObject({
      status: 'completed',
      price: null,
      funding: [{ party: 'Sphere', rounds: [{ claimId: 'sp-funding', amount: { value: '30000000', qualifier: 'at_least' } }] }],
    });
  });
});
