import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { ApiIdempotencyKey, ApiIfMatch, ApiProblem } from '@app/platform';
import { Context, uuid } from '../../http/command-context.decorator';
import { ClaimWrittenResponse } from '../../http/responses.dto';
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
  @ApiOperation({ summary: 'Correct a claim' })
  @ApiIdempotencyKey()
  @ApiIfMatch()
  @ApiCreatedResponse({ description: 'The claim is amended; its verdict goes back to unreviewed.', type: ClaimWrittenResponse })
  @ApiProblem(404, 'No claim has this id.')
  @ApiProblem(409, 'claim-retracted: a retracted claim is not corrected.')
  async correct(@Param('claimId', uuid) claimId: string, @Body() body: CorrectClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new CorrectClaimCommand(null, claimId, body, context));
  }
}
