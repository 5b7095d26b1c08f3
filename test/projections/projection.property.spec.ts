import fc from 'fast-check';
import { EventStore } from '@app/event-store';
import {
  AGREEMENT_LEVELS,
  CLAIM_KINDS,
  claimsTouchedBy,
  DealCommandService,
  DealProjectionRebuilder,
  DealProjector,
  decide,
  DomainError,
  evolve,
  foldDeal,
  recordedTimeline,
  GetAuditTrailQuery,
  GetDealStateQuery,
  GetDealTimelineQuery,
  REGULATORY_OUTCOMES,
  VERDICTS,
  type ClaimChangesInput,
  type ClaimDecisionState,
  type ClaimKind,
  type DealCommand,
  type DealDecisionState,
  type DealEvent,
  type MoneyInput,
  type RecordedDealEvent,
  type Source,
} from '@app/newsroom';
import { ACTORS, DATES, money, OUTLETS, PARTIES, PUBLISHED } from '../../libs/newsroom/src/domain/testing/deal.arbitraries';
import { MemoryProjection } from '../support/memory-projection';
import { dumpReadModels } from '../support/read-models';
import type { DataSource } from 'typeorm';
import type { Query } from '@nestjs/cqrs';
import { readDealEvents } from '../../libs/newsroom/src/application/deal-events';
import { GetDealStateHandler } from '../../libs/newsroom/src/application/get-deal-state/get-deal-state.handler';
import { GetDealTimelineHandler } from '../../libs/newsroom/src/application/get-deal-timeline/get-deal-timeline.handler';
import { GetAuditTrailHandler } from '../../libs/newsroom/src/application/get-audit-trail/get-audit-trail.handler';
import { registerDealUpcasters } from '../../libs/newsroom/src/domain/deal.upcasters';
import { createTestDatabase, openDataSource } from '../support/test-database';

// ---------------------------------------------------------------- random valid histories of a few deals


/** Ids are UUIDs (the read models' key columns are uuid), made from a counter so runs replay. */
const uuid = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const source: fc.Arbitrary<Source> = fc.record(
  {
    outlet: fc.constantFrom(...OUTLETS),
    publishedAt: fc.constantFrom(...PUBLISHED),
    via: fc.constant([{ outlet: 'Clubic' }]),
  },
  { requiredKeys: ['outlet', 'publishedAt'] },
);

type Intent =
  | {
      t: 'record';
      kind: ClaimKind;
      occurredAt: string;
      amount: MoneyInput | null;
      party: string | null;
      target: number;
      sources: Source[];
    }
  | { t: 'source'; target: number; source: Source }
  | { t: 'verdict'; target: number; verdict: (typeof VERDICTS)[number] }
  | { t: 'retract'; target: number }
  | { t: 'correct'; target: number; changes: ClaimChangesInput };

const target = fc.nat({ max: 1000 });
const intent: fc.Arbitrary<{ deal: number; actor: string; intent: Intent }> = fc.record({
  deal: fc.nat({ max: 2 }),
  actor: fc.constantFrom(...ACTORS),
  intent: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        t: fc.constant('record' as const),
        kind: fc.constantFrom(...CLAIM_KINDS),
        occurredAt: fc.constantFrom(...DATES),
        amount: fc.option(money, { freq: 2 }),
        party: fc.option(fc.constantFrom(...PARTIES), { freq: 3 }),
        target,
        sources: fc.array(source, { minLength: 1, maxLength: 2 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('source' as const), target, source }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('verdict' as const), target, verdict: fc.constantFrom(...VERDICTS) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('retract' as const), target }) },
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('correct' as const),
        target,
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
  ),
});

