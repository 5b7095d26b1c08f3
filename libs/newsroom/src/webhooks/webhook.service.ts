import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, ProblemError, type IdempotencyContext } from '@app/platform';
import { encodeCursor, decodeCursor, type Page } from '../application/read-page';
import type { FeedFilter } from '../live/feed-events';
import { newWebhookSecret } from './webhook-signature';
import { checkWebhookUrl } from './webhook-url';

/** The subscriber that turns events into webhook deliveries (its checkpoint is in es_checkpoints). */
export const WEBHOOKS_SUBSCRIBER = 'webhooks';

/** `es_idempotency.stream_id` of the webhooks created with an Idempotency-Key. */
const IDEMPOTENCY_STREAM = 'webhooks';

export interface CreatedWebhook {
  id: string;
  url: string;
  filter: FeedFilter;
  createdAt: string;
  /** Shown once: deliveries are signed with it. */
  secret: string;
}

export interface WebhookSummary {
  id: string;
  url: string;
  filter: FeedFilter;
  createdAt: string;
  pending: number;
}

export interface DeliverySummary {
  id: string;
  position: number;
  type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  firstAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface WebhookRow {
  seq: string;
  id: string;
  url: string;
  filter: FeedFilter;
  created_at: Date;
  pending: string;
}

interface DeliveryRow {
  seq: string;
  id: string;
  position: string;
  event_type: string;
  status: DeliverySummary['status'];
  attempts: number;
  next_attempt_at: Date | null;
  first_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_response_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** Webhooks: create (the secret shown once), list, remove, and each one's delivery log. */
@Injectable()
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * A new webhook receives the events after the webhooks subscriber's
   * checkpoint. The checkpoint row is locked as a batch of the subscriber
   * locks it, so every batch committed later sees the webhook and none before
   * did: no event is skipped or fanned out twice.
   *
   * With an Idempotency-Key, its claim is written in the same transaction:
   * a repeat answers 409 with the first webhook's id (its secret was shown
   * once), or 422 when the request differs.
   */
  async create(url: string, filter: FeedFilter, idempotency?: IdempotencyContext & { given: string }): Promise<CreatedWebhook> {
    const checked = await checkWebhookUrl(url, this.config.WEBHOOK_ALLOW_PRIVATE_URLS);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const stored = compactFilter(filter);
    await this.dataSource.query(
      `insert into es_checkpoints (name, tx_id, position) values ($1, '0', 0) on conflict (name) do nothing`,
      [WEBHOOKS_SUBSCRIBER],
    );
    const rows = await this.dataSource.transaction(async (manager) => {
      if (idempotency) {
        const claimed: unknown[] = await manager.query(
          `insert into es_idempotency (key, request_hash, stream_id, result) values ($1, $2, $3, jsonb_build_object('id', $4::text))
           on conflict (key) do nothing returning key`,
          [idempotency.key, idempotency.requestHash, IDEMPOTENCY_STREAM, id],
        );
        if (claimed.length === 0) {
          const [first]: { request_hash: string; result: { id?: string } | null }[] = await manager.query(
            'select request_hash, result from es_idempotency where key = $1',
            [idempotency.key],
          );
          if (first.request_hash !== idempotency.requestHash) {
            throw new ProblemError(422, 'idempotency-key-reused', 'Unprocessable Content', `Idempotency-Key ${idempotency.given} was already used with a different request`);
          }
          throw alreadyCreated(idempotency.given, first.result?.id);
        }
      }
      const created: { created_at: Date }[] = await manager.query(
        `with c as (select tx_id, position from es_checkpoints where name = $5 for update)
         insert into webhooks (id, url, secret, filter, after_tx_id, after_position)
         select $1, $2, $3, $4::jsonb, c.tx_id, c.position from c
         returning created_at`,
        [id, checked.toString(), secret, JSON.stringify(stored), WEBHOOKS_SUBSCRIBER],
      );
      return created;
    });
    return { id, url: checked.toString(), filter: stored, createdAt: rows[0].created_at.toISOString(), secret };
  }

  async list(limit: number, cursor?: string): Promise<Page<WebhookSummary>> {
    const after = decodeCursor(cursor);
    const rows: WebhookRow[] = await this.dataSource.query(
      `select w.seq, w.id, w.url, w.filter, w.created_at,
              (select count(*) from webhook_deliveries d where d.webhook_id = w.id and d.status = 'pending') as pending
         from webhooks w where w.seq > $1 order by w.seq limit $2`,
      [after, limit + 1],
    );
    const kept = rows.slice(0, limit);
    return {
      items: kept.map((row) => ({
        id: row.id,
        url: row.url,
        filter: row.filter,
        createdAt: row.created_at.toISOString(),
        pending: Number(row.pending),
      })),
      nextCursor: rows.length > limit ? encodeCursor(Number(kept[kept.length - 1].seq)) : null,
    };
  }

  /** Removes the webhook and its queue; deliveries in flight are not recorded. */
  async remove(id: string): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(
      'with removed as (delete from webhooks where id = $1 returning id) select id from removed',
      [id],
    );
    if (rows.length === 0) throw notFound(id);
  }

  /** The webhook's deliveries, newest first. */
  async deliveries(id: string, limit: number, cursor?: string): Promise<Page<DeliverySummary>> {
    const before = cursor === undefined ? null : decodeCursor(cursor);
    const exists: unknown[] = await this.dataSource.query('select 1 from webhooks where id = $1', [id]);
    if (exists.length === 0) throw notFound(id);
    const rows: DeliveryRow[] = await this.dataSource.query(
      `select seq, id, position, event_type, status, attempts, next_attempt_at, first_attempt_at, last_attempt_at,
              last_response_status, last_error, created_at, delivered_at
         from webhook_deliveries
        where webhook_id = $1 and ($2::bigint is null or seq < $2)
        order by seq desc limit $3`,
      [id, before, limit + 1],
    );
    const kept = rows.slice(0, limit);
    return {
      items: kept.map((row) => ({
        id: row.id,
        position: Number(row.position),
        type: row.event_type,
        status: row.status,
        attempts: row.attempts,
        nextAttemptAt: iso(row.next_attempt_at),
        firstAttemptAt: iso(row.first_attempt_at),
        lastAttemptAt: iso(row.last_attempt_at),
        lastResponseStatus: row.last_response_status,
        lastError: row.last_error,
        createdAt: row.created_at.toISOString(),
        deliveredAt: iso(row.delivered_at),
      })),
      nextCursor: rows.length > limit ? encodeCursor(Number(kept[kept.length - 1].seq)) : null,
    };
  }
}

function compactFilter(filter: FeedFilter): FeedFilter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as FeedFilter;
}

function alreadyCreated(given: string, id: string | undefined): ProblemError {
  return new ProblemError(
    409,
    'webhook-already-created',
    'Conflict',
    `the webhook created for Idempotency-Key ${given} had its secret shown once, in the response to the first request` +
      `${id ? ` (its id is ${id})` : ''}: delete it and create another if the secret was lost`,
    undefined,
    id ? { id } : {},
  );
}

function notFound(id: string): ProblemError {
  return new ProblemError(404, 'webhook-not-found', 'Not Found', `no webhook has the id ${id}`);
}
