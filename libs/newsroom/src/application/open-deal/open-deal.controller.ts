import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { Context, IDEMPOTENCY_KEY_HEADER } from '../../http/command-context.decorator';
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
  @ApiHeader(IDEMPOTENCY_KEY_HEADER)
  @ApiCreatedResponse({ description: 'The deal is open.', schema: { example: { id: '6f1c…', version: 1 } } })
  async open(@Body() body: OpenDealRequest, @Context() context: CommandContext) {
    return this.commands.execute(new OpenDealCommand(randomUUID(), body, context));
  }
}
