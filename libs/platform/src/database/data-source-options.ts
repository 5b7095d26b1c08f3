import { DataSourceOptions } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassList = Function[];

export interface ConnectionLimits {
  /** Milliseconds to open a connection; 0 waits forever. */
  connectTimeoutMs: number;
  /** Milliseconds a query may go unanswered; 0 waits forever. */
  queryTimeoutMs: number;
}

/** The one shape of data source the app, the CLI, the tests and the migration scripts share. */
export function dataSourceOptions(
  url: string,
  entities: ClassList,
  migrations: ClassList,
  poolSize = 10,
  limits: ConnectionLimits = { connectTimeoutMs: 0, queryTimeoutMs: 0 },
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: poolSize,
      application_name: 'newsroom-facts',
      connectionTimeoutMillis: limits.connectTimeoutMs,
      query_timeout: limits.queryTimeoutMs || undefined,
      // a server that vanished without closing its connections is noticed
      keepAlive: true,
    },
  };
}
