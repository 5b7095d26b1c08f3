import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIdempotencyKey } from '@app/platform';
import { Roles } from '@app/access';
import { Context } from '../../http/command-context.decorator';
import { DealWrittenResponse } from '../../http/responses.dto';
import type { CommandContext } from '../command-context';
import { OpenDealCommand } from './open-deal.command';
import { OpenDealRequest } from './open-deal.request.dto';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals')
export class OpenDealController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @HttpCode(201)
  @Roles('editor')
  @ApiOperation({ summary: 'Open a deal' })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ description: 'The deal is open, at version 1.', type: DealWrittenResponse })
  async open(@Body() body: OpenDealRequest, @Context() context: CommandContext) {
    return this.commands.execute(new OpenDealCommand(randomUUID(), body, context));
  }
}
