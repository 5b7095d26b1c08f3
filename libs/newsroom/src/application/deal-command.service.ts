import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Metrics } from '@app/platform';
import {
  AppendResult,
  EventStore,
  IdempotencyKeyReusedError,
  JsonObject,
  RESERVE_COLUMNS,
  StoredEvent,
  WrongExpectedVersionError,
} from '@app/event-store';
import {
  ClaimNotFoundError,
  claimDecisionStateOf,
  claimsTouchedBy,
  DEAL_EVENT_SCHEMA_VERSIONS,
  DealCommand,
  DealDecisionState,
  DealEvent,
  decide,
  findClaim,
  type ClaimDecisionState,
  type RecordedDealEvent,
} from '../domain';
import { dealRowWrites, DealProjector, projectedDealOf, WORKING_SET_COLUMNS, type ProjectedDeal, type WorkingSetRow } from '../projections/deal.projection';
import { ConcurrentModificationError, DealVersionMismatchError } from './application.errors';
import { CommandContext, dealIdOfStream, dealStreamId } from './command-context';

export interface CommandOutcome {
  dealId: string;
  /** The deal's version after the command. */
  version: number;
  /** The events the command wrote (for a replayed idempotent request: the ones the first request wrote). */
  events: DealEvent[];
  duplicate: boolean;
}

/** What one round trip gives a command: the deal as projected, a reserved place in the log, the idempotency key's record. */
interface Loaded {
  dealId: string | null;
  deal: ProjectedDeal | null;
  state: DealDecisionState;
  version: number;
  position: number;
  recordedAt: string;
  idempotency: { requestHash: string; result: AppendResult | null } | null;
}

interface LoadRow extends WorkingSetRow {
  deal_id: string | null;
  reserved_position: string;
  reserved_at: string;
  idempotency: { requestHash: string; result: AppendResult | null } | null;
}

const MAX_ATTEMPTS = 40;
/** How much of the deals it wrote a process keeps at most: deals, and claim records over all of them (docs/scaling.md gives the memory). */
const HELD_DEALS = 1000;
const HELD_RECORDS = 100_000;

/**
 * Runs a deal command in two round trips: one reads the deal's projection
 * (its document and the claims its state can depend on, which also give the
 * decision state) and reserves the event's place in the log; the other
 * appends the event with the projection's rows in one statement. A lost race
 * is a version conflict on the append, retried from the read.
 *
 * The process keeps the projection of each deal it wrote last (up to
 * HELD_DEALS and HELD_RECORDS): while the deal stays at that version, the
 * read sends only the claims the command names, instead of every claim that
 * can set the state. A command naming only a claim finds the deal through
 * the claims held.
 */
@Injectable()
export class DealCommandService {
  private readonly held = new Map<string, ProjectedDeal>();
  /** The deal of each claim held, so that a command naming only a claim finds its held deal. */
  private readonly heldClaims = new Map<string, string>();
  private heldRecords = 0;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  /**
   * `dealId` null: the deal holding the command's claim (404 when there is none).
   * `retryable`: the command never depends on the rest of the deal (recording a
   * claim), so a lost race is always retried. Other commands are retried only
   * when what they touch (the deal header and their claims) did not change in
   * the race; otherwise they answer 409. With If-Match nothing is retried.
   */
  async execute(target: string | null, command: DealCommand, context: CommandContext, retryable: boolean): Promise<CommandOutcome> {
    try {
      const outcome = await this.run(target, command, context, retryable);
      this.metrics?.commands.inc({ command: command.type, outcome: outcome.duplicate ? 'replayed' : 'written' });
      if (!outcome.duplicate) for (const event of outcome.events) this.metrics?.appendedEvents.inc({ type: event.type });
      return outcome;
    } catch (error) {
      this.metrics?.commands.inc({ command: command.type, outcome: 'refused' });
      throw error;
    }
  }

