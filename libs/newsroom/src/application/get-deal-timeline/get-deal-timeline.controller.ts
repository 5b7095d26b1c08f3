import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuid } from '../../http/command-context.decorator';
import { TimelineParams } from './get-deal-timeline.params.dto';
import { GetDealTimelineQuery } from './get-deal-timeline.query';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class GetDealTimelineController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':dealId/timeline')
  @ApiOkResponse({ description: '{ entries }: by valid time (the claims in order) or by recorded time (every event).' })
  async timeline(@Param('dealId', uuid) dealId: string, @Query() params: TimelineParams) {
    return { entries: await this.queries.execute(new GetDealTimelineQuery(dealId, params.axis)) };
  }
}
