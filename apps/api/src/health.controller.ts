import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@app/access';
import { ApiProblem, AppConfig, Database, DATABASE_RETRY_AFTER_SECONDS, Metrics, PROBLEM_CONTENT_TYPE, problemType } from '@app/platform';

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] })
  status!: string;

  @ApiProperty({ enum: ['up'] })
  database!: string;

  @ApiProperty({ enum: ['done'] })
  migrations!: string;
}

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly prometheus: Metrics,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness and database readiness' })
  @ApiOkResponse({ description: 'The service is up, the database answers and its schema is migrated.', type: HealthResponse })
  @ApiProblem(503, 'The database is down or not migrated yet; `database` (up, down) and `migrations` (done, pending) say which.')
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
      requestId: String(reply.request.id),
    };
  }

  @Get('metrics')
  @Public()
  @ApiOperation({ summary: 'Prometheus metrics' })
  @ApiOkResponse({ description: 'The Prometheus text format.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    // prom-client's registry, kept in memory (the subscribers' lag is measured in the background): no query
    return this.prometheus.text();
  }

}