  private async run(target: string | null, command: DealCommand, context: CommandContext, retryable: boolean): Promise<CommandOutcome> {
    const touched = claimsTouchedBy(command);
    let before: string | undefined;
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(target, touched, context.idempotency?.key);
      const replayed = await this.replay(loaded, context);
      if (replayed) return replayed;
      if (loaded.dealId === null) throw new ClaimNotFoundError(touched[0] ?? '');
      const dealId = loaded.dealId;
      if (context.expectedVersion !== undefined && context.expectedVersion !== loaded.version) {
        throw new DealVersionMismatchError(dealId, context.expectedVersion, loaded.version);
      }
      const seen = JSON.stringify([loaded.state.deal, touched.map((id) => findClaim(loaded.state, id) ?? null)]);
      if (before !== undefined && !retryable && seen !== before) throw new ConcurrentModificationError(dealId);
      const events = decide(command, loaded.state, { actorId: context.actor.keyId });
      try {
        return await this.append(dealId, loaded, events, context);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        if (context.expectedVersion !== undefined) {
          throw new DealVersionMismatchError(dealId, context.expectedVersion, error.actual);
        }
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrentModificationError(dealId);
        before = seen;
        this.metrics?.commandRetries.inc({ command: command.type });
        // full jitter, exponential up to 100 ms: writers queued on one deal spread out
        await new Promise((done) => setTimeout(done, Math.random() * Math.min(100, 2 ** attempt)));
      }
    }
  }

  private async load(target: string | null, claimIds: string[], idempotencyKey: string | undefined): Promise<Loaded> {
    // a claim never moves to another deal, so a held claim names its deal
    const known = target ?? (claimIds[0] === undefined ? null : (this.heldClaims.get(claimIds[0]) ?? null));
    const held = known === null ? null : (this.held.get(known) ?? null);
    const [row]: LoadRow[] = await this.dataSource.query(
      `with t as (select coalesce($1::uuid, (select deal_id from deal_claims where claim_id = ($2::uuid[])[1])) as deal_id)
       select t.deal_id, ${WORKING_SET_COLUMNS}, ${RESERVE_COLUMNS},
         (select json_build_object('requestHash', request_hash, 'result', result) from es_idempotency where key = $3) as idempotency
         from t`,
      [known, claimIds, idempotencyKey ?? null, held?.state.version ?? null],
    );
    const dealId = row.deal_id;
    const deal = projectedDealOf(row, held);
    const claims: Record<string, ClaimDecisionState> = {};
    for (const record of deal?.records ?? []) {
      if (claimIds.includes(record.claimId)) claims[record.claimId] = claimDecisionStateOf(record);
    }
    const header = deal && dealId !== null ? { dealId, title: deal.state.title, kind: deal.state.kind, parties: deal.state.parties } : null;
    return {
      dealId,
      deal,
      state: { deal: header, claims },
      version: deal?.state.version ?? 0,
      position: Number(row.reserved_position),
      recordedAt: row.reserved_at,
      idempotency: row.idempotency,
    };
  }

  /**
   * A command whose idempotency key already wrote answers with what it wrote,
   * before `decide` could refuse the repeat (the deal or claim now exists).
   */
  private async replay(loaded: Loaded, context: CommandContext): Promise<CommandOutcome | undefined> {
    const found = loaded.idempotency;
    if (!context.idempotency || !found) return undefined;
    if (found.requestHash !== context.idempotency.requestHash) throw new IdempotencyKeyReusedError(context.idempotency.key);
    if (!found.result) return undefined; // its first append is still in flight: the store will wait for it
    return this.firstOutcome(found.result, context);
  }


  private async firstOutcome(result: AppendResult, context: CommandContext): Promise<CommandOutcome> {
    context.onReplay?.();
    // the key's first use may have been on another stream (a retried POST /deals draws a new deal id)
    const first = await this.store.readStream(result.streamId, { fromVersion: result.fromVersion, toVersion: result.toVersion });
    return { dealId: dealIdOfStream(result.streamId), version: result.toVersion, events: first.map(toDealEvent), duplicate: true };
  }

  private async append(dealId: string, loaded: Loaded, events: DealEvent[], context: CommandContext): Promise<CommandOutcome> {
    if (events.length !== 1) throw new Error(`a deal command decides one event, not ${events.length}`);
    const [event] = events as [DealEvent];
    const projector = new DealProjector(loaded.deal);
    const recorded = {
      ...event,
      position: loaded.position,
      version: loaded.version + 1,
      recordedAt: loaded.recordedAt,
    } as RecordedDealEvent;
    projector.apply(recorded);
    const rows = projector.rows();
    const result = await this.store.append(
      dealStreamId(dealId),
      loaded.version === 0 ? 'no_stream' : loaded.version,
      [{ type: event.type, schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS[event.type], data: event.data as unknown as JsonObject }],
      {
        metadata: {
          actorId: context.actor.keyId,
          actorRoles: [...context.actor.roles],
          ...(context.correlationId ? { correlationId: context.correlationId } : {}),
        },
        idempotencyKey: context.idempotency?.key,
        requestHash: context.idempotency?.requestHash,
        reserved: { positions: [loaded.position], recordedAt: loaded.recordedAt },
        alsoWrite: dealRowWrites(rows),
      },
    );
    if (result.duplicate) return this.firstOutcome(result, context);
    this.hold(dealId, projector.projected(rows));
    return { dealId, version: result.toVersion, events, duplicate: false };
  }

  /** Keeps the deal's projection as this process wrote it, unless a newer one is held; beyond the limits the oldest go first. */
  private hold(dealId: string, deal: ProjectedDeal | null): void {
    const previous = this.held.get(dealId);
    if (deal === null || (previous && previous.state.version >= deal.state.version)) return;
    this.release(dealId);
    this.held.set(dealId, deal);
    this.heldRecords += deal.records.length;
    for (const record of deal.records) this.heldClaims.set(record.claimId, dealId);
    for (const oldest of this.held.keys()) {
      if (this.held.size <= HELD_DEALS && this.heldRecords <= HELD_RECORDS) break;
      this.release(oldest);
    }
  }

  private release(dealId: string): void {
    const deal = this.held.get(dealId);
    if (!deal) return;
    this.heldRecords -= deal.records.length;
    this.held.delete(dealId);
    for (const record of deal.records) this.heldClaims.delete(record.claimId);
  }
}

export function toDealEvent(event: StoredEvent): DealEvent {
  return { type: event.type, data: event.data } as unknown as DealEvent;
}
