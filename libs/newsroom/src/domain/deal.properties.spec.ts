import fc from 'fast-check';
import { dealHeaderOf, replayDeal } from './claim.record';
import { byOrderKey, conflictKey, deriveDealState, diffDealStates, slotsOfState, slotKey, type Slots } from './deal.derivation';
import { decide } from './deal.decider';
import type { RecordedDealEvent } from './deal.events';
import type { ConflictView } from './deal.views';
import { claimViews, foldDeal } from './deal.fold';
import { claimDecisionStateOf, evolve, evolveAll, initialDecisionState } from './deal.state';
import { recordedTimeline, validTimeline } from './deal.timeline';
import { DomainError } from './domain.error';
import { dealHistory } from './testing/deal.arbitraries';
import { recordAll, dealOpened } from './testing/deal.fixtures';

const RUNS = { numRuns: Number(process.env['PROPERTY_RUNS'] ?? 150) };

function replay(entriesChanges: readonly { field: string; from: unknown; to: unknown; key: string }[]): Slots {
  const slots = slotsOfState(null);
  for (const change of entriesChanges) {
    const isItem = ['offers', 'valuations', 'funding', 'regulatory', 'conflicts'].includes(change.field);
    if (isItem && change.to === null) slots.delete(change.key);
    else slots.set(change.key, change.to);
  }
  return slots;
}

/** The slot key a change applies to (the item key is read back from the item). */
function keyOf(change: { field: string; from: unknown; to: unknown }): string {
  const item = (change.to ?? change.from) as Record<string, unknown> | null;
  switch (change.field) {
    case 'offers':
    case 'funding':
    case 'regulatory':
      return slotKey(change.field, String(item?.['claimId']));
    case 'valuations':
      return slotKey(change.field, String(item?.['party']).normalize('NFKC').toLowerCase().replace(/\s+/gu, ''));
    case 'conflicts': {
      return slotKey(change.field, conflictKey(item as unknown as ConflictView));
    }
    default:
      return slotKey(change.field as never);
  }
}

