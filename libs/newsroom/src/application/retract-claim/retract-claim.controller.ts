import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { ApiIdempotencyKey, ApiIfMatch, ApiProblem } from '@app/platform';
import { Context, uuid } from '../../http/command-context.decorator';
import { ClaimWrittenResponse } from '../../http/responses.dto';
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
  @ApiOperation({ summary: 'Retract a claim' })
  @ApiIdempotencyKey()
  @ApiIfMatch()
  @ApiCreatedResponse({ description: 'The claim is retracted: it no longer counts.', type: ClaimWrittenResponse })
  @ApiProblem(404, 'No claim has this id.')
  @ApiProblem(409, 'claim-retracted: the claim is already retracted.')
  async retract(@Param('claimId', uuid) claimId: string, @Body() body: RetractClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new RetractClaimCommand(null, claimId, body, context));
  }
}