function commandFor(intent: Intent, state: DealDecisionState, claimIds: string[], claimId: string): DealCommand | null {
  const pick = (n: number): string | undefined => claimIds[n % Math.max(claimIds.length, 1)];
  switch (intent.t) {
    case 'record': {
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
        ...((intent.party !== null || kind === 'valuation_reported' || kind === 'funding_raised') && { party: intent.party ?? 'Clubhouse' }),
        ...(kind === 'agreement_reached' && { agreementLevel: AGREEMENT_LEVELS[intent.target % 3] }),
        ...(kind === 'regulatory_action' && { regulatoryOutcome: REGULATORY_OUTCOMES[intent.target % 4] }),
        ...(kind === 'denial' && { contradicts }),
      } as DealCommand;
    }
    case 'source': {
      const id = pick(intent.target);
      return id === undefined ? null : { type: 'AddSource', claimId: id, source: intent.source };
    }
    case 'verdict': {
      const id = pick(intent.target);
      return id === undefined ? null : { type: 'GiveVerdict', claimId: id, verdict: intent.verdict, rationale: 'Checked' };
    }
    case 'retract': {
      const id = pick(intent.target);
      return id === undefined ? null : { type: 'RetractClaim', claimId: id, reason: 'Withdrawn' };
    }
    case 'correct': {
      const id = pick(intent.target);
      if (id === undefined) return null;
      const changes: Record<string, unknown> = { ...intent.changes };
      const kind = (changes['kind'] as ClaimKind | undefined) ?? state.claims[id]?.kind;
      if (kind !== 'agreement_reached') delete changes['agreementLevel'];
      if (kind !== 'regulatory_action') delete changes['regulatoryOutcome'];
      return { type: 'CorrectClaim', claimId: id, changes: changes as ClaimChangesInput, reason: 'Fix' };
    }
    default: {
      const unexpected: never = intent;
      throw new Error(`unknown intent ${JSON.stringify(unexpected)}`);
    }
  }
}

interface Generated {
  /** Every deal's events in recording order, interleaved across deals. */
  log: { dealId: string; event: RecordedDealEvent }[];
  dealIds: string[];
  /** The commands that made them, in order, with who sent them. */
  commands: { dealId: string; command: DealCommand; actorId: string }[];
}

/**
 * Random intents turned into commands against each deal's state and run
 * through decide/evolve; refused commands are dropped, as the API refuses them.
 * Positions grow across deals (with gaps), versions per deal, recorded times
 * never go backwards.
 */
function build(deals: number, intents: { deal: number; actor: string; intent: Intent }[], gaps: number[]): Generated {
  const dealIds = Array.from({ length: deals }, (_, d) => uuid('d', d));
  const states = dealIds.map((): { state: DealDecisionState; claimIds: string[]; version: number } => ({
    state: { deal: null, claims: {} },
    claimIds: [],
    version: 0,
  }));
  const raw: { deal: number; event: DealEvent }[] = [];
  const commands: Generated['commands'] = [];
  let claims = 0;
  const run = (deal: number, command: DealCommand, actorId: string): void => {
    const holder = states[deal]!;
    // decide sees what the API hands it: the header and the claims the command touches
    const touched: Record<string, ClaimDecisionState> = {};
    for (const id of claimsTouchedBy(command)) if (holder.state.claims[id]) touched[id] = holder.state.claims[id];
    let produced: DealEvent[];
    try {
      produced = decide(command, { deal: holder.state.deal, claims: touched }, { actorId });
    } catch (error) {
      if (error instanceof DomainError) return;
      throw error;
    }
    commands.push({ dealId: dealIds[deal]!, command, actorId });
    for (const event of produced) {
      holder.state = evolve(holder.state, event);
      if (event.type === 'ClaimRecorded') holder.claimIds.push(event.data.claimId);
      raw.push({ deal, event });
    }
  };
  dealIds.forEach((dealId, d) =>
    run(
      d,
      {
        type: 'OpenDeal',
        dealId,
        title: `Deal ${d}`,
        kind: 'acquisition',
        parties: [
          { name: 'Twitter', role: 'bidder' },
          { name: 'Clubhouse', role: 'target' },
        ],
      },
      'editor-1',
    ),
  );
  for (const { deal, actor, intent: item } of intents) {
    const d = deal % deals;
    const command = commandFor(item, states[d]!.state, states[d]!.claimIds, uuid('c', claims));
    if (command === null) continue;
    if (command.type === 'RecordClaim') claims++;
    run(d, command, actor);
  }
  let position = 0;
  let millisecond = 0;
  const log = raw.map(({ deal, event }, i) => {
    position += 1 + (gaps[i % gaps.length] ?? 0);
    millisecond += gaps[(i + 1) % gaps.length] ?? 1;
    const holder = states[deal]!;
    holder.version++;
    return {
      dealId: dealIds[deal]!,
      event: {
        ...event,
        position,
        version: holder.version,
        recordedAt: new Date(Date.UTC(2024, 0, 1) + millisecond).toISOString(),
      } as RecordedDealEvent,
    };
  });
  return { log, dealIds, commands };
}

