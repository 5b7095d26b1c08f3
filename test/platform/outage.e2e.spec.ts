import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyService } from '@app/access';
import { freePort, loadConfig, startEmbeddedPostgres, type EmbeddedDatabase } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import { validClaim, validDeal } from '../api/api-fixtures';

const ADMIN_KEY = 'outage-admin-key-0123456789abcdef';
const DATABASE = 'newsroom_outage_test';

interface Outcome {
  status: number;
  ms: number;
  retryAfter: string | null;
  type: string | null;
  claimId?: string;
}

/** The postmaster of `dataDir` and every process it started. */
function serverProcesses(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // the field after the parenthesised command name: state, then the parent's pid
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

describe('the database goes away under load (DESIGN 2.7)', () => {
  let dataDir: string;
  let port: number;
  let server: EmbeddedDatabase;
  let app: NestFastifyApplication;
  let url: string;
  let editor: string;
  let dealId: string;

  const send = async (method: string, path: string, body?: unknown, key: string | null = editor): Promise<Outcome & { body: any }> => {
    const started = Date.now();
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    return {
      status: res.status,
      ms: Date.now() - started,
      retryAfter: res.headers.get('retry-after'),
      type: res.headers.get('content-type'),
      claimId: res.status === 201 ? parsed.claimId : undefined,
      body: parsed,
    };
  };

  /** Writers recording claims until told to stop; every outcome kept. */
  function load(writers: number) {
    const outcomes: Outcome[] = [];
    let running = true;
    const done = Promise.all(
      Array.from({ length: writers }, async () => {
        while (running) {
          const outcome = await send('POST', `/deals/${dealId}/claims`, validClaim());
          outcomes.push(outcome);
          if (outcome.status !== 201) await new Promise((r) => setTimeout(r, 50));
        }
      }),
    );
    return {
      outcomes,
      stop: async () => {
        running = false;
        await done;
      },
    };
  }

  async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('gave up waiting');
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'newsroom-outage-'));
    await chmod(dataDir, 0o755);
    port = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port, database: DATABASE, flags: ['-c', 'fsync=off'] });
    const config = loadConfig({
      DATABASE_URL: server.url,
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      DATABASE_QUERY_TIMEOUT_MS: '2000',
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    editor = (await app.get(ApiKeyService).create('outage editor', ['editor'])).key;
    dealId = (await send('POST', '/deals', validDeal())).body.id;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Every outcome a 201 or a quick 503 problem with Retry-After; never a 500, never a hang. */
  function expectOnly201Or503(outcomes: Outcome[]): void {
    const unexpected = outcomes.filter((o) => o.status !== 201 && o.status !== 503);
    expect(unexpected).toEqual([]);
    for (const o of outcomes.filter((o) => o.status === 503)) {
      expect(o.retryAfter).toMatch(/^\d+$/);
      expect(o.type).toMatch(/^application\/problem\+json/);
    }
    expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(5000);
  }

  async function expectAcknowledgedClaimsKept(outcomes: Outcome[]): Promise<void> {
    const acknowledged = outcomes.filter((o) => o.claimId).map((o) => o.claimId!);
    expect(acknowledged.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const claimId of acknowledged) if ((await send('GET', `/claims/${claimId}`)).status !== 200) missing.push(claimId);
    expect(missing).toEqual([]);
  }

  it('answers 503 with Retry-After while the server is stopped, then recovers by itself with no acknowledged claim lost', async () => {
    const writes = load(4);
    await new Promise((r) => setTimeout(r, 800));
    await server.stop();

    const health = await send('GET', '/health', undefined, null);
    expect(health.status).toBe(503);
    expect(health.retryAfter).toMatch(/^\d+$/);
    expect(health.body).toMatchObject({ database: 'down' });
    for (const path of ['/deals', `/deals/${dealId}`, `/deals/${dealId}/timeline?axis=recorded`, '/claims', '/reports/outlets', '/audit/verify']) {
      const res = await send('GET', path, undefined, ADMIN_KEY);
      expect({ path, status: res.status, retryAfter: res.retryAfter !== null }).toEqual({ path, status: 503, retryAfter: true });
      expect(res.ms).toBeLessThan(5000);
    }
    await new Promise((r) => setTimeout(r, 1500));

    server = await startEmbeddedPostgres({ dataDir, port, database: DATABASE, flags: ['-c', 'fsync=off'] });
    await waitFor(async () => (await send('GET', '/health', undefined, null)).status === 200, 20_000);
    const countBefore = writes.outcomes.filter((o) => o.status === 201).length;
    await waitFor(async () => writes.outcomes.filter((o) => o.status === 201).length > countBefore + 5, 20_000);
    await writes.stop();

    expect(writes.outcomes.some((o) => o.status === 503)).toBe(true);
    expectOnly201Or503(writes.outcomes);
    await expectAcknowledgedClaimsKept(writes.outcomes);
  }, 120_000);

  it('answers 503 within the timeouts while the server hangs (stopped processes), then recovers', async () => {
    const writes = load(4);
    await new Promise((r) => setTimeout(r, 500));
    const frozen = serverProcesses(dataDir);
    for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const health = await send('GET', '/health', undefined, null);
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ database: 'down' });
      const read = await send('GET', '/deals', undefined, ADMIN_KEY);
      expect(read.status).toBe(503);
      expect(read.ms).toBeLessThan(5000);
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
    }
    await waitFor(async () => (await send('GET', '/health', undefined, null)).status === 200, 20_000);
    const countBefore = writes.outcomes.filter((o) => o.status === 201).length;
    await waitFor(async () => writes.outcomes.filter((o) => o.status === 201).length > countBefore + 5, 20_000);
    await writes.stop();

    expect(writes.outcomes.some((o) => o.status === 503)).toBe(true);
    expectOnly201Or503(writes.outcomes);
    await expectAcknowledgedClaimsKept(writes.outcomes);
  }, 120_000);
});
