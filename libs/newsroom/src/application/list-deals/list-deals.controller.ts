import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DealPageResponse } from '../../http/responses.dto';
import { ListDealsParams } from './list-deals.params.dto';
import { ListDealsQuery } from './list-deals.query';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class ListDealsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'List deals' })
  @ApiOkResponse({ description: '{ items: deal states, nextCursor }, oldest deal first; stable while claims are added.', type: DealPageResponse })
  async list(@Query() params: ListDealsParams) {
    return this.queries.execute(new ListDealsQuery(params));
  }
}
