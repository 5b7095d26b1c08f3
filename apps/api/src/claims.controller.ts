import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import {
  AddSourceCommand,
  AddSourceRequest,
  CorrectClaimCommand,
  CorrectClaimRequest,
  GetClaimQuery,
  GiveVerdictCommand,
  GiveVerdictRequest,
  ListClaimsParams,
  ListClaimsQuery,
  RetractClaimCommand,
  RetractClaimRequest,
} from '@app/newsroom';
import type { CommandContext } from '@app/newsroom';
import { uuid } from './deals.controller';
import { Context } from './request-context';

const CLAIM_WRITTEN = { schema: { example: { claimId: '…', dealId: '…', version: 5 } } };

@ApiTags('claims')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key and body replay the first response.' })
@ApiHeader({ name: 'If-Match', required: false, description: 'The deal version you saw: 412 if it moved on.' })
@Controller('claims')
export class ClaimsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOkResponse({ description: '{ items, nextCursor }, oldest first: e.g. the fact-check queue with verdict=unreviewed.' })
  async list(@Query() query: ListClaimsParams) {
    return this.queries.execute(new ListClaimsQuery(query));
  }

  @Get(':claimId')
  @ApiOkResponse({ description: 'The claim, its sources, its verdict and every event about it.' })
  async get(@Param('claimId', uuid) claimId: string) {
    return this.queries.execute(new GetClaimQuery(claimId));
  }

  @Post(':claimId/sources')
  @HttpCode(201)
  @Roles('editor')
  @ApiCreatedResponse({ description: 'The source corroborates the claim.', ...CLAIM_WRITTEN })
  async addSource(@Param('claimId', uuid) claimId: string, @Body() body: AddSourceRequest, @Context() context: CommandContext) {
    return this.commands.execute(new AddSourceCommand(null, claimId, body, context));
  }

  @Post(':claimId/verdicts')
  @HttpCode(201)
  @Roles('fact_checker')
  @ApiCreatedResponse({ description: 'The verdict is recorded against the claim’s current revision.', ...CLAIM_WRITTEN })
  @ApiConflictResponse({ description: 'four-eyes (you recorded the claim) or claim-retracted.' })
  async giveVerdict(@Param('claimId', uuid) claimId: string, @Body() body: GiveVerdictRequest, @Context() context: CommandContext) {
    return this.commands.execute(new GiveVerdictCommand(null, claimId, body, context));
  }

  @Post(':claimId/retraction')
  @HttpCode(201)
  @Roles('editor', 'fact_checker')
  @ApiCreatedResponse({ description: 'The claim is retracted: it no longer counts.', ...CLAIM_WRITTEN })
  async retract(@Param('claimId', uuid) claimId: string, @Body() body: RetractClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new RetractClaimCommand(null, claimId, body, context));
  }

  @Post(':claimId/corrections')
  @HttpCode(201)
  @Roles('editor')
  @ApiCreatedResponse({ description: 'The claim is amended; its verdict goes back to unreviewed.', ...CLAIM_WRITTEN })
  @ApiConflictResponse({ description: 'claim-retracted.' })
  async correct(@Param('claimId', uuid) claimId: string, @Body() body: CorrectClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new CorrectClaimCommand(null, claimId, body, context));
  }
}
