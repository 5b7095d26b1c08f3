import { claimsTouchedBy, evolve, evolveAll, findClaim, initialDecisionState } from './deal.state';
import {
  claimCorrected,
  claimRecorded,
  claimRetracted,
  dealOpened,
  EDITOR,
  source,
  sourceAdded,
  verdictGiven,
} from './testing/deal.fixtures';

describe('decision state', () => {
  const history = [
    dealOpened(),
    claimRecorded('c1', { kind: 'agreement_reached', agreementLevel: 'verbal', amount: { value: '525000000', currency: 'USD', qualifier: 'exact' } }),
    verdictGiven('c1', 'confirmed'),
    sourceAdded('c1', source({ outlet: 'The New York Times' })),
    claimCorrected('c1', { kind: 'deal_announced', agreementLevel: null, amount: null }),
    claimRecorded('c2'),
    claimRetracted('c2'),
  ];

  it('folds the history into what decide needs', () => {
    const state = evolveAll(initialDecisionState(), history);
    expect(state).toEqual({
      deal: { dealId: 'deal-1', title: 'Twitter / Clubhouse', kind: 'acquisition', parties: dealOpened().data.parties },
      claims: {
        c1: {
          claimId: 'c1',
          kind: 'deal_announced',
          statement: 'Claim c1',
          occurredAt: '2021-04',
          recordedBy: EDITOR,
          retracted: false,
          revision: 2,
          correctedBy: [EDITOR],
          verdict: 'confirmed',
          verdictRevision: 1,
        },
        c2: { claimId: 'c2', kind: 'statement', statement: 'Claim c2', occurredAt: '2021-04', recordedBy: EDITOR, retracted: true, revision: 1, correctedBy: [] },
      },
    });
  });

  it('is plain JSON', () => {
    const state = evolveAll(initialDecisionState(), history);
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  });

  it('gives the same state one event at a time, and never mutates its input', () => {
    const initial = initialDecisionState();
    let state = initial;
    const snapshots = [];
    for (const event of history) {
      const frozen = JSON.stringify(state);
      const next = evolve(state, event);
      expect(JSON.stringify(state)).toBe(frozen);
      snapshots.push(next);
      state = next;
    }
    expect(state).toEqual(evolveAll(initial, history));
    expect(initial).toEqual({ deal: null, claims: {} });
  });

  it('ignores events about claims a partial state does not hold', () => {
    const partial = evolveAll(initialDecisionState(), [dealOpened()]);
    expect(evolveAll(partial, [verdictGiven('c9', 'false'), claimRetracted('c9'), claimCorrected('c9', { statement: 'x' })])).toEqual(partial);
  });

  it('looks claims up as own keys only', () => {
    const state = evolveAll(initialDecisionState(), history);
    expect(findClaim(state, 'c1')?.claimId).toBe('c1');
    expect(findClaim(state, 'constructor')).toBeUndefined();
    expect(findClaim(state, 'toString')).toBeUndefined();
  });

  it('names the claims each command touches', () => {
    expect(claimsTouchedBy({ type: 'OpenDeal', dealId: 'd', title: 't', kind: 'other', parties: [] })).toEqual([]);
    expect(
      claimsTouchedBy({ type: 'RecordClaim', claimId: 'c3', kind: 'denial', contradicts: 'c1', statement: 's', occurredAt: '2012', sources: [] }),
    ).toEqual(['c3', 'c1']);
    expect(claimsTouchedBy({ type: 'RecordClaim', claimId: 'c3', kind: 'statement', statement: 's', occurredAt: '2012', sources: [] })).toEqual([
      'c3',
    ]);
    expect(claimsTouchedBy({ type: 'AddSource', claimId: 'c1', source: source() })).toEqual(['c1']);
    expect(claimsTouchedBy({ type: 'CorrectClaim', claimId: 'c1', changes: {}, reason: 'r' })).toEqual(['c1']);
    expect(claimsTouchedBy({ type: 'GiveVerdict', claimId: 'c1', verdict: 'false', rationale: 'r' })).toEqual(['c1']);
    expect(claimsTouchedBy({ type: 'RetractClaim', claimId: 'c1', reason: 'r' })).toEqual(['c1']);
  });
});
