import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyService, type Role } from '@app/access';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import { requestTo } from './app-instance';
import { createTestDatabase, TestDatabase } from './test-database';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  db: TestDatabase;
  keys: Record<Role, string>;
  /** A key of its own per name, for four-eyes and scoping tests. */
  newKey(roles: Role[]): Promise<string>;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** The real API on a real listening port, over a database of this spec file's own. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  // the server's log stays out of the test output unless TEST_LOG_LEVEL asks for it (e.g. TEST_LOG_LEVEL=log)
  const asked = process.env.TEST_LOG_LEVEL;
  const config = loadConfig({
    DATABASE_URL: db.url,
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    DEMO_DATA: 'false',
    LOG_LEVEL: asked ?? 'error',
    ...env,
  });
  const app = await createApp(config, asked ? {} : { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const service = app.get(ApiKeyService);
  const newKey = async (roles: Role[]) => (await service.create(`test ${roles.join('+')}`, roles)).key;
  const keys = {
    admin: ADMIN_KEY,
    editor: await newKey(['editor']),
    fact_checker: await newKey(['fact_checker']),
    reader: await newKey(['reader']),
  };
  const request = (method: string, path: string, options: RequestOptions = {}) => requestTo(url, method, path, options);
  return {
    app,
    url,
    db,
    keys,
    newKey,
    request,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
