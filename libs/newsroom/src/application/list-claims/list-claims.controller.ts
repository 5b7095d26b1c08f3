import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { uuid } from '../../http/command-context.decorator';
import { PageParams } from '@app/platform';
import { ListClaimsParams } from './list-claims.params.dto';
import { ListClaimsQuery } from './list-claims.query';

@ApiTags('claims')
@ApiBearerAuth()
@Controller()
export class ListClaimsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('claims')
  @ApiOkResponse({ description: '{ items, nextCursor }, oldest first: e.g. the fact-check queue with verdict=unreviewed.' })
  async list(@Query() params: ListClaimsParams) {
    return this.queries.execute(new ListClaimsQuery(params));
  }

  @Get('deals/:dealId/claims')
  @ApiOkResponse({ description: '{ items, nextCursor }: the deal’s claims with their verdict and sources, in recording order.' })
  async ofDeal(@Param('dealId', uuid) dealId: string, @Query() page: PageParams) {
    return this.queries.execute(new ListClaimsQuery({ dealId, limit: page.limit, cursor: page.cursor }, true));
  }
}
