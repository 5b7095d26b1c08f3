import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { Actor } from './roles';

/**
 * The channel a change to api_keys is announced on, in the changing transaction:
 * the payload is the key's id, then, when the sender waits for every instance
 * to have emptied its cache, a space and a nonce that each instance sends back
 * on API_KEYS_ACK_CHANNEL.
 */
export const API_KEYS_CHANNEL = 'api_keys_changed';
export const API_KEYS_ACK_CHANNEL = 'api_keys_change_heard';

/** Shown in pg_stat_activity, so the listener's connection can be told from the pool's. */
export const API_KEYS_LISTENER_NAME = 'newsroom-facts api-key listener';

const MAX_ENTRIES = 10_000;
const RETRY_MS = 1000;
const PING_MS = 5000;
const PING_TIMEOUT_MS = 5000;

/**
 * Valid keys by hash, kept in memory so an authenticated request costs no
 * database round trip. Every instance LISTENs on API_KEYS_CHANNEL over a
 * connection of its own and forgets everything on a notification. While that
 * connection is down nothing is read from or kept in the cache (a missed
 * notification must not keep a revoked key alive), and it starts empty again
 * once the connection is back.
 */
@Injectable()
export class ApiKeyCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ApiKeyCache');
  private readonly actors = new Map<string, Actor>();
  /** Bumped on every change heard and on every loss of the listener: a lookup that began before a bump is not kept. */
  private generation = 0;
  private listener?: Client;
  private listening = false;
  private closed = false;
  private retry?: NodeJS.Timeout;
  private ping?: NodeJS.Timeout;
  private readonly acks = new Map<string, Acknowledgements>();

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const listener = this.listener;
    this.drop();
    await listener?.end().catch(() => undefined);
  }

  /** True while changes are heard, that is while the cache is in use. */
  get isListening(): boolean {
    return this.listening;
  }

  get(hash: string): Actor | undefined {
    return this.listening ? this.actors.get(hash) : undefined;
  }

  /** Taken before reading a key from the database and given back to set(). */
  stamp(): number {
    return this.generation;
  }

  set(hash: string, actor: Actor, stamp: number): void {
    if (!this.listening || stamp !== this.generation) return;
    if (this.actors.size >= MAX_ENTRIES) this.actors.delete(this.actors.keys().next().value!);
    this.actors.set(hash, actor);
  }

  /**
   * Counts the instances that have emptied their cache after the change sent
   * with `nonce`. Taken before the change commits; see Acknowledgements#wait.
   */
  acknowledgements(nonce: string): Acknowledgements {
    const counter = new Acknowledgements(() => this.acks.delete(nonce));
    this.acks.set(nonce, counter);
    return counter;
  }

  private forget(): void {
    this.generation += 1;
    this.actors.clear();
  }

  private async listen(): Promise<void> {
    const url = (this.dataSource.options as { url?: string }).url;
    if (!url) {
      this.logger.warn('the data source has no URL: API keys are read from the database on every request');
      return;
    }
    const client = new Client({ connectionString: url, application_name: API_KEYS_LISTENER_NAME, keepAlive: true, connectionTimeoutMillis: 5000 });
    this.listener = client;
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', ({ channel, payload = '' }) => {
      if (this.listener !== client) return;
      if (channel === API_KEYS_ACK_CHANNEL) {
        this.acks.get(payload)?.add();
        return;
      }
      this.forget();
      const nonce = payload.split(' ')[1];
      if (nonce) client.query('select pg_notify($1, $2)', [API_KEYS_ACK_CHANNEL, nonce]).catch(() => this.lost(client));
    });
    try {
      await client.connect();
      await client.query(`listen ${API_KEYS_CHANNEL}; listen ${API_KEYS_ACK_CHANNEL}`);
    } catch (error) {
      this.logger.warn(`cannot listen for API key changes (${error instanceof Error ? error.message : String(error)}): retrying`);
      this.lost(client);
      return;
    }
    if (this.listener !== client) return;
    // whatever changed before LISTEN took effect went unheard
    this.forget();
    this.listening = true;
    this.ping = setInterval(() => void this.check(client), PING_MS);
    this.ping.unref();
  }

  /** A connection that hangs without closing is as bad as a closed one. */
  private async check(client: Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer')), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([client.query('select 1'), timeout]);
    } catch {
      this.lost(client);
    } finally {
      clearTimeout(timer);
    }
  }

  private lost(client: Client): void {
    if (this.listener !== client) return;
    if (this.listening) this.logger.warn('lost the API key listener: keys are read from the database until it is back');
    this.drop();
    void client.end().catch(() => undefined);
    if (!this.closed) {
      this.retry = setTimeout(() => void this.listen(), RETRY_MS);
      this.retry.unref();
    }
  }

  private drop(): void {
    this.listener = undefined;
    this.listening = false;
    clearInterval(this.ping);
    this.forget();
  }
}

/** How many instances have acknowledged one change. */
export class Acknowledgements {
  private heard = 0;
  private wanted = Infinity;
  private settle?: () => void;

  constructor(private readonly release: () => void) {}

  add(): void {
    this.heard += 1;
    if (this.heard >= this.wanted) this.settle?.();
  }

  /** Resolves once `instances` have acknowledged, or after `timeoutMs` (an instance may have just lost its listener). */
  wait(instances: number, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle?.(), timeoutMs);
      timer.unref();
      this.settle = () => {
        clearTimeout(timer);
        this.release();
        resolve();
      };
      this.wanted = instances;
      if (this.heard >= instances) this.settle();
    });
  }

  /** The change did not happen: nothing to wait for. */
  cancel(): void {
    this.release();
  }
}
