import { LiveMetrics } from '@app/newsroom/live';
import { checkWebhookUrl } from '../../libs/newsroom/src/webhooks/webhook-url';
import { startTestApp, type TestApp } from '../support/test-app';
import { dataSource, expectProblem, openDeal, recordClaim } from '../api/api-fixtures';
import { signatureOf, startReceiver, type Receiver } from './webhook-receiver';

/** The deal's events in the log's global order. */
async function dealPositions(t: TestApp, dealId: string): Promise<number[]> {
  const rows: { position: string }[] = await dataSource(t).query(
    'select position from es_events where stream_id = $1 order by tx_id, position',
    [`deal-${dealId}`],
  );
  return rows.map((row) => Number(row.position));
}

describe('outbound webhooks (DESIGN 2.7)', () => {
  let t: TestApp;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_BACKOFF_BASE_MS: '30', LIVE_POLL_MS: '100' });
  });

  afterAll(async () => {
    await t.close();
    for (const receiver of receivers) await receiver.close();
  });

  it('refuses URLs that are not http(s), carry credentials, or point inward unless allowed', async () => {
    for (const url of ['ftp://example.com/x', 'http://user:pw@example.com/', 'not a url', 'javascript:alert(1)']) {
      expectProblem(await t.request('POST', '/webhooks', { body: { url } }), 400, 'invalid-webhook-url');
    }
    for (const url of ['http://127.0.0.1:8080/', 'http://10.1.2.3/', 'http://[::1]/', 'http://169.254.169.254/latest', 'https://192.168.0.1/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/']) {
      await expect(checkWebhookUrl(url, false)).rejects.toMatchObject({ status: 400, code: 'invalid-webhook-url' });
      await expect(checkWebhookUrl(url, true)).resolves.toBeInstanceOf(URL);
    }
    await expect(checkWebhookUrl('https://93.184.216.34/hook', false)).resolves.toBeInstanceOf(URL);
    expectProblem(await t.request('POST', '/webhooks', { body: { url: 'https://example.com/', filter: { types: ['Gossip'] } } }), 400);
    expectProblem(await t.request('POST', '/webhooks', { body: { url: 'https://example.com/', filter: { kind: 'gossip' } } }), 400);
  });

  it('is for admins: create shows the secret once, list never does, delete removes', async () => {
    expect((await t.request('POST', '/webhooks', { key: t.keys.editor, body: { url: 'https://example.com/' } })).status).toBe(403);
    expect((await t.request('GET', '/webhooks', { key: t.keys.reader })).status).toBe(403);
    const created = await t.request('POST', '/webhooks', { body: { url: 'https://example.com/hook', filter: { party: 'Twitter', types: ['ClaimRecorded'] } } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/) });
    const list = await t.request('GET', '/webhooks?limit=500');
    const item = list.body.items.find((w: { id: string }) => w.id === created.body.id);
    expect(item).toMatchObject({ url: 'https://example.com/hook', filter: { party: 'Twitter', types: ['ClaimRecorded'] } });
    expect(list.text).not.toContain(created.body.secret);
    expect(list.body.nextCursor).toBeNull();
    expect((await t.request('DELETE', `/webhooks/${created.body.id}`)).status).toBe(204);
    expectProblem(await t.request('DELETE', `/webhooks/${created.body.id}`), 404, 'webhook-not-found');
    expectProblem(await t.request('GET', `/webhooks/${created.body.id}/deliveries`), 404, 'webhook-not-found');
  });

  it('creates one webhook per Idempotency-Key: a repeat names it, another body is refused', async () => {
    const headers = { 'idempotency-key': 'hook-once' };
    const body = { url: 'https://example.com/once' };
    const first = await t.request('POST', '/webhooks', { body, headers });
    expect(first.status).toBe(201);
    const again = await t.request('POST', '/webhooks', { body, headers });
    expectProblem(again, 409, 'webhook-already-created');
    expect(again.body.id).toBe(first.body.id);
    expect(again.text).not.toContain(first.body.secret);
    expectProblem(await t.request('POST', '/webhooks', { body: { url: 'https://example.com/other' }, headers }), 422, 'idempotency-key-reused');
    const list = await t.request('GET', '/webhooks?limit=500');
    expect(list.body.items.filter((w: { url: string }) => w.url === 'https://example.com/once')).toHaveLength(1);
    expect((await t.request('DELETE', `/webhooks/${first.body.id}`)).status).toBe(204);
  });

  it('delivers each matching event to a receiver on loopback, signed, in the log’s order', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const created = await t.request('POST', '/webhooks', { body: { url: receiver.url, filter: { party: 'clubhouse' } } });
    expect(created.status).toBe(201);
    const ignored = await t.request('POST', '/deals', {
      key: t.keys.editor,
      body: { title: 'Other', kind: 'merger', parties: [{ name: 'Acme', role: 'bidder' }, { name: 'Globex', role: 'target' }] },
    });
    const dealId = await openDeal(t, t.keys.editor);
    const writes = Array.from({ length: 5 }, (_, i) => recordClaim(t, t.keys.editor, dealId, { statement: `claim ${i}` }));
    await Promise.all([...writes, recordClaim(t, t.keys.editor, ignored.body.id)]);
    const expected = await dealPositions(t, dealId);
    expect(expected).toHaveLength(6);
    await receiver.waitFor((requests) => requests.length >= 6);
    await new Promise((r) => setTimeout(r, 300));

    expect(receiver.requests.map((r) => r.event.position)).toEqual(expected);
    expect(new Set(receiver.requests.map((r) => r.id)).size).toBe(6);
    for (const request of receiver.requests) {
      expect(request.id).toMatch(/^msg_[0-9a-f]{32}$/);
      expect(Math.abs(request.timestamp - Date.now() / 1000)).toBeLessThan(60);
      expect(request.signature).toBe(signatureOf(created.body.secret, request.id, request.timestamp, request.body));
      expect(request.event).toMatchObject({ dealId, version: expect.any(Number), recordedAt: expect.any(String), changes: expect.any(Array) });
    }
    // the body is the feed event: the same changes as the recorded timeline
    const timeline = await t.request('GET', `/deals/${dealId}/timeline?axis=recorded`);
    expect(receiver.requests.map((r) => r.event.changes)).toEqual(timeline.body.entries.map((e: { changes: unknown }) => e.changes));

    const log = await t.request('GET', `/webhooks/${created.body.id}/deliveries?limit=4`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(4);
    expect(log.body.items.map((d: { position: number }) => d.position)).toEqual(expected.slice(2).reverse());
    expect(log.body.items[0]).toMatchObject({ status: 'delivered', attempts: 1, lastResponseStatus: 200, nextAttemptAt: null });
    const rest = await t.request('GET', `/webhooks/${created.body.id}/deliveries?limit=4&cursor=${log.body.nextCursor}`);
    expect(rest.body.items.map((d: { position: number }) => d.position)).toEqual(expected.slice(0, 2).reverse());
    expect(rest.body.nextCursor).toBeNull();
  });

  it('retries a receiver that fails three times, with backoff; each delivery is accepted once, in order, and the log says so', async () => {
    const receiver = await startReceiver((_, attempt) => (attempt <= 3 ? 503 : 200));
    receivers.push(receiver);
    const created = await t.request('POST', '/webhooks', { body: { url: receiver.url, filter: { types: ['ClaimRecorded'] } } });
    const dealId = await openDeal(t, t.keys.editor, 'Retried');
    const claims: string[] = [];
    for (let i = 0; i < 3; i++) claims.push(await recordClaim(t, t.keys.editor, dealId, { statement: `retried ${i}` }));
    await receiver.waitFor(() => receiver.accepted().length >= 3, 30_000);
    await new Promise((r) => setTimeout(r, 300));

    expect(receiver.accepted().map((r) => r.event.claimId)).toEqual(claims);
    expect(receiver.requests).toHaveLength(12);
    // a delivery is never sent while an earlier one waits for its retry
    expect(receiver.requests.map((r) => r.event.claimId)).toEqual(claims.flatMap((claim) => [claim, claim, claim, claim]));
    const tries = receiver.requests.filter((r) => r.event.claimId === claims[0]).map((r) => r.at);
    expect(tries[3] - tries[2]).toBeGreaterThanOrEqual(tries[1] - tries[0]);

    const log = await t.request('GET', `/webhooks/${created.body.id}/deliveries`);
    expect(log.body.items).toHaveLength(3);
    for (const item of log.body.items) {
      expect(item).toMatchObject({ type: 'ClaimRecorded', status: 'delivered', attempts: 4, lastResponseStatus: 200, nextAttemptAt: null, lastError: null });
      expect(Date.parse(item.deliveredAt)).toBeGreaterThan(Date.parse(item.firstAttemptAt));
    }
  });

  it('gives up on a delivery after the retry period, marks it failed and goes on with the next', async () => {
    const quick = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_BACKOFF_BASE_MS: '100', WEBHOOK_RETRY_FOR_SECONDS: '1', LIVE_POLL_MS: '100' });
    try {
      let refused = '';
      const receiver = await startReceiver((request) => {
        refused ||= request.id;
        return request.id === refused ? 500 : 200;
      });
      receivers.push(receiver);
      const created = await quick.request('POST', '/webhooks', { body: { url: receiver.url } });
      const dealId = await openDeal(quick, quick.keys.editor, 'Given up');
      const claimId = await recordClaim(quick, quick.keys.editor, dealId);
      await receiver.waitFor(() => receiver.accepted().length === 1, 10_000);

      const refusedRequests = receiver.requests.filter((r) => r.id === refused);
      expect(refusedRequests.length).toBeGreaterThanOrEqual(3);
      expect(refusedRequests.every((r) => r.event.type === 'DealOpened')).toBe(true);
      expect(receiver.accepted()[0].event.claimId).toBe(claimId);
      expect(receiver.requests.indexOf(receiver.accepted()[0])).toBe(receiver.requests.length - 1);
      const log = await quick.request('GET', `/webhooks/${created.body.id}/deliveries`);
      expect(log.body.items).toEqual([
        expect.objectContaining({ type: 'ClaimRecorded', status: 'delivered', attempts: 1 }),
        expect.objectContaining({
          type: 'DealOpened',
          status: 'failed',
          attempts: refusedRequests.length,
          nextAttemptAt: null,
          lastResponseStatus: 500,
          lastError: 'HTTP 500: not now',
          deliveredAt: null,
        }),
      ]);
    } finally {
      await quick.close();
    }
  });

  it('shows each subscriber’s lag and the webhook queue in /metrics', async () => {
    // a backlog: the webhooks subscriber's checkpoint set back to the start of the log
    const events = Number((await dataSource(t).query('select count(*) as n from es_events'))[0].n);
    await dataSource(t).query(`update es_checkpoints set tx_id = '0', position = 0 where name = 'webhooks'`);
    await t.app.get(LiveMetrics).measure();
    const behind = await t.request('GET', '/metrics', { key: null });
    const lag = Number(/^newsroom_subscriber_lag_events\{subscriber="webhooks"\} (\d+)$/m.exec(behind.text)?.[1]);
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThanOrEqual(events);
    expect(Number(/^newsroom_subscriber_lag_seconds\{subscriber="webhooks"\} ([\d.e+-]+)$/m.exec(behind.text)?.[1])).toBeGreaterThan(0);
    // the subscriber catches up (nothing is delivered twice: the deliveries exist already)
    const until = Date.now() + 10_000;
    let metrics = behind;
    while (Date.now() < until) {
      await t.app.get(LiveMetrics).measure();
      metrics = await t.request('GET', '/metrics', { key: null });
      if (/^newsroom_subscriber_lag_events\{subscriber="webhooks"\} 0$/m.test(metrics.text)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(metrics.text).toMatch(/^newsroom_subscriber_lag_events\{subscriber="webhooks"\} 0$/m);
    expect(metrics.text).toMatch(/^newsroom_subscriber_lag_seconds\{subscriber="webhooks"\} 0$/m);
    expect(metrics.text).toMatch(/^newsroom_subscriber_lag_events\{subscriber="feed"\} 0$/m);
    expect(metrics.text).toMatch(/^newsroom_webhook_deliveries_pending 0$/m);
  });
});
