import { openDeal, validClaim } from '../api/api-fixtures';
import { startTestApp, TestApp } from '../support/test-app';

/** The value of one sample of the scrape, or undefined when the scrape has no such sample. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(name)) continue;
    const match = /^([\w:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('/metrics (Prometheus, prom-client)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const scrape = async () => {
    const res = await t.request('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    return res.text;
  };

  it('counts requests by route template and status in a duration histogram', async () => {
    const dealId = await openDeal(t, t.keys.editor);
    for (let i = 0; i < 3; i++) expect((await t.request('GET', `/deals/${dealId}`, { key: t.keys.reader })).status).toBe(200);
    expect((await t.request('GET', '/deals', { key: null })).status).toBe(401);
    const text = await scrape();
    expect(text).toContain('# TYPE newsroom_http_request_duration_seconds histogram');
    expect(sample(text, 'newsroom_http_request_duration_seconds_count', { method: 'GET', route: '/deals/:dealId', status: '200' })).toBe(3);
    expect(sample(text, 'newsroom_http_request_duration_seconds_count', { method: 'GET', route: '/deals', status: '401' })).toBe(1);
    expect(sample(text, 'newsroom_http_request_duration_seconds_bucket', { route: '/deals/:dealId', status: '200', le: '+Inf' })).toBe(3);
    // the path's own id never becomes a label
    expect(text).not.toContain(dealId);
  });

  it('counts commands by outcome, the events they appended, and the retries of lost races', async () => {
    const before = await scrape();
    const written = (s: string) => sample(s, 'newsroom_commands_total', { command: 'RecordClaim', outcome: 'written' }) ?? 0;
    const appended = (s: string) => sample(s, 'newsroom_events_appended_total', { type: 'ClaimRecorded' }) ?? 0;
    const dealId = await openDeal(t, t.keys.editor);
    // writers racing on one deal lose the version race and retry; a few rounds make one certain
    let claims = 0;
    let retries = 0;
    for (let round = 0; round < 10 && retries === 0; round++) {
      const results = await Promise.all(
        Array.from({ length: 8 }, () => t.request('POST', `/deals/${dealId}/claims`, { key: t.keys.editor, body: validClaim() })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
      claims += 8;
      retries = sample(await scrape(), 'newsroom_command_retries_total', { command: 'RecordClaim' }) ?? 0;
    }
    const after = await scrape();
    expect(written(after) - written(before)).toBe(claims);
    expect(appended(after) - appended(before)).toBe(claims);
    expect(retries).toBeGreaterThan(0);

    const refused = await t.request('POST', '/claims/00000000-0000-4000-8000-000000000000/retraction', {
      key: t.keys.editor,
      body: { reason: 'no such claim' },
    });
    expect(refused.status).toBe(404);
    expect(sample(await scrape(), 'newsroom_commands_total', { command: 'RetractClaim', outcome: 'refused' })).toBe(1);
  });

  it("shows the request pool's use, Node's own metrics and the subscribers' lag", async () => {
    const text = await scrape();
    expect(sample(text, 'newsroom_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'newsroom_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'newsroom_db_pool_waiting_requests')).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
    expect(text).toContain('# TYPE newsroom_subscriber_lag_events gauge');
    // every family is declared once: a scrape Prometheus accepts
    const types = text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(new Set(types.map((line) => line.split(' ')[2])).size).toBe(types.length);
  });
});
