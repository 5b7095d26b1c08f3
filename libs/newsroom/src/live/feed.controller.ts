import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ProblemError } from '@app/platform';
import { compileFilter } from './feed-events';
import { FEED_POSITION, FeedParams } from './feed.params.dto';
import { LiveFeed } from './live-feed';

@ApiTags('feed')
@ApiBearerAuth()
@Controller('feed')
export class FeedController {
  constructor(private readonly feed: LiveFeed) {}

  @Get()
  @ApiOperation({ summary: 'Live feed of the log (server-sent events)' })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event (sent by EventSource on reconnection).' })
  @ApiOkResponse({
    description:
      'Server-sent events, one per stored event: `id:` its global position, data `{ position, dealId, type, claimId?, recordedAt, version, changes }`. ' +
      'A heartbeat comment every 15 s, with an `id:` line past the events a filter skipped; a client too slow to keep up is cut off with a comment naming the id to resume after.',
    schema: { type: 'string', example: 'id: 12\ndata: {"position":12,"dealId":"0b6f4a52-6c1e-5d7a-9b3e-2f4c8d1a7e60","type":"ClaimRecorded","version":3,"changes":[]}\n\n' },
  })
  @ApiBadRequestResponse({ description: 'A bad filter, or an id that names no event.' })
  async stream(
    @Query() params: FeedParams,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const fromHeader = lastEventId !== undefined && lastEventId.trim() !== '';
    const after = fromHeader ? lastEventId.trim() : params.after;
    const field = fromHeader ? 'Last-Event-ID' : 'after';
    if (after !== undefined && !FEED_POSITION.test(after)) throw badPosition(field, 'must be the id of a feed event (a non-negative integer)');
    const start = await this.feed.startAfter(after === undefined ? undefined : Number(after));
    if (start === null) throw badPosition(field, `names no event: ${after}`);
    const filter = compileFilter(params);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
      'x-request-id': String(reply.request.id),
    });
    void this.feed.serve(reply.raw, start, filter);
  }
}

function badPosition(field: string, message: string): ProblemError {
  return new ProblemError(400, 'invalid-feed-position', 'Bad Request', `${field} ${message}`, [{ field, message }]);
}
