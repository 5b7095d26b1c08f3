import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey, ApiIfMatch, ApiProblem } from '@app/platform';
import { Roles } from '@app/access';
import { Context, uuid } from '../../http/command-context.decorator';
import { ClaimWrittenResponse } from '../../http/responses.dto';
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
  @ApiOperation({ summary: 'Record a claim about a deal' })
  @ApiIdempotencyKey()
  @ApiIfMatch()
  @ApiCreatedResponse({ description: 'The claim is recorded.', type: ClaimWrittenResponse })
  @ApiProblem(404, 'No deal has this id.')
  @ApiProblem(409, 'contradicts-other-deal: `contradicts` names a claim of another deal.')
  async record(@Param('dealId', uuid) dealId: string, @Body() body: RecordClaimRequest, @Context() context: CommandContext) {
    return this.commands.execute(new RecordClaimCommand(dealId, randomUUID(), body, context));
  }
}