const histories = (maxIntents: number): fc.Arbitrary<Generated> =>
  fc
    .tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.array(intent, { maxLength: maxIntents, size: 'max' }),
      fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 8 }),
    )
    .map(([deals, intents, gaps]) => build(deals, intents, gaps));

/** How the events are cut into appends: sizes drawn in turn, a new append at every change of deal. */
function appends(log: Generated['log'], sizes: number[]): { dealId: string; events: RecordedDealEvent[] }[] {
  const out: { dealId: string; events: RecordedDealEvent[] }[] = [];
  let turn = 0;
  for (const { dealId, event } of log) {
    const last = out[out.length - 1];
    if (last && last.dealId === dealId && last.events.length < (sizes[turn % sizes.length] ?? 1)) last.events.push(event);
    else {
      turn++;
      out.push({ dealId, events: [event] });
    }
  }
  return out;
}

const eventsOf = (log: Generated['log'], dealId: string) => log.filter((e) => e.dealId === dealId).map((e) => e.event);

/** The inline path in memory, one projector per append over the working set the tables give. */
function projectByAppends(batches: { dealId: string; events: RecordedDealEvent[] }[]): MemoryProjection {
  const tables = new MemoryProjection();
  for (const { dealId, events } of batches) tables.append(dealId, events);
  return tables;
}

describe('the deal projector', () => {
  it('applied event by event gives the fold of all the events and the recorded timeline, from scratch or append by append', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(histories(60), fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }), ({ log, dealIds }, sizes) => {
        for (const { event } of log) seen.set(event.type, (seen.get(event.type) ?? 0) + 1);
        const byAppends = projectByAppends(appends(log, sizes));
        for (const dealId of dealIds) {
          const events = eventsOf(log, dealId);
          const folded = foldDeal(events);
          const expectedTimeline = recordedTimeline(events);

          // one projector for the whole stream, as a rebuild keeps one
          const projector = new DealProjector();
          for (const event of events) projector.apply(event);
          const rows = projector.rows();
          expect(rows.deals[0]?.state).toEqual(folded);
          expect(rows.deals[0]?.version).toBe(events.length);
          expect(rows.timeline.map((t) => t.entry)).toEqual(expectedTimeline);
          expect(rows.timeline.map((t) => [t.version, t.position])).toEqual(events.map((e) => [e.version, e.position]));

          // one projector per append over the working set, as the inline projection does
          expect(byAppends.state(dealId)).toEqual(folded);
          expect(byAppends.timeline(dealId)).toEqual(expectedTimeline);
        }
      }),
      { numRuns: 30 },
    );
    // the histories hold every kind of event, many of them
    expect([...seen.keys()].sort()).toEqual(['ClaimCorrected', 'ClaimRecorded', 'ClaimRetracted', 'ClaimSourceAdded', 'DealOpened', 'VerdictGiven']);
    expect(seen.get('ClaimRecorded')).toBeGreaterThan(100);
  });
});

