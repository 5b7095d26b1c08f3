import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiIdempotencyKey, ApiProblem, idempotencyOf, PageParams, ProblemError } from '@app/platform';
import { CurrentActor, Roles } from './access.decorators';
import { ApiKeyPageResponse, CreatedApiKeyResponse } from './api-key.responses.dto';
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
  @ApiOperation({ summary: 'List API keys' })
  @ApiOkResponse({ description: '{ items, nextCursor }: id, name, roles, createdAt, revokedAt of each key, oldest first; never a secret.', type: ApiKeyPageResponse })
  async list(@Query() query: PageParams) {
    return this.keys.list(query);
  }

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiOperation({ summary: 'Create an API key' })
  @ApiIdempotencyKey('Creates one key however often it is sent; a repeat answers 409 with the key’s id, since the secret is shown once.')
  @ApiCreatedResponse({ description: 'The new key; `key` is shown once and never stored.', type: CreatedApiKeyResponse })
  @ApiProblem(409, 'key-already-shown: this Idempotency-Key already created a key (its id is in the problem).')
  async create(@Body() body: CreateApiKeyRequest, @CurrentActor() actor: Actor, @Req() request: FastifyRequest) {
    const idempotency = idempotencyOf(request, actor.keyId);
    return this.keys.create(body.name, body.roles, idempotency && { ...idempotency, given: String(request.headers['idempotency-key']) });
  }

  @Delete(':keyId')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse({ description: 'Revoked: the key answers 401 from the next request on, on every instance.' })
  @ApiProblem(404, 'api-key-not-found: no key has this id.')
  async revoke(@Param('keyId', new ParseUUIDPipe()) keyId: string): Promise<void> {
    if (!(await this.keys.revoke(keyId))) {
      throw new ProblemError(404, 'api-key-not-found', 'Not Found', `no API key has the id ${keyId}`);
    }
  }
}
