import { Injectable, OnApplicationShutdown, type FactoryProvider } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource, type DataSourceOptions } from 'typeorm';

/** Connections of the live pool: the feed tail, clients catching up, the webhook fan-out (one held) and dispatcher. */
const LIVE_POOL_SIZE = 6;

/**
 * A small pool of its own for the work that follows the log in the
 * background, so that feed catch-ups and webhook deliveries never take a
 * connection a request is waiting for, and requests never starve them.
 */
@Injectable()
export class LiveDatabase implements OnApplicationShutdown {
  static readonly provider: FactoryProvider<LiveDatabase> = {
    provide: LiveDatabase,
    inject: [DataSource, HttpAdapterHost],
    useFactory: async (main: DataSource, host: HttpAdapterHost) => {
      const options = main.options as DataSourceOptions & { extra?: Record<string, unknown> };
      const live = new DataSource({
        ...options,
        migrations: [],
        extra: { ...options.extra, max: LIVE_POOL_SIZE, application_name: 'newsroom-facts live' },
      } as DataSourceOptions);
      await live.initialize();
      return new LiveDatabase(live, Boolean(host.httpAdapter));
    },
  };

  constructor(
    readonly dataSource: DataSource,
    /**
     * Whether this process follows the log: the API does; CLI commands, which
     * boot the same modules without HTTP, do not.
     */
    readonly following: boolean,
  ) {}

  /** After every module has stopped its readers. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
