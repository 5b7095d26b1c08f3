/**
 * Builds the big deal's history for the command benchmark: through the
 * application's command path (CommandBus → handlers → DealCommandService →
 * EventStore.append with the inline projection), a few stories at a time; or,
 * when that would take too long, with EventStore.append in batches of the
 * events `decide` produces, snapshots written in the same transaction as
 * DealCommandService writes them (the inline projection still runs on every
 * append).
 */
import { performance } from 'node:perf_hooks';
import type { CommandBus } from '@nestjs/cqrs';
import type { EventStore, JsonObject } from '@app/event-store';
import {
  AddSourceCommand,
  ClaimDecisionState,
  claimIdOf,
  claimsTouchedBy,
  ConcurrentModificationError,
  CorrectClaimCommand,
  DEAL_EVENT_SCHEMA_VERSIONS,
  DealCommand,
  DealDecisionState,
  DealEvent,
  DealHeader,
  dealStreamId,
  decide,
  DECISION_STATE_SCHEMA_VERSION,
  evolveAll,
  GiveVerdictCommand,
  RecordClaimCommand,
  RetractClaimCommand,
  type CommandContext,
} from '@app/newsroom';
import type { Step, Story, StoryTeller } from './command-story';

export interface Actors {
  editor: CommandContext;
  checker: CommandContext;
}

export interface BuildReport {
  target: number;
  events: number;
  seconds: number;
  mode: 'commands' | 'commands+batches' | 'batches';
  commands: {
    events: number;
    seconds: number;
    conflicts: number;
    /** The command path's stretches: `inFlight` commands at a time. */
    phases: { inFlight: number; events: number; seconds: number; conflicts: number }[];
  };
  batches: { events: number; seconds: number; appends: number; batchSize: number };
  claims: number;
  relevantClaims: number;
  /** Why the build left the command path, when it did. */
  switchedBecause: string | null;
}

export interface BuildOptions {
  target: number;
  concurrency: number;
  batchSize: number;
  /** Seconds the whole build may take; beyond it (projected), fall back to batches. */
  budgetSeconds: number;
  /** 'auto': commands, batches if too slow; 'commands' or 'batches' only. */
  mode: 'auto' | 'commands' | 'batches';
  /** Seconds at `concurrency` in flight before trying one at a time (0: never). */
  probeSeconds: number;
  log: (line: string) => void;
}

const DEAL_SNAPSHOT = 'deal';
const claimSnapshot = (claimId: string) => `claim:${claimId}`;

function commandOf(dealId: string, step: Step, actors: Actors) {
  switch (step.type) {
    case 'record':
      return new RecordClaimCommand(dealId, step.claimId, step.body, actors.editor);
    case 'source':
      return new AddSourceCommand(dealId, step.claimId, { source: step.source }, actors.editor);
    case 'verdict':
      return new GiveVerdictCommand(
        dealId,
        step.claimId,
        { verdict: step.verdict, rationale: step.rationale, ...(step.evidence ? { evidence: step.evidence } : {}) },
        actors.checker,
      );
    case 'correct':
      return new CorrectClaimCommand(dealId, step.claimId, { changes: step.changes, reason: step.reason }, actors.editor);
    case 'retract':
      return new RetractClaimCommand(dealId, step.claimId, { reason: step.reason }, actors.editor);
  }
}

function domainCommandOf(step: Step): DealCommand {
  switch (step.type) {
    case 'record':
      return { type: 'RecordClaim', claimId: step.claimId, ...step.body };
    case 'source':
      return { type: 'AddSource', claimId: step.claimId, source: step.source };
    case 'verdict':
      return { type: 'GiveVerdict', claimId: step.claimId, verdict: step.verdict, rationale: step.rationale, ...(step.evidence ? { evidence: step.evidence } : {}) };
    case 'correct':
      return { type: 'CorrectClaim', claimId: step.claimId, changes: step.changes, reason: step.reason };
    case 'retract':
      return { type: 'RetractClaim', claimId: step.claimId, reason: step.reason };
  }
}

function actorOfStep(step: Step, actors: Actors): CommandContext {
  return step.type === 'verdict' ? actors.checker : actors.editor;
}

