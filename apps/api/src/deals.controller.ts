import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import {
  DealStateParams,
  GetDealStateQuery,
  GetDealTimelineQuery,
  ListClaimsQuery,
  ListDealsQuery,
  ListDealsParams,
  PageParams,
  OpenDealCommand,
  OpenDealRequest,
  RecordClaimCommand,
  RecordClaimRequest,
  TimelineParams,
} from '@app/newsroom';
import type { CommandContext } from '@app/newsroom';
import { Context } from './request-context';

export const uuid = new ParseUUIDPipe();

@ApiTags('deals')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key and body replay the first response.' })
@Controller('deals')
export class DealsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOkResponse({ description: '{ items: deal states, nextCursor }, oldest deal first; stable while claims are added.' })
  async list(@Query() query: ListDealsParams) {
    return this.queries.execute(new ListDealsQuery(query));
  }

  @Get(':dealId')
  @ApiOkResponse({ description: 'The deal state (DESIGN 2.5), now or at validAt as known at knownAt.' })
  async state(@Param('dealId', uuid) dealId: string, @Query() query: DealStateParams) {
    return this.queries.execute(new GetDealStateQuery(dealId, query));
  }

  @Get(':dealId/timeline')
  @ApiOkResponse({ description: '{ entries }: by valid time (the claims in order) or by recorded time (every event).' })
  async timeline(@Param('dealId', uuid) dealId: string, @Query() query: TimelineParams) {
    return { entries: await this.queries.execute(new GetDealTimelineQuery(dealId, query.axis)) };
  }

  @Get(':dealId/claims')
  @ApiOkResponse({ description: '{ items, nextCursor }: the deal’s claims with their verdict and sources, in recording order.' })
  async claims(@Param('dealId', uuid) dealId: string, @Query() page: PageParams) {
    return this.queries.execute(new ListClaimsQuery({ dealId, limit: page.limit, cursor: page.cursor }, true));
  }

  @Post()
  @HttpCode(201)
  @Roles('editor')
  @ApiCreatedResponse({ description: 'The deal is open.', schema: { example: { id: '6f1c…', version: 1 } } })
  async open(@Body() body: OpenDealRequest, @Context() context: CommandContext) {
    return this.commands.execute(new OpenDealCommand(randomUUID(), body, context));
  }

  @Post(':dealId/claims')
  @HttpCode(201)
  @Roles('editor')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The deal version you saw: 412 if it moved on.' })
  @ApiCreatedResponse({ description: 'The claim is recorded.', schema: { example: { claimId: '…', dealId: '…', version: 2 } } })
  @ApiConflictResponse({ description: 'A domain rule refused it (e.g. contradicts-other-deal).' })
  async recordClaim(
    @Param('dealId', uuid) dealId: string,
    @Body() body: RecordClaimRequest,
    @Context() context: CommandContext,
  ) {
    return this.commands.execute(new RecordClaimCommand(dealId, randomUUID(), body, context));
  }
}
