import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, hasEmbeddedCluster, loadConfig, runningEmbeddedServer } from '@app/platform';
import { AppModule } from '../../api/src/app.module';

/** What a command writes to and reads from: the process, or buffers in tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** A command line the CLI cannot run: exit code 2, with a message saying why. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Boots the application as the API does, without HTTP: the same configuration,
 * the same database rules (DATABASE_URL, or the embedded server in DATA_DIR)
 * and migrations. On the embedded default it uses the server an API already
 * runs in DATA_DIR, and refuses a DATA_DIR that holds no database rather than
 * creating an empty one. Runs `work`, then closes it all (a server it started stops).
 */
export async function withAppContext<T>(io: CliIo, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  // the demo data belongs to `npm start` on an empty database, which prints its keys; the CLI never loads it
  config.DEMO_DATA = false;
  // rebuilds replace the read-model tables: the CLI works as the owner, never as the API's runtime role
  config.EMBEDDED_RUNTIME_ROLE = false;
  config.DATABASE_RUNTIME_URL = undefined;
  // checkpoints are the API's to sign on its schedule; on the embedded default the key sits in DATA_DIR
  config.CHECKPOINT_INTERVAL_SECONDS = 0;
  if (!config.DATABASE_URL) config.CHECKPOINT_KEY_FILE ??= join(config.DATA_DIR, 'checkpoint-key.pem');
  // imports and rebuilds run long queries: no query timeout unless one is asked for
  if (!io.env.DATABASE_QUERY_TIMEOUT_MS) config.DATABASE_QUERY_TIMEOUT_MS = 0;
  if (!config.DATABASE_URL) {
    const running = runningEmbeddedServer(config.DATA_DIR);
    if (running) {
      config.DATABASE_URL = running.url;
    } else if (!hasEmbeddedCluster(config.DATA_DIR)) {
      throw new UsageError(
        `no database in DATA_DIR ${config.DATA_DIR}: start the API there once (npm start), or set DATA_DIR or DATABASE_URL to the API's`,
      );
    }
  }
  // a command prints its own output: the app's lines are its warnings and errors, fewer when LOG_LEVEL asks
  const logger = config.LOG_LEVEL === 'silent' ? false : config.LOG_LEVEL === 'error' ? (['error'] as const) : (['error', 'warn'] as const);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: logger && [...logger] });
  app.enableShutdownHooks(['SIGINT', 'SIGTERM']);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
