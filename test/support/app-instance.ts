import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import type { RequestOptions, TestResponse } from './test-app';
import { ADMIN_KEY } from './test-app';
import type { TestDatabase } from './test-database';

/** One more API process on a database another app already uses, as a second instance behind a load balancer. */
export interface AppInstance {
  app: NestFastifyApplication;
  url: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Stops this instance; the database stays for the others. */
  close(): Promise<void>;
}

export async function startAppInstance(db: TestDatabase, env: Record<string, string> = {}): Promise<AppInstance> {
  const config = loadConfig({ DATABASE_URL: db.url, BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, DEMO_DATA: 'false', LOG_LEVEL: 'error', ...env });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url, request: (method, path, options) => requestTo(url, method, path, options), close: () => app.close() };
}

/** An HTTP request as TestApp#request sends it; `key` defaults to the bootstrap admin key. */
export async function requestTo(url: string, method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? ADMIN_KEY : options.key;
  if (key) headers.authorization = `Bearer ${key}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