/** Runs one command, again when it lost a race with another command of this build. */
async function execute(bus: CommandBus, command: ReturnType<typeof commandOf>, onConflict: () => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await bus.execute(command);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentModificationError) || attempt >= 1_000) throw error;
      onConflict();
      await new Promise((done) => setTimeout(done, Math.random() * Math.min(32, 2 ** Math.min(attempt, 5))));
    }
  }
}

/** Cuts a story to the events still to write (its record step always comes first). */
function trim(story: Story, left: number): Story {
  return story.steps.length <= left ? story : { ...story, steps: story.steps.slice(0, Math.max(1, left)) };
}

export async function buildBigDeal(
  bus: CommandBus,
  store: EventStore,
  dealId: string,
  teller: StoryTeller,
  actors: Actors,
  options: BuildOptions,
): Promise<BuildReport> {
  const started = performance.now();
  const report: BuildReport = {
    target: options.target,
    events: 1, // DealOpened, through the API
    seconds: 0,
    mode: 'commands',
    commands: { events: 0, seconds: 0, conflicts: 0, phases: [] },
    batches: { events: 0, seconds: 0, appends: 0, batchSize: options.batchSize },
    claims: 0,
    relevantClaims: 0,
    switchedBecause: null,
  };
  let planned = 1;
  const count = (story: Story) => {
    report.claims++;
    if (story.relevant) report.relevantClaims++;
  };

  // ---------------------------------------------------------------- the command path
  if (options.mode !== 'batches') {
    let stop = false;
    let limit = options.concurrency;
    const phaseStart = { at: started, events: report.events, conflicts: 0 };
    const closePhase = (now: number) => {
      report.commands.phases.push({
        inFlight: limit,
        events: report.events - phaseStart.events,
        seconds: (now - phaseStart.at) / 1000,
        conflicts: report.commands.conflicts - phaseStart.conflicts,
      });
      Object.assign(phaseStart, { at: now, events: report.events, conflicts: report.commands.conflicts });
    };
    const worker = async (index: number): Promise<void> => {
      while (!stop && index < limit && planned < options.target) {
        const story = trim(teller.next(planned / options.target), options.target - planned);
        planned += story.steps.length;
        count(story);
        for (const step of story.steps) {
          await execute(bus, commandOf(dealId, step, actors), () => report.commands.conflicts++);
          report.events++;
          report.commands.events++;
          if (step.type === 'record') teller.recorded(story);
        }
      }
    };
    const running: Promise<void>[] = [];
    const spawn = (from: number) => {
      for (let i = from; i < limit; i++) running.push(worker(i));
    };
    const window: { at: number; events: number }[] = [{ at: started, events: report.events }];
    const timer = setInterval(() => {
      const now = performance.now();
      window.push({ at: now, events: report.events });
      while (window.length > 2 && now - window[0].at > 10_000) window.shift();
      const recent = (report.events - window[0].events) / ((now - window[0].at) / 1000);
      const elapsed = (now - started) / 1000;
      const projected = elapsed + (options.target - report.events) / Math.max(recent, 1e-9);
      options.log(
        `build: ${report.events.toLocaleString('en-US')} events in ${elapsed.toFixed(0)} s, ${limit} in flight, ` +
          `${recent.toFixed(0)} events/s lately (${report.commands.conflicts} lost races retried), projected ${projected.toFixed(0)} s`,
      );
      const inPhase = (now - phaseStart.at) / 1000;
      // a few commands in flight on one stream may lose more than they win: try one at a time too
      if (options.probeSeconds > 0 && report.commands.phases.length === 0 && limit > 1 && inPhase >= options.probeSeconds) {
        closePhase(now);
        limit = 1;
        window.splice(0, window.length, { at: now, events: report.events });
        options.log(`build: now one command at a time, to compare`);
        return;
      }
      if (options.mode === 'auto' && !stop && elapsed >= 2 * options.probeSeconds && inPhase >= 10 && projected > options.budgetSeconds) {
        stop = true;
        report.switchedBecause =
          `the command path wrote ${recent.toFixed(0)} events/s lately (${((report.events - 1) / elapsed).toFixed(0)} on average): ` +
          `${options.target.toLocaleString('en-US')} events would take ~${projected.toFixed(0)} s > the ${options.budgetSeconds} s budget`;
        options.log(`build: ${report.switchedBecause}; the rest goes in batches through EventStore.append`);
      }
    }, 5_000);
    try {
      spawn(0);
      while (running.length > 0) await running.shift();
    } finally {
      clearInterval(timer);
    }
    closePhase(performance.now());
    report.commands.seconds = (performance.now() - started) / 1000;
  }

  // ---------------------------------------------------------------- batches of decided events
  if (report.events < options.target) {
    report.mode = options.mode === 'batches' ? 'batches' : 'commands+batches';
    const batchStarted = performance.now();
    const streamId = dealStreamId(dealId);
    const snapshots = await store.loadSnapshots<DealHeader>(streamId, [DEAL_SNAPSHOT]);
    const head = snapshots.get(DEAL_SNAPSHOT);
    if (!head) throw new Error(`no deal snapshot for ${streamId}`);
    const header = head.state;
    let version = head.version;
    if (version !== report.events) throw new Error(`the deal is at version ${version}, the build counted ${report.events}`);
    const claims = new Map<string, ClaimDecisionState>();
    const pending: { event: DealEvent; actor: CommandContext }[] = [];
    const touched = new Set<string>();

    const ensure = async (ids: string[]): Promise<void> => {
      const missing = ids.filter((id) => !claims.has(id));
      if (missing.length === 0) return;
      const found = await store.loadSnapshots<ClaimDecisionState>(streamId, missing.map(claimSnapshot));
      for (const [name, snapshot] of found) claims.set(name.slice('claim:'.length), snapshot.state);
    };
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const events = pending.splice(0);
      const names = [...touched];
      touched.clear();
      const result = await store.append(
        streamId,
        version,
        events.map(({ event, actor }) => ({
          type: event.type,
          schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS[event.type],
          data: event.data as unknown as JsonObject,
          metadata: { actorId: actor.actor.keyId, actorRoles: [...actor.actor.roles] },
        })),
        {
          inTransaction: async (manager, stored) => {
            const at = stored[stored.length - 1].version;
            await store.saveSnapshots(manager, streamId, [
              { name: DEAL_SNAPSHOT, schemaVersion: DECISION_STATE_SCHEMA_VERSION, version: at, state: header },
              ...names.map((id) => ({ name: claimSnapshot(id), schemaVersion: DECISION_STATE_SCHEMA_VERSION, version: at, state: claims.get(id) })),
            ]);
          },
        },
      );
      version = result.toVersion;
      report.batches.appends++;
      report.batches.events += events.length;
      report.events += events.length;
    };

    // four stories told side by side, as the newsroom would
    const active: { story: Story; next: number }[] = [];
    let lastLog = performance.now();
    while (planned < options.target || active.length > 0) {
      while (active.length < 4 && planned < options.target) {
        const story = trim(teller.next(planned / options.target), options.target - planned);
        planned += story.steps.length;
        count(story);
        active.push({ story, next: 0 });
      }
      for (let i = 0; i < active.length; i++) {
        const entry = active[i];
        const step = entry.story.steps[entry.next++];
        const command = domainCommandOf(step);
        const ids = claimsTouchedBy(command);
        await ensure(ids);
        const state: DealDecisionState = {
          deal: header,
          claims: Object.fromEntries(ids.filter((id) => claims.has(id)).map((id) => [id, claims.get(id) as ClaimDecisionState])),
        };
        const actor = actorOfStep(step, actors);
        const events = decide(command, state, { actorId: actor.actor.keyId });
        const next = evolveAll(state, events);
        for (const event of events) {
          const id = claimIdOf(event);
          if (id !== null) {
            claims.set(id, next.claims[id]);
            touched.add(id);
          }
          pending.push({ event, actor });
        }
        if (step.type === 'record') teller.recorded(entry.story);
        if (pending.length >= options.batchSize) await flush();
      }
      for (let i = active.length - 1; i >= 0; i--) if (active[i].next >= active[i].story.steps.length) active.splice(i, 1);
      if (performance.now() - lastLog > 5_000) {
        lastLog = performance.now();
        const seconds = (lastLog - batchStarted) / 1000;
        options.log(`build (batches): ${report.events.toLocaleString('en-US')} events, ${(report.batches.events / seconds).toFixed(0)} events/s`);
      }
    }
    await flush();
    report.batches.seconds = (performance.now() - batchStarted) / 1000;
  }
  report.seconds = (performance.now() - started) / 1000;
  return report;
}
