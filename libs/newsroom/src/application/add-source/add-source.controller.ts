import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { CLAIM_WRITTEN, Context, IDEMPOTENCY_KEY_HEADER, IF_MATCH_HEADER, uuid } from '../../http/command-context.decorator';
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
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiHeader(IF_MATCH_HEADER)
  @ApiCreatedResponse({ description: 'The source corroborates the claim.', ...CLAIM_WRITTEN })
  async addSource(@Param('claimId', uuid) claimId: string, @Body() body: AddSourceRequest, @Context() context: CommandContext) {
    return this.commands.execute(new AddSourceCommand(null, claimId, body, context));
  }
}
