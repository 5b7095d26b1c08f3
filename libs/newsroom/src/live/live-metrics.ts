import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LiveFeed } from './live-feed';

/** Events counted at most when measuring a lag, so a far-behind subscriber costs a bounded query. */
const LAG_COUNT_LIMIT = 1_000_000;

interface LagRow {
  name: string;
  events: string;
  seconds: number;
}

/**
 * The lag of each subscriber of the log, for `/metrics`: the checkpointed
 * ones (es_checkpoints, whichever process runs them) and this process's feed
 * tail. Events: how many the subscriber has not handled yet; seconds: how
 * long ago the oldest of them was recorded. Also the webhook queue.
 */
@Injectable()
export class LiveMetrics {
  constructor(
    private readonly dataSource: DataSource,
    private readonly feed: LiveFeed,
  ) {}

  async lines(): Promise<string[]> {
    const head = this.feed.checkpoint;
    const lags: LagRow[] = await this.dataSource.query(
      `with subscriber (name, tx_id, position) as (
         select name, tx_id, position from es_checkpoints
         union all select 'feed', $1::xid8, $2::bigint
       )
       select s.name,
              (select count(*) from (select 1 from es_events e where (e.tx_id, e.position) > (s.tx_id, s.position) limit $3) x) as events,
              coalesce(extract(epoch from now() - (
                select e.recorded_at from es_events e where (e.tx_id, e.position) > (s.tx_id, s.position)
                 order by e.tx_id, e.position limit 1)), 0)::float8 as seconds
         from subscriber s order by s.name`,
      [head.txId, head.position, LAG_COUNT_LIMIT],
    );
    const [queue]: { pending: string; seconds: number }[] = await this.dataSource.query(
      `select count(*) as pending, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as seconds
         from webhook_deliveries where status = 'pending'`,
    );
    const label = (name: string) => `{subscriber="${name.replace(/[\\"\n]/g, '_')}"}`;
    return [
      '# HELP newsroom_subscriber_lag_events Events recorded that the subscriber has not handled yet (feed: this process).',
      '# TYPE newsroom_subscriber_lag_events gauge',
      ...lags.map((row) => `newsroom_subscriber_lag_events${label(row.name)} ${row.events}`),
      '# HELP newsroom_subscriber_lag_seconds Age of the oldest event the subscriber has not handled yet.',
      '# TYPE newsroom_subscriber_lag_seconds gauge',
      ...lags.map((row) => `newsroom_subscriber_lag_seconds${label(row.name)} ${row.seconds.toFixed(3)}`),
      '# HELP newsroom_feed_clients Feed connections open on this process.',
      '# TYPE newsroom_feed_clients gauge',
      `newsroom_feed_clients ${this.feed.clientCount}`,
      '# HELP newsroom_webhook_deliveries_pending Webhook deliveries not made yet.',
      '# TYPE newsroom_webhook_deliveries_pending gauge',
      `newsroom_webhook_deliveries_pending ${queue.pending}`,
      '# HELP newsroom_webhook_delivery_lag_seconds Age of the oldest webhook delivery not made yet.',
      '# TYPE newsroom_webhook_delivery_lag_seconds gauge',
      `newsroom_webhook_delivery_lag_seconds ${queue.seconds.toFixed(3)}`,
    ];
  }
}
