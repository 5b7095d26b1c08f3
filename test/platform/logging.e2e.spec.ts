import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyService } from '@app/access';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import { requestTo } from '../support/app-instance';
import { ADMIN_KEY } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** The JSON lines the API logged, read back from the stream it was given. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  raw = '';

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.raw += chunk.toString();
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line));
    done();
  }

  requests(): Record<string, unknown>[] {
    return this.lines.filter((line) => line.msg === 'request');
  }
}

describe('request logs (JSON through pino)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let url: string;
  let log: LogLines;
  let editor: { id: string; key: string };

  beforeAll(async () => {
    db = await createTestDatabase();
    log = new LogLines();
    const config = loadConfig({ DATABASE_URL: db.url, BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, DEMO_DATA: 'false', LOG_LEVEL: 'log' });
    app = await createApp(config, { logStream: log });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    editor = await app.get(ApiKeyService).create('log test editor', ['editor']);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Waits for the line of the request with that id: it is written once the response is finished. */
  async function lineOf(requestId: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 50; i++) {
      const found = log.requests().filter((line) => line.requestId === requestId);
      if (found.length > 0) {
        expect(found).toHaveLength(1);
        return found[0];
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no request line for ${requestId}`);
  }

  it('writes one line per request with its id, route, status, duration and the key id, never the key', async () => {
    const created = await requestTo(url, 'POST', '/deals', {
      key: editor.key,
      body: { title: 'Twitter / Clubhouse', kind: 'acquisition', parties: [{ name: 'Twitter', role: 'bidder' }] },
    });
    expect(created.status).toBe(201);
    const requestId = created.headers.get('x-request-id')!;
    const line = await lineOf(requestId);
    expect(line).toMatchObject({ level: 30, method: 'POST', path: '/deals', route: '/deals', status: 201, keyId: editor.id });
    expect(typeof line.durationMs).toBe('number');
    expect(typeof line.time).toBe('string');

    const read = await requestTo(url, 'GET', `/deals/${created.body.id}?knownAt=2030-01-01`, { key: editor.key });
    expect(await lineOf(read.headers.get('x-request-id')!)).toMatchObject({ route: '/deals/:dealId', path: `/deals/${created.body.id}`, status: 200 });

    expect(log.raw).not.toContain(editor.key);
    expect(log.raw).not.toContain(ADMIN_KEY);
    // each field once: a log store keeps the last of two equal keys
    for (const raw of log.raw.split('\n').filter((text) => text.includes('"msg":"request"'))) expect(raw.match(/"requestId"/g)).toHaveLength(1);
  });

  it('puts the request id of X-Request-Id in every problem and in its line', async () => {
    const unknownKey = await requestTo(url, 'GET', '/deals', { key: 'not-a-key-0123456789abcdefgh' });
    expect(unknownKey.status).toBe(401);
    expect(unknownKey.headers.get('content-type')).toContain('application/problem+json');
    const requestId = unknownKey.headers.get('x-request-id');
    expect(requestId).toBeTruthy();
    expect(unknownKey.body.requestId).toBe(requestId);
    const line = await lineOf(requestId!);
    expect(line).toMatchObject({ status: 401, route: '/deals' });
    expect(line).not.toHaveProperty('keyId');
    expect(log.raw).not.toContain('not-a-key-0123456789abcdefgh');

    // a request id the client chose is kept, and a request refused before any route runs is logged too
    const wrongType = await requestTo(url, 'POST', '/deals', {
      key: editor.key,
      rawBody: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'client-chosen-1' },
    });
    expect(wrongType.status).toBe(415);
    expect(wrongType.headers.get('x-request-id')).toBe('client-chosen-1');
    expect(wrongType.body.requestId).toBe('client-chosen-1');
    expect(await lineOf('client-chosen-1')).toMatchObject({ status: 415, method: 'POST' });
  });

  it('keeps the route mapping out of the log below the debug level', () => {
    expect(log.lines.some((line) => String(line.msg).startsWith('Mapped {'))).toBe(false);
    expect(log.lines.some((line) => line.context === 'RouterExplorer')).toBe(false);
  });
});
