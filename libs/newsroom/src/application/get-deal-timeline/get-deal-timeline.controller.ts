import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '@app/platform';
import { TimelineResponse } from '../../http/responses.dto';
import { uuid } from '../../http/command-context.decorator';
import { TimelineParams } from './get-deal-timeline.params.dto';
import { GetDealTimelineQuery } from './get-deal-timeline.query';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class GetDealTimelineController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':dealId/timeline')
  @ApiOperation({ summary: 'Read a deal’s timeline by valid or recorded time' })
  @ApiOkResponse({ description: '{ entries }: by valid time (the claims in order) or by recorded time (every event).', type: TimelineResponse })
  @ApiProblem(404, 'No deal has this id.')
  async timeline(@Param('dealId', uuid) dealId: string, @Query() params: TimelineParams, @Res({ passthrough: true }) reply: FastifyReply) {
    const entries = await this.queries.execute(new GetDealTimelineQuery(dealId, params.axis));
    void reply.header('content-type', 'application/json; charset=utf-8');
    return `{"entries":${entries}}`;
  }
}
