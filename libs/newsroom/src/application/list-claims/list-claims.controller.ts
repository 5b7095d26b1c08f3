import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblem } from '@app/platform';
import { ClaimPageResponse } from '../../http/responses.dto';
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
  @ApiOperation({ summary: 'List claims (the fact-check queue with verdict=unreviewed)' })
  @ApiOkResponse({ description: '{ items, nextCursor }, oldest first: e.g. the fact-check queue with verdict=unreviewed.', type: ClaimPageResponse })
  async list(@Query() params: ListClaimsParams) {
    return this.queries.execute(new ListClaimsQuery(params));
  }

  @Get('deals/:dealId/claims')
  @ApiOperation({ summary: 'List a deal’s claims' })
  @ApiOkResponse({ description: '{ items, nextCursor }: the deal’s claims with their verdict and sources, in recording order.', type: ClaimPageResponse })
  @ApiProblem(404, 'No deal has this id.')
  async ofDeal(@Param('dealId', uuid) dealId: string, @Query() page: PageParams) {
    return this.queries.execute(new ListClaimsQuery({ dealId, limit: page.limit, cursor: page.cursor }, true));
  }
}
