export * from './config/app-config';
export * from './config/config.module';
export * from './database/data-source-options';
export * from './database/database';
export * from './database/database.module';
export * from './database/embedded-postgres';
