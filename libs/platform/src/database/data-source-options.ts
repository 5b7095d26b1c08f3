import { Client, type ClientConfig } from 'pg';
import { DataSourceOptions } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassList = Function[];

export interface ConnectionLimits {
  /** Milliseconds to open a connection; 0 waits forever. */
  connectTimeoutMs: number;
  /** Milliseconds a query may go unanswered; 0 waits forever. */
  queryTimeoutMs: number;
}

/**
 * A connection whose query went unanswered past the query timeout is closed:
 * the server may never answer, and a rollback or the next request on it would
 * wait again. The pool then drops it and opens a new one.
 */
class DeadlineClient extends Client {
  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    (this as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          if (error instanceof Error && error.message === 'Query read timeout') {
            (this as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
          }
        });
      }
      return result;
    };
  }
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
      Client: DeadlineClient,
      query_timeout: limits.queryTimeoutMs || undefined,
      // a server that vanished without closing its connections is noticed
      keepAlive: true,
    },
  };
}
