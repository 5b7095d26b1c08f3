import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { Context, IDEMPOTENCY_KEY_HEADER, IF_MATCH_HEADER, uuid } from '../../http/command-context.decorator';
import type { CommandContext } from '../command-context';
import { RecordClaimCommand } from './record-claim.command';
import { RecordClaimRequest } from './record-claim.request.dto';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class RecordClaimController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':dealId/claims')
  @HttpCode(201)
  @Roles('editor')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiCreatedResponse({ description: 'The claim is recorded.', schema: { example: { claimId: '…', dealId: '…', version: 2 } } })
  @ApiConflictResponse({ description: 'A domain rule refused it (e.g. contradicts-other-deal).' })
  async record(@Param('dealId', uuid) dealId: string, @Body() body: RecordClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new RecordClaimCommand(dealId, randomUUID(), body, context));
  }
}