describe('the deal read models in PostgreSQL', () => {
  it('are the same whether written by each command or rebuilt from the log, and read back as the fold of the log', async () => {
    await fc.assert(
      fc.asyncProperty(histories(50), async ({ commands, dealIds, log }) => {
        const db = await createTestDatabase();
        const dataSource = await openDataSource(db.url, 4);
        try {
          const store = new EventStore(dataSource);
          registerDealUpcasters(store.upcasters);
          // two writers, as two API processes, taking turns every three commands: each often writes on a deal
          // it wrote last (and holds) and on a deal the other changed since; every other command about a
          // claim names only the claim, as the /claims/{id} routes do
          const writers = [new DealCommandService(store, dataSource), new DealCommandService(store, dataSource)];
          for (const [index, { dealId, command, actorId }] of commands.entries()) {
            const context = { actor: { keyId: actorId, roles: ['editor', 'fact_checker'] } };
            const byClaim = command.type !== 'OpenDeal' && command.type !== 'RecordClaim' && index % 2 === 1;
            await writers[Math.floor(index / 3) % 2]!.execute(byClaim ? null : dealId, command, context, false);
          }
          const live = await dumpReadModels(dataSource);
          expect(live.deals).toHaveLength(dealIds.length);
          expect(live.timeline).toHaveLength(log.length);
          const queries = queryBus(dataSource, store);
          for (const dealId of dealIds) {
            const stored = await readDealEvents(store, dealId);
            expect(await queries.execute(new GetDealStateQuery(dealId))).toEqual(JSON.parse(JSON.stringify(foldDeal(stored))));
            // the actors here are labels, not keys: each is its own name
            const named = recordedTimeline(stored).map((entry) => ({ ...entry, actorName: entry.actorId }));
            expect(JSON.parse(await queries.execute(new GetDealTimelineQuery(dealId, 'recorded')))).toEqual(JSON.parse(JSON.stringify(named)));
            // the audit trail, followed from cursor to cursor: every event once, in version order, whatever the page size
            const audit = await auditTrail(queries, dealId, 500);
            expect(audit.map((e) => e.version)).toEqual(stored.map((e) => e.version));
            for (const limit of [1, 2, 3]) expect(await auditTrail(queries, dealId, limit)).toEqual(audit);
          }

          const result = await new DealProjectionRebuilder(dataSource, store).rebuild();
          expect(result).toMatchObject({ events: log.length, deals: dealIds.length });
          expect(await dumpReadModels(dataSource)).toEqual(live);
        } finally {
          await dataSource.destroy();
          await db.drop();
        }
      }),
      { numRuns: 5 },
    );
  });
});

/** The query handlers on a bus of their own, as the API registers them. */
function queryBus(dataSource: DataSource, store: EventStore): { execute<T>(query: Query<T>): Promise<T> } {
  const handlers = new Map<unknown, { execute(query: unknown): Promise<unknown> }>([
    [GetDealStateQuery, new GetDealStateHandler(dataSource, store)],
    [GetDealTimelineQuery, new GetDealTimelineHandler(dataSource, store)],
    [GetAuditTrailQuery, new GetAuditTrailHandler(dataSource, store)],
  ]);
  return { execute: async <T>(query: Query<T>) => (await handlers.get(query.constructor)!.execute(query)) as T };
}

/** A deal's whole audit trail, read `limit` events a page, each page after the cursor the one before gave. */
async function auditTrail(queries: ReturnType<typeof queryBus>, dealId: string, limit: number): Promise<{ version: number }[]> {
  const events: { version: number }[] = [];
  let cursor: string | undefined;
  do {
    const page = await queries.execute(new GetAuditTrailQuery(dealId, { limit, cursor }));
    expect(page.items.length).toBeLessThanOrEqual(limit);
    events.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return events;
}
