import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ListDealsParams } from './list-deals.params.dto';
import { ListDealsQuery } from './list-deals.query';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class ListDealsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOkResponse({ description: '{ items: deal states, nextCursor }, oldest deal first; stable while claims are added.' })
  async list(@Query() params: ListDealsParams) {
    return this.queries.execute(new ListDealsQuery(params));
  }
}
