import { Injectable } from '@nestjs/common';
import { EventStore, LogCheckpoints, type LogCheckpoint } from '@app/event-store';
import { DealDriftCheck, type DealDrift } from './deal-drift.check';

/** One thing found wrong: a broken chain (stream, position), or a checkpoint that does not hold. */
export interface AuditFinding {
  streamId?: string;
  position?: number;
  version?: number;
  checkpointId?: number;
  reason: string;
  detail?: string;
}

export interface AuditReport {
  ok: boolean;
  /** Events whose hash was recomputed. */
  checked: number;
  streams: number;
  /** The newest checkpoint with a valid signature, the one the log was checked against. */
  checkpoint: LogCheckpoint | null;
  broken: AuditFinding[];
  drift: DealDrift[];
}

export type AuditPhase = 'log' | 'deals';

/**
 * The whole audit: every stream's hash chain, every checkpoint's signature and
 * consistency with the one before it, the log against the newest checkpoint
 * (and one exported earlier, when given), and every deal's read model against
 * a fold of its events.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: LogCheckpoints,
    private readonly drift: DealDriftCheck,
  ) {}

  async verify(
    options: { external?: LogCheckpoint; progress?: (phase: AuditPhase, done: number, total: number) => void } = {},
  ): Promise<AuditReport> {
    const chains = await this.store.verify();
    const checked = await this.checkpoints.check(options.external, (done, total) => options.progress?.('log', done, total));
    const drift = await this.drift.check((done, total) => options.progress?.('deals', done, total));
    const broken: AuditFinding[] = [
      ...chains.broken.map(({ streamId, position, version, reason }) => ({ streamId, position, version, reason })),
      ...checked.broken,
    ];
    return {
      ok: broken.length === 0 && drift.length === 0,
      checked: chains.checked,
      streams: chains.streams,
      checkpoint: checked.checkpoint,
      broken,
      drift,
    };
  }
}
