import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { CLAIM_WRITTEN, Context, IDEMPOTENCY_KEY_HEADER, IF_MATCH_HEADER, uuid } from '../../http/command-context.decorator';
import type { CommandContext } from '../command-context';
import { RetractClaimCommand } from './retract-claim.command';
import { RetractClaimRequest } from './retract-claim.request.dto';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class RetractClaimController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':claimId/retraction')
  @HttpCode(201)
  @Roles('editor', 'fact_checker')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiCreatedResponse({ description: 'The claim is retracted: it no longer counts.', ...CLAIM_WRITTEN })
  async retract(@Param('claimId', uuid) claimId: string, @Body() body: RetractClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new RetractClaimCommand(null, claimId, body, context));
  }
}
