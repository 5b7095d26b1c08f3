import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Database, DatabaseSchema } from './database';

const SCHEMA = Symbol('DatabaseSchema');

@Injectable()
class DatabaseCloser implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly database: Database) {}
  async onApplicationShutdown(): Promise<void> {
    await this.database.close();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: SCHEMA, useValue: schema },
        {
          provide: Database,
          useFactory: (config: AppConfig, s: DatabaseSchema) => Database.open(config, s),
          inject: [AppConfig, SCHEMA],
        },
        { provide: DataSource, useFactory: (database: Database) => database.dataSource, inject: [Database] },
        DatabaseCloser,
      ],
      exports: [Database, DataSource],
    };
  }
}
