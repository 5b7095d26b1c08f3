import { Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyCache } from './api-key.cache';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { KeyIdempotencyMiddleware } from './key-idempotency.middleware';

@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [ApiKeyCache, ApiKeyService, { provide: APP_GUARD, useClass: ApiKeyGuard }],
  exports: [ApiKeyService],
})
export class AccessModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(KeyIdempotencyMiddleware).forRoutes({ path: 'api-keys', method: RequestMethod.POST });
  }
}
