import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { EventStore } from './event-store';
import { Checkpoint, START, StoredEvent } from './event-store.types';
import { Pause } from './pause';

export type SubscriptionHandler = (events: StoredEvent[], manager: EntityManager) => Promise<void>;

export interface SubscriptionOptions {
  batchSize?: number;
  /** How long to wait for new events before looking again (events appended in this process wake it at once). */
  pollIntervalMs?: number;
  /** How often a standby runner tries to take over the subscription. */
  lockRetryMs?: number;
  /**
   * How long a wake-up waits before reading, so that the events of a burst of
   * appends come in one batch (one transaction) rather than one each.
   */
  gatherMs?: number;
}

/**
 * Feeds a named subscriber from the global log. Each batch runs in one
 * transaction with the subscriber's checkpoint, so a crash never loses or
 * repeats an event. A session advisory lock keeps one active runner per name
 * across processes; the others wait on standby.
 */
export class SubscriptionRunner {
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly lockRetryMs: number;
  private readonly gatherMs: number;
  private connection?: QueryRunner;
  private loop?: Promise<void>;
  private stopping = false;
  private readonly pause = new Pause();
  private unsubscribe?: () => void;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    readonly name: string,
    private readonly handler: SubscriptionHandler,
    options: SubscriptionOptions = {},
  ) {
    this.logger = new Logger(`Subscription ${name}`);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
    this.gatherMs = options.gatherMs ?? 0;
  }

  /** Starts following the log in the background. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.unsubscribe = this.store.onAppended(() => this.pause.signal());
    this.loop = this.run().catch((error: unknown) => this.logger.error(error));
  }

  /** Finishes the batch in progress, releases the lock and returns. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.signal();
    await this.loop;
    this.loop = undefined;
    this.unsubscribe?.();
  }

  /** Processes everything available now, in the caller's process; returns how many events it handled. */
  async catchUp(): Promise<number> {
    const connection = this.dataSource.createQueryRunner();
    await connection.connect();
    try {
      if (!(await this.tryLock(connection))) throw new Error(`subscription ${this.name} is running elsewhere`);
      try {
        let total = 0;
        for (let n = await this.processBatch(connection); n > 0; n = await this.processBatch(connection)) total += n;
        return total;
      } finally {
        await this.unlock(connection);
      }
    } finally {
      await connection.release();
    }
  }

  async checkpoint(): Promise<Checkpoint> {
    return readCheckpoint(this.dataSource.manager, this.name);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        this.connection = this.dataSource.createQueryRunner();
        await this.connection.connect();
        while (!this.stopping && !(await this.tryLock(this.connection))) await this.pause.wait(this.lockRetryMs);
        while (!this.stopping) {
          const handled = await this.processBatch(this.connection);
          if (handled < this.batchSize) {
            await this.pause.wait(this.pollIntervalMs);
            if (this.gatherMs > 0 && !this.stopping) await new Promise((done) => setTimeout(done, this.gatherMs));
          }
        }
        await this.unlock(this.connection);
      } catch (error) {
        if (this.stopping) break;
        this.logger.error(`batch failed, retrying: ${String(error)}`);
        await this.pause.wait(this.lockRetryMs);
      } finally {
        await this.connection?.release().catch(() => undefined);
        this.connection = undefined;
      }
    }
  }

  private async processBatch(connection: QueryRunner): Promise<number> {
    await connection.startTransaction();
    try {
      const manager = connection.manager;
      const from = await readCheckpoint(manager, this.name, true);
      const { events, checkpoint } = await this.store.readAll(from, this.batchSize, manager);
      if (events.length > 0) {
        await this.handler(events, manager);
        await manager.query(
          `insert into es_checkpoints (name, tx_id, position, updated_at) values ($1, $2::xid8, $3, now())
           on conflict (name) do update set tx_id = excluded.tx_id, position = excluded.position, updated_at = now()`,
          [this.name, checkpoint.txId, checkpoint.position],
        );
      }
      await connection.commitTransaction();
      return events.length;
    } catch (error) {
      await connection.rollbackTransaction();
      throw error;
    }
  }

  private async tryLock(connection: QueryRunner): Promise<boolean> {
    const rows: { locked: boolean }[] = await connection.query(
      `select pg_try_advisory_lock(hashtextextended('es-subscription:' || $1, 0)) as locked`,
      [this.name],
    );
    return rows[0].locked;
  }

  private async unlock(connection: QueryRunner): Promise<void> {
    await connection.query(`select pg_advisory_unlock(hashtextextended('es-subscription:' || $1, 0))`, [this.name]);
  }
}

export async function readCheckpoint(manager: EntityManager, name: string, forUpdate = false): Promise<Checkpoint> {
  const rows: { tx_id: string; position: string }[] = await manager.query(
    `select tx_id::text as tx_id, position from es_checkpoints where name = $1 ${forUpdate ? 'for update' : ''}`,
    [name],
  );
  return rows.length ? { txId: rows[0].tx_id, position: Number(rows[0].position) } : START;
}
