import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { CLAIM_WRITTEN, Context, IDEMPOTENCY_KEY_HEADER, IF_MATCH_HEADER, uuid } from '../../http/command-context.decorator';
import type { CommandContext } from '../command-context';
import { CorrectClaimCommand } from './correct-claim.command';
import { CorrectClaimRequest } from './correct-claim.request.dto';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class CorrectClaimController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':claimId/corrections')
  @HttpCode(201)
  @Roles('editor')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiCreatedResponse({ description: 'The claim is amended; its verdict goes back to unreviewed.', ...CLAIM_WRITTEN })
  @ApiConflictResponse({ description: 'claim-retracted.' })
  async correct(@Param('claimId', uuid) claimId: string, @Body() body: CorrectClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new CorrectClaimCommand(null, claimId, body, context));
  }
}
