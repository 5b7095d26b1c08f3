import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import {
  CommandContext,
  OpenDealCommand,
  OpenDealRequest,
  RecordClaimCommand,
  RecordClaimRequest,
} from '@app/newsroom';
import { Context } from './request-context';

export const uuid = new ParseUUIDPipe();

@ApiTags('deals')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key and body replay the first response.' })
@Controller('deals')
export class DealsController {
  constructor(private readonly commands: CommandBus) {}

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
