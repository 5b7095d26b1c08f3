import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuid } from '../../http/command-context.decorator';
import { DealStateParams } from './get-deal-state.params.dto';
import { GetDealStateQuery } from './get-deal-state.query';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class GetDealStateController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':dealId')
  @ApiOkResponse({ description: 'The deal state (DESIGN 2.5), now or at validAt as known at knownAt.' })
  async state(@Param('dealId', uuid) dealId: string, @Query() params: DealStateParams) {
    return this.queries.execute(new GetDealStateQuery(dealId, params));
  }
}
