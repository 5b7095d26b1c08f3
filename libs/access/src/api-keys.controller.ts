import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { idempotencyOf, PageParams, ProblemError } from '@app/platform';
import { CurrentActor, Roles } from './access.decorators';
import { ApiKeyService } from './api-key.service';
import { CreateApiKeyRequest } from './create-api-key.request.dto';
import type { Actor } from './roles';

@ApiTags('access')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Get()
  @Roles('admin')
  @ApiOkResponse({ description: '{ items, nextCursor }: id, name, roles, createdAt, revokedAt of each key, oldest first; never a secret.' })
  async list(@Query() query: PageParams) {
    return this.keys.list(query);
  }

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Creates one key however often it is sent; a repeat answers 409 with the key’s id, since the secret is shown once.',
  })
  @ApiCreatedResponse({ description: 'The new key; `key` is shown once and never stored.' })
  @ApiConflictResponse({ description: 'key-already-shown: this Idempotency-Key already created a key (its id is in the problem).' })
  @ApiUnprocessableEntityResponse({ description: 'idempotency-key-reused: this Idempotency-Key came with another request.' })
  async create(@Body() body: CreateApiKeyRequest, @CurrentActor() actor: Actor, @Req() request: FastifyRequest) {
    const idempotency = idempotencyOf(request, actor.keyId);
    return this.keys.create(body.name, body.roles, idempotency && { ...idempotency, given: String(request.headers['idempotency-key']) });
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Roles('admin')
  @ApiNoContentResponse({ description: 'Revoked: the key answers 401 from the next request on, on every instance.' })
  @ApiNotFoundResponse({ description: 'No key has this id.' })
  async revoke(@Param('keyId', new ParseUUIDPipe()) keyId: string): Promise<void> {
    if (!(await this.keys.revoke(keyId))) {
      throw new ProblemError(404, 'api-key-not-found', 'Not Found', `no API key has the id ${keyId}`);
    }
  }
}
