import { Global, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** What the pg pool under TypeORM exposes about its connections. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * The process's Prometheus metrics (prom-client), in a registry of its own so
 * that several apps in one process (tests) do not share counters. Every value
 * is kept in memory or read from the pool: a scrape runs no query.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'newsroom_http_request_duration_seconds',
    help: 'Time from a request received to its response sent, by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly commands = new Counter({
    name: 'newsroom_commands_total',
    help: 'Deal commands run, by command and outcome (written, replayed for a repeated Idempotency-Key, refused).',
    labelNames: ['command', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly commandRetries = new Counter({
    name: 'newsroom_command_retries_total',
    help: 'Deal commands run again after losing a race for the deal version, by command.',
    labelNames: ['command'] as const,
    registers: [this.registry],
  });

  readonly appendedEvents = new Counter({
    name: 'newsroom_events_appended_total',
    help: 'Events this process appended to the log, by event type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  constructor(dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    const pool = () => (dataSource.isInitialized ? (dataSource.driver as unknown as { master?: PoolCounts }).master : undefined);
    new Gauge({
      name: 'newsroom_db_pool_connections',
      help: 'Connections of the request pool to PostgreSQL, by state (idle, in use).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const counts = pool();
        this.set({ state: 'idle' }, counts?.idleCount ?? 0);
        this.set({ state: 'in_use' }, counts ? counts.totalCount - counts.idleCount : 0);
      },
    });
    new Gauge({
      name: 'newsroom_db_pool_waiting_requests',
      help: 'Queries waiting for a free connection of the request pool.',
      registers: [this.registry],
      collect() {
        this.set(pool()?.waitingCount ?? 0);
      },
    });
  }

  /** The text a Prometheus scrape reads. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }
}

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
