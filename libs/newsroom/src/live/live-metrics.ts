import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from '@app/platform';
import { LiveDatabase } from './live-database';
import { LiveFeed } from './live-feed';

/** Events counted at most when measuring a lag, so a far-behind subscriber costs a bounded query. */
const LAG_COUNT_LIMIT = 100_000;
/** How often the lags are measured; a scrape reads the last measure and runs no query. */
const MEASURE_EVERY_MS = 5000;

interface LagRow {
  name: string;
  events: string;
  seconds: number;
}

/**
 * The lag of each subscriber of the log, as Prometheus gauges: the
 * checkpointed ones (es_checkpoints, whichever process runs them) and this
 * process's feed tail. Events: how many the subscriber has not handled yet
 * (counted up to a bound); seconds: how long ago the oldest of them was
 * recorded. Also the webhook queue, and the feed's open connections.
 */
@Injectable()
export class LiveMetrics implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('LiveMetrics');
  private readonly lagEvents: Gauge<'subscriber'>;
  private readonly lagSeconds: Gauge<'subscriber'>;
  private readonly pending: Gauge;
  private readonly pendingSeconds: Gauge;
  private timer?: NodeJS.Timeout;
  private measuring?: Promise<void>;

  constructor(
    metrics: Metrics,
    private readonly database: LiveDatabase,
    private readonly feed: LiveFeed,
  ) {
    const registers = [metrics.registry];
    this.lagEvents = new Gauge({
      name: 'newsroom_subscriber_lag_events',
      help: 'Events recorded that the subscriber has not handled yet (feed: this process).',
      labelNames: ['subscriber'] as const,
      registers,
    });
    this.lagSeconds = new Gauge({
      name: 'newsroom_subscriber_lag_seconds',
      help: 'Age of the oldest event the subscriber has not handled yet.',
      labelNames: ['subscriber'] as const,
      registers,
    });
    this.pending = new Gauge({ name: 'newsroom_webhook_deliveries_pending', help: 'Webhook deliveries not made yet.', registers });
    this.pendingSeconds = new Gauge({
      name: 'newsroom_webhook_delivery_lag_seconds',
      help: 'Age of the oldest webhook delivery not made yet.',
      registers,
    });
    new Gauge({
      name: 'newsroom_feed_clients',
      help: 'Feed connections open on this process.',
      registers,
      collect() {
        this.set(feed.clientCount);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (!this.database.following) return;
    const measure = () => {
      this.measuring = this.measure().catch((error: unknown) => this.logger.warn(`cannot measure the lags: ${String(error)}`));
    };
    measure();
    this.timer = setInterval(measure, MEASURE_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.measuring;
  }

  /** Reads every lag now; tests call it to look at current figures. */
  async measure(): Promise<void> {
    const head = this.feed.checkpoint;
    const lags: LagRow[] = await this.database.dataSource.query(
      `with subscriber (name, tx_id, position) as (
         select name, tx_id, position from es_checkpoints
         union all select 'feed', $1::xid8, $2::bigint
       )
       select s.name,
              (select count(*) from (select 1 from es_events e where (e.tx_id, e.position) > (s.tx_id, s.position) limit $3) x) as events,
              coalesce(extract(epoch from now() - (
                select e.recorded_at from es_events e where (e.tx_id, e.position) > (s.tx_id, s.position)
                 order by e.tx_id, e.position limit 1)), 0)::float8 as seconds
         from subscriber s`,
      [head.txId, head.position, LAG_COUNT_LIMIT],
    );
    const [queue]: { pending: string; seconds: number }[] = await this.database.dataSource.query(
      `select count(*) as pending, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as seconds
         from webhook_deliveries where status = 'pending'`,
    );
    this.lagEvents.reset();
    this.lagSeconds.reset();
    for (const row of lags) {
      this.lagEvents.set({ subscriber: row.name }, Number(row.events));
      this.lagSeconds.set({ subscriber: row.name }, row.seconds);
    }
    this.pending.set(Number(queue.pending));
    this.pendingSeconds.set(queue.seconds);
  }
}
