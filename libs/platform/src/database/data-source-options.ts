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

/** Distinct statements one connection prepares at most; beyond them a statement is planned at each run. */
const PREPARED_PER_CONNECTION = 500;

/**
 * The app's connection. A statement with parameters is prepared once per
 * connection, as most drivers do, so PostgreSQL does not plan it again at each
 * run (planning cost more than running for the commands' statements). A
 * connection whose query went unanswered past the query timeout is closed:
 * the server may never answer, and a rollback or the next request on it would
 * wait again. The pool then drops it and opens a new one.
 */
class AppClient extends Client {
  private readonly statementNames = new Map<string, string>();

  constructor(config?: string | ClientConfig) {
    super(config);
    const query = this.query.bind(this) as (...args: unknown[]) => unknown;
    (this as unknown as { query: unknown }).query = (...args: unknown[]) => {
      const [text, values] = args;
      const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 ? this.statementName(text) : undefined;
      const result = name ? query({ name, text, values }, ...args.slice(2)) : query(...args);
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

  private statementName(text: string): string | undefined {
    let name = this.statementNames.get(text);
    if (name === undefined && this.statementNames.size < PREPARED_PER_CONNECTION) {
      name = `s${this.statementNames.size + 1}`;
      this.statementNames.set(text, name);
    }
    return name;
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
      Client: AppClient,
      query_timeout: limits.queryTimeoutMs || undefined,
      // a server that vanished without closing its connections is noticed
      keepAlive: true,
    },
  };
}
