import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { ApiIdempotencyKey, ApiIfMatch, ApiProblem } from '@app/platform';
import { Context, uuid } from '../../http/command-context.decorator';
import { ClaimWrittenResponse } from '../../http/responses.dto';
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
  @ApiOperation({ summary: 'Give a verdict on a claim' })
  @ApiIdempotencyKey()
  @ApiIfMatch()
  @ApiCreatedResponse({ description: 'The verdict is recorded against the claim’s current revision.', type: ClaimWrittenResponse })
  @ApiProblem(404, 'No claim has this id.')
  @ApiProblem(409, 'four-eyes: the key recorded or corrected the claim; claim-retracted: a retracted claim is not judged.')
  async giveVerdict(@Param('claimId', uuid) claimId: string, @Body() body: GiveVerdictRequest, @Context() context: CommandContext) {
    return this.commands.execute(new GiveVerdictCommand(null, claimId, body, context));
  }
}