describe('properties of the deal fold', () => {
  it('(1) evolving one event at a time equals evolving all at once', () => {
    fc.assert(
      fc.property(dealHistory(), ({ events, state }) => {
        let stepwise = initialDecisionState();
        for (const event of events) stepwise = evolve(stepwise, event);
        expect(stepwise).toEqual(evolveAll(initialDecisionState(), events));
        expect(stepwise).toEqual(state);
        expect(JSON.parse(JSON.stringify(stepwise))).toEqual(stepwise);
      }),
      RUNS,
    );
  });

  it('the decision state of each claim is what its read-side record gives (commands decide from the projection)', () => {
    fc.assert(
      fc.property(dealHistory(), ({ events, state }) => {
        const replayed = replayDeal(events, null);
        expect(Object.keys(state.claims).sort()).toEqual([...replayed.claims.keys()].sort());
        for (const record of replayed.claims.values()) expect(claimDecisionStateOf(record)).toEqual(state.claims[record.claimId]);
      }),
      RUNS,
    );
  });

  it('(2) foldDeal of any prefix equals the fold of that prefix after a JSON round trip', () => {
    fc.assert(
      fc.property(dealHistory(), fc.nat(), ({ events }, cutAt) => {
        const prefix = events.slice(0, (cutAt % events.length) + 1);
        const roundTripped = JSON.parse(JSON.stringify(prefix)) as RecordedDealEvent[];
        expect(foldDeal(roundTripped)).toEqual(foldDeal(prefix));
        expect(claimViews(roundTripped)).toEqual(claimViews(prefix));
        expect(JSON.parse(JSON.stringify(foldDeal(prefix)))).toEqual(foldDeal(prefix));
      }),
      RUNS,
    );
  });

  it('(3) foldDeal does not depend on the order of the array', () => {
    fc.assert(
      fc.property(
        dealHistory().chain((history) =>
          fc.tuple(fc.constant(history), fc.shuffledSubarray(history.events, { minLength: history.events.length, maxLength: history.events.length })),
        ),
        ([{ events }, shuffled]) => {
          expect(foldDeal(shuffled)).toEqual(foldDeal(events));
          expect(recordedTimeline(shuffled)).toEqual(recordedTimeline(events));
          expect(validTimeline(shuffled)).toEqual(validTimeline(events));
        },
      ),
      RUNS,
    );
  });

  it('(4) replaying the recorded timeline from the empty state gives foldDeal’s state', () => {
    fc.assert(
      fc.property(dealHistory(), ({ events }) => {
        const entries = recordedTimeline(events);
        const final = foldDeal(events);
        const replayed = replay(entries.flatMap((entry) => entry.changes.map((change) => ({ ...change, key: keyOf(change) }))));
        expect(replayed.get(slotKey('status'))).toEqual(final?.status);
        expect(replayed.get(slotKey('price'))).toEqual(final?.price);
        expect(replayed).toEqual(slotsOfState(final));
      }),
      RUNS,
    );
  });

  it('each recorded timeline entry is the difference of foldDeal before and after its event', () => {
    fc.assert(
      fc.property(dealHistory(30), ({ events }) => {
        const entries = recordedTimeline(events);
        let before = null;
        for (let i = 0; i < events.length; i++) {
          const after = foldDeal(events.slice(0, i + 1));
          expect(entries[i]?.changes).toEqual(diffDealStates(before, after));
          before = after;
        }
      }),
      { numRuns: Math.ceil(RUNS.numRuns / 2) },
    );
  });

  it('each valid timeline entry is the difference of the state of the claims before it in 2.3 order and the state with it', () => {
    fc.assert(
      fc.property(dealHistory(30), ({ events }) => {
        const counting = [...replayDeal(events, null).claims.values()].filter((claim) => claim.counts).sort(byOrderKey);
        const header = dealHeaderOf(events[0] as RecordedDealEvent & { type: 'DealOpened' });
        const meta = { version: 0, lastRecordedAt: null, asOf: { validAt: null, knownAt: null } };
        const entries = validTimeline(events);
        expect(entries.map((entry) => entry.claimId)).toEqual(counting.map((claim) => claim.claimId));
        let before = deriveDealState(header, [], meta);
        counting.forEach((_claim, i) => {
          const after = deriveDealState(header, counting.slice(0, i + 1), meta);
          expect(entries[i]?.changes).toEqual(diffDealStates(before, after));
          before = after;
        });
      }),
      { numRuns: Math.ceil(RUNS.numRuns / 2) },
    );
  });

  it('the valid timeline ends where foldDeal is', () => {
    fc.assert(
      fc.property(dealHistory(), ({ events }) => {
        const final = foldDeal(events);
        let status: unknown = 'unknown';
        let price: unknown = null;
        for (const entry of validTimeline(events)) {
          for (const change of entry.changes) {
            if (change.field === 'status') status = change.to;
            if (change.field === 'price') price = change.to;
          }
        }
        expect(status).toEqual(final?.status);
        expect(price).toEqual(final?.price);
      }),
      RUNS,
    );
  });

  it('knownAt=T equals folding the events recorded up to T', () => {
    fc.assert(
      fc.property(dealHistory(), fc.nat(), ({ events }, pick) => {
        const at = (events[pick % events.length] as RecordedDealEvent).recordedAt;
        const upToT = events.filter((event) => event.recordedAt <= at);
        const state = foldDeal(events, { knownAt: at });
        expect(state === null ? null : { ...state, asOf: null }).toEqual({ ...foldDeal(upToT)!, asOf: null });
      }),
      RUNS,
    );
  });

  it('conflicts only ever name counting claims', () => {
    fc.assert(
      fc.property(dealHistory(), ({ events }) => {
        const counting = new Set(claimViews(events).filter((c) => c.counts).map((c) => c.claimId));
        for (const conflict of foldDeal(events)?.conflicts ?? []) {
          expect(counting.has(conflict.claimIds[0])).toBe(true);
          expect(counting.has(conflict.claimIds[1])).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('decide refuses garbage with domain errors only, never a crash', () => {
    const opened = evolveAll(initialDecisionState(), [dealOpened()]);
    const garbage = fc.record({
      type: fc.constantFrom('OpenDeal', 'RecordClaim', 'AddSource', 'CorrectClaim', 'GiveVerdict', 'RetractClaim'),
      dealId: fc.anything(),
      claimId: fc.oneof(fc.constant('c1'), fc.anything()),
      title: fc.anything(),
      kind: fc.anything(),
      parties: fc.anything(),
      statement: fc.anything(),
      occurredAt: fc.anything(),
      amount: fc.anything(),
      party: fc.anything(),
      agreementLevel: fc.anything(),
      regulatoryOutcome: fc.anything(),
      contradicts: fc.anything(),
      sources: fc.anything(),
      source: fc.anything(),
      changes: fc.anything(),
      reason: fc.anything(),
      verdict: fc.anything(),
      rationale: fc.anything(),
      evidence: fc.anything(),
    }, { requiredKeys: ['type'] });
    const withClaim = evolveAll(opened, recordAll([{ type: 'ClaimRecorded', data: { claimId: 'c1', dealId: 'deal-1', kind: 'statement', statement: 's', occurredAt: '2012', sources: [{ outlet: 'X', publishedAt: '2012-01-01' }], recordedBy: 'editor-1' } }]));
    fc.assert(
      fc.property(garbage, fc.boolean(), (command, hasClaim) => {
        try {
          decide(command as never, hasClaim ? withClaim : opened, { actorId: 'checker-1' });
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
