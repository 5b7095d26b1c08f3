import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from './access.decorators';
import { ApiKeyService } from './api-key.service';
import { CreateApiKeyRequest } from './create-api-key.request.dto';

@ApiTags('access')
@ApiBearerAuth()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin')
  @ApiCreatedResponse({ description: 'The new key; `key` is shown once and never stored.' })
  async create(@Body() body: CreateApiKeyRequest) {
    return this.keys.create(body.name, body.roles);
  }
}
