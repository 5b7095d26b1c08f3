import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@app/platform';
import { Pause } from '@app/event-store';
import { LiveDatabase } from '../live/live-database';
import { LogSignals, WEBHOOKS_CHANNEL } from '../live/log-signals';
import { signWebhook } from './webhook-signature';
import { guardedLookup, isPrivateAddress } from './webhook-url';

/** Shown in pg_stat_activity: the connection holding this process's webhook locks. */
const LOCKS_NAME = 'newsroom-facts webhook locks';
/** Characters of a failed answer kept in the delivery log. */
const ERROR_CHARS = 300;

interface HeadRow {
  id: string;
  payload: string;
  attempts: number;
  due: boolean;
  url: string;
  secret: string;
}

interface DueRow {
  id: string;
  due: boolean;
  wait_ms: number | null;
}

interface Outcome {
  ok: boolean;
  status: number | null;
  error: string | null;
}

/**
 * Delivers the queued webhook deliveries, at least once and in the log's order
 * per webhook. A webhook is worked by one process at a time: the one holding
 * its advisory lock, taken on a connection of this process's own, so the locks
 * of a process that dies are released with its connection and another process
 * takes the webhook over from its oldest delivery not recorded as done.
 *
 * A delivery is recorded after the receiver answers: a process dying in
 * between leaves it pending and it is sent again (receivers deduplicate by
 * `Webhook-Id`). A failure holds the webhook's later deliveries back until the
 * retry, so order is kept; retries back off exponentially until
 * WEBHOOK_RETRY_FOR_SECONDS after the first attempt, then the delivery is
 * marked failed and the next one goes.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly working = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private locks?: Client;
  private loop?: Promise<void>;
  private stopping = false;
  private readonly pause = new Pause();
  private unsubscribe?: () => void;

  constructor(
    private readonly live: LiveDatabase,
    private readonly signals: LogSignals,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.WEBHOOK_CONCURRENCY === 0 || !this.live.following) return;
    this.unsubscribe = this.signals.on((signal) => {
      if (signal === WEBHOOKS_CHANNEL) this.nudge();
    });
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    this.abort.abort();
    this.nudge();
    await this.loop;
    await Promise.all(this.working.values());
    await this.dropLocks();
  }

  private nudge(): void {
    this.pause.signal();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let wait = this.config.LIVE_POLL_MS;
      try {
        const locks = await this.lockConnection();
        const free = this.config.WEBHOOK_CONCURRENCY - this.working.size;
        if (free > 0) {
          const rows: DueRow[] = await this.live.dataSource.query(
            `select w.id, h.next_attempt_at <= now() as due,
                    greatest(0, extract(epoch from h.next_attempt_at - now()) * 1000)::float8 as wait_ms
               from webhooks w
               cross join lateral (
                 select d.next_attempt_at from webhook_deliveries d
                  where d.webhook_id = w.id and d.status = 'pending'
                  order by d.tx_id, d.position limit 1) h
              where not (w.id = any($1::uuid[]))
              order by h.next_attempt_at
              limit $2`,
            [[...this.working.keys()], free * 4],
          );
          for (const row of rows) {
            if (!row.due) {
              wait = Math.min(wait, Math.max(1, Math.ceil(row.wait_ms ?? wait)));
              continue;
            }
            if (this.working.size >= this.config.WEBHOOK_CONCURRENCY || this.stopping) break;
            const { rows: [{ locked }] } = await locks.query<{ locked: boolean }>(
              `select pg_try_advisory_lock(hashtextextended('webhook:' || $1, 0)) as locked`,
              [row.id],
            );
            if (locked) this.working.set(row.id, this.work(row.id, locks));
          }
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`looking for deliveries failed, retrying: ${String(error)}`);
        wait = 1000;
      }
      await this.sleep(wait);
    }
  }

  /** Sends the webhook's deliveries, oldest first, while they are due and this process holds its lock. */
  private async work(webhookId: string, locks: Client): Promise<void> {
    try {
      while (!this.stopping && this.locks === locks) {
        const [head]: HeadRow[] = await this.live.dataSource.query(
          `select d.id, d.payload, d.attempts, d.next_attempt_at <= now() as due, w.url, w.secret
             from webhook_deliveries d join webhooks w on w.id = d.webhook_id
            where d.webhook_id = $1 and d.status = 'pending'
            order by d.tx_id, d.position limit 1`,
          [webhookId],
        );
        if (!head || !head.due) break;
        const outcome = await this.send(head);
        if (this.stopping && this.abort.signal.aborted && !outcome.ok && outcome.status === null) break;
        await this.record(head, outcome);
        if (!outcome.ok) break;
      }
    } catch (error) {
      this.logger.warn(`delivering to webhook ${webhookId} failed: ${String(error)}`);
    } finally {
      this.working.delete(webhookId);
      if (this.locks === locks) {
        await locks.query(`select pg_advisory_unlock(hashtextextended('webhook:' || $1, 0))`, [webhookId]).catch(() => this.lost(locks));
      }
      this.nudge();
    }
  }

  private async record(head: HeadRow, outcome: Outcome): Promise<void> {
    const attempt = head.attempts + 1;
    const delay = Math.min(this.config.WEBHOOK_BACKOFF_BASE_MS * 2 ** Math.min(attempt - 1, 40), this.config.WEBHOOK_BACKOFF_MAX_MS);
    await this.live.dataSource.query(
      `update webhook_deliveries set
          attempts = attempts + 1,
          first_attempt_at = coalesce(first_attempt_at, now()),
          last_attempt_at = now(),
          last_response_status = $3,
          last_error = $4,
          status = case when $2 then 'delivered'
                        when now() + $5 * interval '1 millisecond' > coalesce(first_attempt_at, now()) + $6 * interval '1 second' then 'failed'
                        else 'pending' end,
          next_attempt_at = case when $2 then null
                        when now() + $5 * interval '1 millisecond' > coalesce(first_attempt_at, now()) + $6 * interval '1 second' then null
                        else now() + $5 * interval '1 millisecond' end,
          delivered_at = case when $2 then now() end
        where id = $1 and status = 'pending'`,
      [head.id, outcome.ok, outcome.status, outcome.error, delay, this.config.WEBHOOK_RETRY_FOR_SECONDS],
    );
  }

  /** One POST of the delivery, signed the Standard Webhooks way; never throws. */
  private send(head: HeadRow): Promise<Outcome> {
    const url = new URL(head.url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (!this.config.WEBHOOK_ALLOW_PRIVATE_URLS && isIP(host) && isPrivateAddress(host)) {
      return Promise.resolve({ ok: false, status: null, error: 'the URL points at a private address' });
    }
    const messageId = `msg_${head.id.replaceAll('-', '')}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = Buffer.from(head.payload, 'utf8');
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = request(
        url,
        {
          method: 'POST',
          signal: this.abort.signal,
          lookup: guardedLookup(this.config.WEBHOOK_ALLOW_PRIVATE_URLS),
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'newsroom-facts-webhooks',
            'webhook-id': messageId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(head.secret, messageId, timestamp, head.payload),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (text.length < ERROR_CHARS) text += chunk;
          });
          res.on('end', () => {
            const ok = status >= 200 && status < 300;
            settle({ ok, status, error: ok ? null : `HTTP ${status}${text ? `: ${text.slice(0, ERROR_CHARS)}` : ''}` });
          });
          res.on('error', (error) => settle({ ok: false, status, error: error.message.slice(0, ERROR_CHARS) }));
        },
      );
      // the whole exchange is bounded, so a receiver trickling its answer cannot hold the webhook
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${this.config.WEBHOOK_TIMEOUT_MS} ms`)), this.config.WEBHOOK_TIMEOUT_MS);
      req.on('error', (error) => settle({ ok: false, status: null, error: error.message.slice(0, ERROR_CHARS) }));
      req.end(body);
    });
  }

  /** The connection holding this process's webhook locks; a new one (holding none) when it was lost. */
  private async lockConnection(): Promise<Client> {
    if (this.locks) return this.locks;
    const url = (this.live.dataSource.options as { url?: string }).url;
    const client = new Client({ connectionString: url, application_name: LOCKS_NAME, keepAlive: true, connectionTimeoutMillis: 5000 });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    await client.connect();
    this.locks = client;
    return client;
  }

  /** Losing the connection loses its locks: the webhooks being worked stop before their next delivery. */
  private lost(client: Client): void {
    if (this.locks !== client) return;
    this.locks = undefined;
    void client.end().catch(() => undefined);
  }

  private async dropLocks(): Promise<void> {
    const client = this.locks;
    this.locks = undefined;
    await client?.end().catch(() => undefined);
  }

  private sleep(ms: number): Promise<void> {
    return this.stopping ? Promise.resolve() : this.pause.wait(ms);
  }
}
