import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '@app/platform';
import { DealStateResponse } from '../../http/responses.dto';
import { uuid } from '../../http/command-context.decorator';
import { DealStateParams } from './get-deal-state.params.dto';
import { GetDealStateQuery } from './get-deal-state.query';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class GetDealStateController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':dealId')
  @ApiOperation({ summary: 'Read a deal’s state, now or on two time axes' })
  @ApiOkResponse({ description: 'The deal state (DESIGN 2.5), now or at validAt as known at knownAt.', type: DealStateResponse })
  @ApiProblem(404, 'No deal has this id (or none was known at knownAt).')
  async state(@Param('dealId', uuid) dealId: string, @Query() params: DealStateParams) {
    return this.queries.execute(new GetDealStateQuery(dealId, params));
  }
}
