import fc from 'fast-check';
import type { ClaimChangesInput, DealCommand } from '../deal.commands';
import { decide } from '../deal.decider';
import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  REGULATORY_OUTCOMES,
  VERDICTS,
  type ClaimKind,
  type DealEvent,
  type RecordedDealEvent,
} from '../deal.events';
import { evolve, initialDecisionState, type DealDecisionState } from '../deal.state';
import { DomainError } from '../domain.error';
import type { MoneyInput } from '../money';
import type { Source } from '../source';

/**
 * Random but valid deal histories: random intents are turned into commands
 * against the state so far and run through decide/evolve; refused commands
 * (four-eyes, retracted...) are dropped, as the API would refuse them.
 */

export const DATES = ['2012', '2012-H1', '2012-Q1', '2012-01', '2012-01-01', '2012-03', '2012-03-25', '2012-Q2', '2012-H2', '2013'];
export const PUBLISHED = ['2012-01-01', '2012-03-30', '2012-03-30T12:00:00Z', '2012-03-30T12:00:00+02:00', '2012-04-02'];
export const OUTLETS = ['Bloomberg', 'bloomberg', 'The Verge', 'The New York Times', 'TechCrunch'];
export const PARTIES = ['Twitter', 'Clubhouse', 'clubhouse', 'Instagram'];
export const ACTORS = ['editor-1', 'editor-2', 'checker-1'];
export const VALUES = ['100', '100.5', '101', '150', '4000000000', '0'];

export const money: fc.Arbitrary<MoneyInput> = fc.record({
  value: fc.constantFrom(...VALUES),
  currency: fc.constantFrom('USD', 'USD', 'USD', 'EUR'),
  qualifier: fc.constantFrom('exact', 'exact', 'approximate', 'at_least', 'at_most'),
});

const source: fc.Arbitrary<Source> = fc.record({
  outlet: fc.constantFrom(...OUTLETS),
  publishedAt: fc.constantFrom(...PUBLISHED),
});

type Intent =
  | {
      t: 'record';
      kind: ClaimKind;
      occurredAt: string;
      amount: MoneyInput | null;
      party: string | null;
      target: number;
      sources: Source[];
      actor: string;
    }
  | { t: 'source'; target: number; source: Source; actor: string }
  | { t: 'verdict'; target: number; verdict: (typeof VERDICTS)[number]; actor: string }
  | { t: 'retract'; target: number; actor: string }
  | { t: 'correct'; target: number; changes: ClaimChangesInput; actor: string };

const actor = fc.constantFrom(...ACTORS);
const target = fc.nat({ max: 1000 });

const intent: fc.Arbitrary<Intent> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('record' as const),
      kind: fc.constantFrom(...CLAIM_KINDS),
      occurredAt: fc.constantFrom(...DATES),
      amount: fc.option(money, { freq: 2 }),
      party: fc.option(fc.constantFrom(...PARTIES), { freq: 3 }),
      target,
      sources: fc.array(source, { minLength: 1, maxLength: 2 }),
      actor,
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('source' as const), target, source, actor }) },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('verdict' as const), target, verdict: fc.constantFrom(...VERDICTS), actor }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('retract' as const), target, actor }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('correct' as const),
      target,
      actor,
      changes: fc.record(
        {
          occurredAt: fc.constantFrom(...DATES),
          amount: fc.option(money, { freq: 3 }),
          kind: fc.constantFrom(...CLAIM_KINDS),
          party: fc.option(fc.constantFrom(...PARTIES), { freq: 3 }),
          statement: fc.constantFrom('Corrected', 'Corrected again'),
          agreementLevel: fc.constantFrom(...AGREEMENT_LEVELS),
          regulatoryOutcome: fc.constantFrom(...REGULATORY_OUTCOMES),
        },
        { requiredKeys: [] },
      ),
    }),
  },
);

