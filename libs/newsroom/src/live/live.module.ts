import { Module } from '@nestjs/common';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { WebhookFanout } from '../webhooks/webhook-fanout';
import { WebhookService } from '../webhooks/webhook.service';
import { WebhooksController } from '../webhooks/webhooks.controller';
import { FeedController } from './feed.controller';
import { LiveDatabase } from './live-database';
import { LiveFeed } from './live-feed';
import { LiveMetrics } from './live-metrics';
import { LogSignals } from './log-signals';

/**
 * What follows the log as it grows: the live feed (`GET /feed`), outbound
 * webhooks, the wake-ups API processes send each other, and their lag.
 */
@Module({
  controllers: [FeedController, WebhooksController],
  providers: [LiveDatabase.provider, LogSignals, LiveFeed, LiveMetrics, WebhookService, WebhookFanout, WebhookDispatcher],
  exports: [LiveMetrics],
})
export class LiveModule {}
