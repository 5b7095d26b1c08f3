import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { ApiIdempotencyKey, ApiIfMatch, ApiProblem } from '@app/platform';
import { Context, uuid } from '../../http/command-context.decorator';
import { ClaimWrittenResponse } from '../../http/responses.dto';
import type { CommandContext } from '../command-context';
import { AddSourceCommand } from './add-source.command';
import { AddSourceRequest } from './add-source.request.dto';

@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class AddSourceController {
  constructor(private readonly commands: CommandBus) {}

  @Post(':claimId/sources')
  @HttpCode(201)
  @Roles('editor')
  @ApiOperation({ summary: 'Add a source to a claim (corroborate)' })
  @ApiIdempotencyKey()
  @ApiIfMatch()
  @ApiCreatedResponse({ description: 'The source corroborates the claim.', type: ClaimWrittenResponse })
  @ApiProblem(404, 'No claim has this id.')
  async addSource(@Param('claimId', uuid) claimId: string, @Body() body: AddSourceRequest, @Context() context: CommandContext) {
    return this.commands.execute(new AddSourceCommand(null, claimId, body, context));
  }
}
