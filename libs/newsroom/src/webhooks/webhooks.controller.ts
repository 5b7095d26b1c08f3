import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Roles, type Actor } from '@app/access';
import { idempotencyOf } from '@app/platform';
import { PageParams } from '@app/platform';
import { CreateWebhookRequest } from './webhook.request.dto';
import { CreatedWebhookResponse, DeliveryPageResponse, WebhookPageResponse } from './webhook.responses.dto';
import { WebhookService } from './webhook.service';

const uuid = new ParseUUIDPipe();

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post()
  @ApiOperation({ summary: 'Register a webhook' })
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({
    description:
      'The webhook: it receives the feed events after now that its filter matches, signed with `secret` (shown once) the Standard Webhooks way.',
    type: CreatedWebhookResponse,
  })
  @ApiBadRequestResponse({ description: 'A URL that is not http(s), carries credentials, or points at a private address; or a bad filter.' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Creates one webhook however often it is sent; a repeat answers 409 with its id, since the secret is shown once.',
  })
  @ApiConflictResponse({ description: 'webhook-already-created: this Idempotency-Key already created a webhook (its id is in the problem).' })
  @ApiUnprocessableEntityResponse({ description: 'idempotency-key-reused: this Idempotency-Key came with another request.' })
  async create(@Body() body: CreateWebhookRequest, @CurrentActor() actor: Actor, @Req() request: FastifyRequest) {
    const idempotency = idempotencyOf(request, actor.keyId);
    return this.webhooks.create(
      body.url,
      { ...body.filter },
      idempotency && { ...idempotency, given: String(request.headers['idempotency-key']) },
    );
  }

  @Get()
  @ApiOperation({ summary: 'List webhooks' })
  @Roles('admin')
  @ApiOkResponse({
    description: '{ items, nextCursor }: id, url, filter, createdAt and pending deliveries of each webhook, oldest first; never a secret.',
    type: WebhookPageResponse,
  })
  async list(@Query() page: PageParams) {
    return this.webhooks.list(page.limit, page.cursor);
  }

  @Delete(':webhookId')
  @ApiOperation({ summary: 'Remove a webhook' })
  @HttpCode(204)
  @Roles('admin')
  @ApiNoContentResponse({ description: 'Removed, with its pending deliveries and its delivery log.' })
  @ApiNotFoundResponse({ description: 'No webhook has this id.' })
  async remove(@Param('webhookId', uuid) webhookId: string): Promise<void> {
    await this.webhooks.remove(webhookId);
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: 'A webhook’s deliveries' })
  @Roles('admin')
  @ApiOkResponse({
    description: '{ items, nextCursor }: each delivery, newest first: the event, status, attempts, next try, last answer.',
    type: DeliveryPageResponse,
  })
  @ApiNotFoundResponse({ description: 'No webhook has this id.' })
  async deliveries(@Param('webhookId', uuid) webhookId: string, @Query() page: PageParams) {
    return this.webhooks.deliveries(webhookId, page.limit, page.cursor);
  }
}
