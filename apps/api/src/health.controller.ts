import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/access';
import { AppConfig, Database, DATABASE_RETRY_AFTER_SECONDS, PROBLEM_CONTENT_TYPE, problemType } from '@app/platform';
import { EventStore } from '@app/event-store';
import { LiveMetrics } from '@app/newsroom/live';

@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly started = Date.now();

  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly config: AppConfig,
    private readonly live: LiveMetrics,
  ) {}

  @Get('health')
  @Public()
  @ApiOkResponse({ description: 'The service is up, the database answers and its schema is migrated.' })
  @ApiServiceUnavailableResponse({ description: 'The database is unreachable.' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const { database, migrations } = await this.database.check(this.config.DATABASE_CONNECT_TIMEOUT_MS);
    if (database === 'up' && migrations === 'done') return { status: 'ok', database, migrations };
    void reply
      .status(503)
      .header('content-type', PROBLEM_CONTENT_TYPE)
      .header('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
    return {
      type: problemType('database-unavailable'),
      title: 'Service Unavailable',
      status: 503,
      detail: database === 'down' ? 'the database does not answer' : 'the database schema is not migrated yet',
      // each dependency and its state, so an operator sees which one is down
      database,
      migrations,
    };
  }

  @Get('metrics')
  @Public()
  @Header('content-type', 'text/plain; version=0.0.4')
  async metrics(): Promise<string> {
    const [row]: { events: string; streams: string }[] = await this.database.dataSource.query(
      'select (select count(*) from es_events) as events, (select count(*) from es_streams) as streams',
    );
    const memory = process.memoryUsage();
    return [
      '# HELP newsroom_events_total Events in the log.',
      '# TYPE newsroom_events_total gauge',
      `newsroom_events_total ${row.events}`,
      '# HELP newsroom_streams_total Streams (deals) in the log.',
      '# TYPE newsroom_streams_total gauge',
      `newsroom_streams_total ${row.streams}`,
      '# HELP process_uptime_seconds Seconds since the process started.',
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds ${Math.round((Date.now() - this.started) / 1000)}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${memory.rss}`,
      ...(await this.live.lines()),
      '',
    ].join('\n');
  }
}
