export * from './access.decorators';
export * from './access.module';
export * from './api-key.cache';
export * from './api-key.entity';
export * from './api-key.guard';
export * from './api-key.service';
export * from './roles';
export * from './create-api-key.request.dto';
