import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventStore, StoredEvent, SubscriptionRunner } from '@app/event-store';
import { AppConfig } from '@app/platform';
import { LiveDatabase } from '../live/live-database';
import { compareCheckpoints, compileFilter, feedItemsOf, matches, type FeedFilter } from '../live/feed-events';
import { WEBHOOKS_CHANNEL } from '../live/log-signals';
import { WEBHOOKS_SUBSCRIBER } from './webhook.service';

interface HookRow {
  id: string;
  filter: FeedFilter;
  after_tx_id: string;
  after_position: string;
}

/** Milliseconds a wake-up of the fan-out waits to take a burst of claims in one transaction. */
const FANOUT_GATHER_MS = 50;

/**
 * Queues a delivery for every event each webhook's filter matches. It is a
 * checkpointed subscriber of the log: each batch's deliveries commit with the
 * checkpoint, so an event is queued once per webhook, in the log's order, by
 * whichever API process holds the subscription.
 */
@Injectable()
export class WebhookFanout implements OnApplicationBootstrap, OnModuleDestroy {
  private runner?: SubscriptionRunner;

  constructor(
    private readonly store: EventStore,
    private readonly live: LiveDatabase,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.live.following) return;
    this.runner = new SubscriptionRunner(this.store, this.live.dataSource, WEBHOOKS_SUBSCRIBER, (events, manager) => this.fanOut(events, manager), {
      pollIntervalMs: this.config.LIVE_POLL_MS,
      gatherMs: FANOUT_GATHER_MS,
    });
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }

  private async fanOut(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const hooks: HookRow[] = await manager.query('select id, filter, after_tx_id::text as after_tx_id, after_position from webhooks');
    if (hooks.length === 0) return;
    const items = await feedItemsOf(events, manager);
    const rows: { n: number; id: string; webhook_id: string; tx_id: string; position: number; event_type: string; payload: string }[] = [];
    const targets = hooks.map((hook) => ({
      id: hook.id,
      filter: compileFilter(hook.filter),
      after: { txId: hook.after_tx_id, position: Number(hook.after_position) },
    }));
    for (const item of items) {
      for (const hook of targets) {
        if (compareCheckpoints(item.checkpoint, hook.after) <= 0 || !matches(item, hook.filter)) continue;
        rows.push({
          n: rows.length,
          id: randomUUID(),
          webhook_id: hook.id,
          tx_id: item.checkpoint.txId,
          position: item.event.position,
          event_type: item.event.type,
          payload: item.json,
        });
      }
    }
    if (rows.length === 0) return;
    await manager.query(
      `insert into webhook_deliveries (id, webhook_id, tx_id, position, event_type, payload)
       select r.id, r.webhook_id, r.tx_id::xid8, r.position, r.event_type, r.payload
         from json_to_recordset($1::json)
              as r (id uuid, webhook_id uuid, tx_id text, position bigint, event_type text, payload text, n bigint)
        order by r.n
       on conflict on constraint webhook_deliveries_event do nothing`,
      [JSON.stringify(rows)],
    );
    // heard by every process once this batch commits
    await manager.query('select pg_notify($1, $2)', [WEBHOOKS_CHANNEL, '']);
  }
}
