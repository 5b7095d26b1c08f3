import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { LiveDatabase } from './live-database';

/** Announced after an append commits: the log has grown. */
export const LOG_CHANNEL = 'newsroom_log';
/** Announced by the transaction that queues webhook deliveries. */
export const WEBHOOKS_CHANNEL = 'newsroom_webhooks';

export type Signal = typeof LOG_CHANNEL | typeof WEBHOOKS_CHANNEL;

/** Shown in pg_stat_activity, so the listener's connection can be told from the pool's. */
const LISTENER_NAME = 'newsroom-facts live listener';
const RETRY_MS = 1000;
const PING_MS = 5000;

/**
 * Wake-ups shared by every API process through LISTEN/NOTIFY. They only say
 * "look again": readers always read the log itself and also look on a timer,
 * so a lost notification or listener costs latency, never an event.
 *
 * Appends of this process are announced after they commit, coalesced: while
 * one announcement is on its way, later appends share the next one.
 */
@Injectable()
export class LogSignals implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('LogSignals');
  private readonly listeners = new Set<(signal: Signal) => void>();
  private listener?: Client;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private ping?: NodeJS.Timeout;
  private announcing = false;
  private announceAgain = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly live: LiveDatabase,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.live.following) return;
    this.unsubscribe = this.store.onAppended(() => {
      this.emit(LOG_CHANNEL);
      this.announce();
    });
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    clearTimeout(this.retry);
    clearInterval(this.ping);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** Calls `listener` on every wake-up; returns the function that stops it. */
  on(listener: (signal: Signal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(signal: Signal): void {
    for (const listener of this.listeners) listener(signal);
  }

  private announce(): void {
    if (this.closed) return;
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    this.live.dataSource
      .query('select pg_notify($1, $2)', [LOG_CHANNEL, ''])
      .catch((error: unknown) => this.logger.warn(`cannot announce an append: ${String(error)}`))
      .finally(() => {
        this.announcing = false;
        if (this.announceAgain) {
          this.announceAgain = false;
          this.announce();
        }
      });
  }

  private async listen(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url || this.closed) return;
    const client = new Client({ connectionString: url, application_name: LISTENER_NAME, keepAlive: true, connectionTimeoutMillis: 5000 });
    this.listener = client;
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel }) => {
      if (channel === LOG_CHANNEL || channel === WEBHOOKS_CHANNEL) this.emit(channel);
    });
    try {
      await client.connect();
      await client.query(`listen ${LOG_CHANNEL}; listen ${WEBHOOKS_CHANNEL}`);
    } catch (error) {
      this.logger.warn(`cannot listen for appends (${error instanceof Error ? error.message : String(error)}): retrying`);
      this.lost(client);
      return;
    }
    // whatever happened before LISTEN took effect went unheard
    this.emit(LOG_CHANNEL);
    this.emit(WEBHOOKS_CHANNEL);
    clearInterval(this.ping);
    this.ping = setInterval(() => void client.query('select 1').catch(() => this.lost(client)), PING_MS);
    this.ping.unref();
  }

  private lost(client: Client): void {
    if (this.listener !== client) return;
    this.listener = undefined;
    clearInterval(this.ping);
    void client.end().catch(() => undefined);
    if (!this.closed) {
      this.retry = setTimeout(() => void this.listen(), RETRY_MS);
      this.retry.unref();
    }
  }
}
