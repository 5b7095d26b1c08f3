import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '@app/platform';
import { startAppInstance, type AppInstance } from '../support/app-instance';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/test-app';
import { dataSource, openDeal, recordClaim } from '../api/api-fixtures';
import { startReceiver, type Receiver } from './webhook-receiver';

const RUN_API = resolve(process.cwd(), 'test/support/run-api.mjs');
const CLAIMS = 15;

/** The API in a process of its own on the spec's database; resolves once /health says ok. */
async function startApiProcess(databaseUrl: string, env: Record<string, string>): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [RUN_API], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'error',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`the API did not become healthy:\n${output}`);
}

interface DeliveryRow {
  id: string;
  position: string;
  status: string;
}

describe('webhook deliveries when the process making them dies (DESIGN 2.7, 3)', () => {
  let t: TestApp;
  let receiver: Receiver;
  let child: ChildProcess | undefined;
  let other: AppInstance | undefined;

  beforeAll(async () => {
    // this instance takes and records writes but makes no deliveries
    t = await startTestApp({ WEBHOOK_CONCURRENCY: '0', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', LIVE_POLL_MS: '100' });
    // a receiver that takes its time, so the process is killed between deliveries or in the middle of one
    receiver = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 120));
      return 200;
    });
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await other?.close();
    await t.close();
    await receiver.close();
  });

  it('another process takes over: every delivery made, none recorded as made sent again, in the log’s order', async () => {
    const settings = { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', LIVE_POLL_MS: '100', WEBHOOK_BACKOFF_BASE_MS: '50' };
    child = await startApiProcess(t.db.url, settings);
    const created = await t.request('POST', '/webhooks', { body: { url: receiver.url } });
    expect(created.status).toBe(201);
    const dealId = await openDeal(t, t.keys.editor, 'Takeover');
    for (let i = 0; i < CLAIMS; i++) await recordClaim(t, t.keys.editor, dealId, { statement: `claim ${i}` });
    const deliveries = async (): Promise<DeliveryRow[]> =>
      dataSource(t).query('select id, position, status from webhook_deliveries where webhook_id = $1 order by tx_id, position', [created.body.id]);

    await receiver.waitFor((requests) => requests.length >= 4);
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    const recordedBeforeDeath = (await deliveries()).filter((d) => d.status === 'delivered').map((d) => d.id);
    expect(recordedBeforeDeath.length).toBeGreaterThanOrEqual(3);
    expect(recordedBeforeDeath.length).toBeLessThan(CLAIMS + 1);

    other = await startAppInstance(t.db, settings);
    const until = Date.now() + 30_000;
    while ((await deliveries()).some((d) => d.status !== 'delivered')) {
      if (Date.now() > until) throw new Error('the deliveries were not all made after the takeover');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 300));

    const all = await deliveries();
    expect(all).toHaveLength(CLAIMS + 1);
    const messageId = (id: string) => `msg_${id.replaceAll('-', '')}`;
    const received = receiver.requests.map((r) => r.id);
    // every delivery reached the receiver
    for (const delivery of all) expect(received).toContain(messageId(delivery.id));
    // a delivery recorded as made is never sent again; only the one in flight at the kill may come twice
    for (const id of recordedBeforeDeath) expect(received.filter((r) => r === messageId(id))).toHaveLength(1);
    expect(received.length - all.length).toBeLessThanOrEqual(1);
    // first arrivals follow the log's order
    const firstSeen = [...new Set(receiver.requests.map((r) => r.event.position as number))];
    expect(firstSeen).toEqual(all.map((d) => Number(d.position)));
  });
});
