import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { CLAIM_WRITTEN, Context, IDEMPOTENCY_KEY_HEADER, IF_MATCH_HEADER, uuid } from '../../http/command-context.decorator';
import type { CommandContext } from '../command-context';
import { GiveVerdictCommand } from './give-verdict.command';
import { GiveVerdictRequest } from './give-verdict.request.dto';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class GiveVerdictController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':claimId/verdicts')
  @HttpCode(201)
  @Roles('fact_checker')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiCreatedResponse({ description: 'The verdict is recorded against the claim’s current revision.', ...CLAIM_WRITTEN })
  @ApiConflictResponse({ description: 'four-eyes (you recorded or corrected the claim) or claim-retracted.' })
  async giveVerdict(@Param('claimId', uuid) claimId: string, @Body() body: GiveVerdictRequest, @Context() context: CommandContext) {
    return this.commands.execute(new GiveVerdictCommand(null, claimId, body, context));
  }
}
