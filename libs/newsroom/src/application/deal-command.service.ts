import { Injectable } from '@nestjs/common';
import {
  AppendResult,
  EventStore,
  IdempotencyKeyReusedError,
  JsonObject,
  StoredEvent,
  WrongExpectedVersionError,
} from '@app/event-store';
import {
  claimIdOf,
  claimsTouchedBy,
  ClaimDecisionState,
  DEAL_EVENT_SCHEMA_VERSIONS,
  DealCommand,
  DealDecisionState,
  DealEvent,
  DealHeader,
  DECISION_STATE_SCHEMA_VERSION,
  decide,
  evolveAll,
  findClaim,
  initialDecisionState,
} from '../domain';
import { ConcurrentModificationError, DealVersionMismatchError } from './application.errors';
import { CommandContext, dealStreamId } from './command-context';

export interface CommandOutcome {
  /** The deal's version after the command. */
  version: number;
  /** The events the command wrote (for a replayed idempotent request: the ones the first request wrote). */
  events: DealEvent[];
  duplicate: boolean;
}

interface LoadedState {
  state: DealDecisionState;
  version: number;
  /** The snapshots were missing or stale: write all of them with this append. */
  rebuilt: boolean;
}

const DEAL_SNAPSHOT = 'deal';
const claimSnapshot = (claimId: string) => `claim:${claimId}`;
const MAX_ATTEMPTS = 40;

/**
 * Runs a deal command: loads the decision state it needs, decides, appends with
 * the expected version. The decision state is kept as snapshots written in the
 * append transaction: the deal header, and one per claim. A command reads only
 * the header and the claims it touches, so its cost does not grow with the
 * deal's history; a missing or outdated snapshot falls back to folding the stream.
 */
@Injectable()
export class DealCommandService {
  constructor(private readonly store: EventStore) {}

  /**
   * `retryable`: the command never depends on the rest of the deal (recording a
   * claim), so a lost race is always retried. Other commands are retried only
   * when what they touch (the deal header and their claims) did not change in
   * the race; otherwise they answer 409. With If-Match nothing is retried.
   */
  async execute(dealId: string, command: DealCommand, context: CommandContext, retryable: boolean): Promise<CommandOutcome> {
    const streamId = dealStreamId(dealId);
    const replayed = await this.replay(context);
    if (replayed) return replayed;
    const touched = claimsTouchedBy(command);
    let before: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(streamId, touched);
      if (context.expectedVersion !== undefined && context.expectedVersion !== loaded.version) {
        throw new DealVersionMismatchError(dealId, context.expectedVersion, loaded.version);
      }
      const seen = JSON.stringify([loaded.state.deal, touched.map((id) => findClaim(loaded.state, id) ?? null)]);
      if (before !== undefined && !retryable && seen !== before) throw new ConcurrentModificationError(dealId);
      const events = decide(command, loaded.state, { actorId: context.actor.keyId });
      try {
        return await this.append(streamId, loaded, events, context);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (context.expectedVersion !== undefined) {
          throw new DealVersionMismatchError(dealId, context.expectedVersion, error.actual);
        }
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrentModificationError(dealId);
        before = seen;
        // full jitter, exponential up to 100 ms: writers queued on one deal spread out
        await new Promise((done) => setTimeout(done, Math.random() * Math.min(100, 2 ** attempt)));
      }
    }
  }

  /**
   * A command whose idempotency key already wrote answers with what it wrote,
   * before `decide` could refuse the repeat (the deal or claim now exists).
   */
  private async replay(context: CommandContext): Promise<CommandOutcome | undefined> {
    if (!context.idempotency) return undefined;
    const { key, requestHash } = context.idempotency;
    const found = (await this.store.idempotencyRecords([key])).get(key);
    if (!found) return undefined;
    if (found.requestHash !== requestHash) throw new IdempotencyKeyReusedError(key);
    if (!found.result) return undefined; // its first append is still in flight: the store will wait for it
    return this.firstOutcome(found.result);
  }

  private async firstOutcome(result: AppendResult): Promise<CommandOutcome> {
    // the key's first use may have been on another stream (a retried POST /deals draws a new deal id)
    const first = await this.store.readStream(result.streamId, { fromVersion: result.fromVersion, toVersion: result.toVersion });
    return { version: result.toVersion, events: first.map(toDealEvent), duplicate: true };
  }

  private async load(streamId: string, claimIds: string[]): Promise<LoadedState> {
    const names = [DEAL_SNAPSHOT, ...claimIds.map(claimSnapshot)];
    const snapshots = await this.store.loadSnapshots<DealHeader | ClaimDecisionState>(streamId, names);
    const header = snapshots.get(DEAL_SNAPSHOT);
    const stale = [...snapshots.values()].some((s) => s.schemaVersion !== DECISION_STATE_SCHEMA_VERSION);
    if (header && !stale) {
      const claims: Record<string, ClaimDecisionState> = {};
      for (const id of claimIds) {
        const snapshot = snapshots.get(claimSnapshot(id));
        if (snapshot) claims[id] = snapshot.state as ClaimDecisionState;
      }
      return { state: { deal: header.state as DealHeader, claims }, version: header.version, rebuilt: false };
    }
    const events = await this.store.readStream(streamId);
    if (events.length === 0) return { state: initialDecisionState(), version: 0, rebuilt: false };
    return {
      state: evolveAll(initialDecisionState(), events.map(toDealEvent)),
      version: events[events.length - 1].version,
      rebuilt: true,
    };
  }

  private async append(streamId: string, loaded: LoadedState, events: DealEvent[], context: CommandContext): Promise<CommandOutcome> {
    const next = evolveAll(loaded.state, events);
    const result = await this.store.append(
      streamId,
      loaded.version === 0 ? 'no_stream' : loaded.version,
      events.map((event) => ({
        type: event.type,
        schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS[event.type],
        data: event.data as unknown as JsonObject,
      })),
      {
        metadata: {
          actorId: context.actor.keyId,
          actorRoles: [...context.actor.roles],
          ...(context.correlationId ? { correlationId: context.correlationId } : {}),
        },
        idempotencyKey: context.idempotency?.key,
        requestHash: context.idempotency?.requestHash,
        inTransaction: async (manager, stored) => {
          const version = stored[stored.length - 1].version;
          const touched = loaded.rebuilt
            ? Object.keys(next.claims)
            : [...new Set(events.map(claimIdOf).filter((id): id is string => id !== null))];
          await this.store.saveSnapshots(manager, streamId, [
            { name: DEAL_SNAPSHOT, schemaVersion: DECISION_STATE_SCHEMA_VERSION, version, state: next.deal },
            ...touched.map((id) => ({
              name: claimSnapshot(id),
              schemaVersion: DECISION_STATE_SCHEMA_VERSION,
              version,
              state: next.claims[id],
            })),
          ]);
        },
      },
    );
    if (!result.duplicate) return { version: result.toVersion, events, duplicate: false };
    return this.firstOutcome(result);
  }
}

export function toDealEvent(event: StoredEvent): DealEvent {
  return { type: event.type, data: event.data } as unknown as DealEvent;
}