function commandFor(intent: Intent, state: DealDecisionState, claimIds: string[], index: number): DealCommand | null {
  const pick = (n: number): string | undefined => claimIds[n % Math.max(claimIds.length, 1)];
  switch (intent.t) {
    case 'record': {
      const claimId = `c${index}`;
      let kind = intent.kind;
      const contradicts = pick(intent.target);
      if (kind === 'denial' && contradicts === undefined) kind = 'statement';
      return {
        type: 'RecordClaim',
        claimId,
        kind,
        statement: `Claim ${claimId}`,
        occurredAt: intent.occurredAt,
        sources: intent.sources,
        ...(intent.amount !== null && { amount: intent.amount }),
        ...((intent.party !== null || kind === 'valuation_reported' || kind === 'funding_raised') && {
          party: intent.party ?? 'Clubhouse',
        }),
        ...(kind === 'agreement_reached' && { agreementLevel: AGREEMENT_LEVELS[intent.target % 3] }),
        ...(kind === 'regulatory_action' && { regulatoryOutcome: REGULATORY_OUTCOMES[intent.target % 4] }),
        ...(kind === 'denial' && { contradicts }),
      } as DealCommand;
    }
    case 'source': {
      const claimId = pick(intent.target);
      return claimId === undefined ? null : { type: 'AddSource', claimId, source: intent.source };
    }
    case 'verdict': {
      const claimId = pick(intent.target);
      return claimId === undefined ? null : { type: 'GiveVerdict', claimId, verdict: intent.verdict, rationale: 'Checked' };
    }
    case 'retract': {
      const claimId = pick(intent.target);
      return claimId === undefined ? null : { type: 'RetractClaim', claimId, reason: 'Withdrawn' };
    }
    case 'correct': {
      const claimId = pick(intent.target);
      if (claimId === undefined) return null;
      const claim = state.claims[claimId];
      const changes: Record<string, unknown> = { ...intent.changes };
      // Keep the kind-specific fields only when the target kind needs them.
      const kind = (changes['kind'] as ClaimKind | undefined) ?? claim?.kind;
      if (kind !== 'agreement_reached') delete changes['agreementLevel'];
      if (kind !== 'regulatory_action') delete changes['regulatoryOutcome'];
      return { type: 'CorrectClaim', claimId, changes: changes as ClaimChangesInput, reason: 'Fix' };
    }
    default: {
      const unexpected: never = intent;
      throw new Error(`unknown intent ${JSON.stringify(unexpected)}`);
    }
  }
}

export interface GeneratedHistory {
  readonly events: RecordedDealEvent[];
  readonly state: DealDecisionState;
  readonly refused: number;
}

function build(intents: readonly Intent[], gaps: readonly number[], pauses: readonly number[]): GeneratedHistory {
  let state = initialDecisionState();
  const raw: DealEvent[] = [];
  const claimIds: string[] = [];
  let refused = 0;
  const opened = decide(
    {
      type: 'OpenDeal',
      dealId: 'deal-p',
      title: 'Generated deal',
      kind: 'acquisition',
      parties: [
        { name: 'Twitter', role: 'bidder' },
        { name: 'Clubhouse', role: 'target' },
      ],
    },
    state,
    { actorId: 'editor-1' },
  );
  for (const event of opened) state = evolve(state, event);
  raw.push(...opened);
  intents.forEach((item, index) => {
    const command = commandFor(item, state, claimIds, index);
    if (command === null) return;
    try {
      const produced = decide(command, state, { actorId: item.actor });
      for (const event of produced) {
        state = evolve(state, event);
        if (event.type === 'ClaimRecorded') claimIds.push(event.data.claimId);
      }
      raw.push(...produced);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      refused++;
    }
  });
  let position = 0;
  let second = 0;
  const events = raw.map((event, index) => {
    position += 1 + (gaps[index % Math.max(gaps.length, 1)] ?? 0);
    second += pauses[index % Math.max(pauses.length, 1)] ?? 1;
    return {
      ...event,
      position,
      version: index + 1,
      recordedAt: new Date(Date.UTC(2024, 0, 1) + second * 1000).toISOString(),
    } as RecordedDealEvent;
  });
  return { events, state, refused };
}

/** A valid deal history: DealOpened, then up to `maxIntents` attempted commands. */
export function dealHistory(maxIntents = 40): fc.Arbitrary<GeneratedHistory> {
  return fc
    .tuple(
      fc.array(intent, { maxLength: maxIntents, size: 'max' }),
      fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 10 }),
      fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 10 }),
    )
    .map(([intents, gaps, pauses]) => build(intents, gaps, pauses));
}
