import { loadConfig } from '@app/platform';
import { requestTo } from '../support/app-instance';
import { startTestApp, TestApp, TestResponse } from '../support/test-app';

const PER_KEY = 6;
const PER_ADDRESS = 4;

function expectTooMany(res: TestResponse): void {
  expect(res.status).toBe(429);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({ type: '/problems/too-many-requests', title: 'Too Many Requests', status: 429 });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

function expectSecurityHeaders(res: TestResponse): void {
  expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
}

describe('rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_KEY: String(PER_KEY),
      RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
      RATE_LIMIT_WINDOW_SECONDS: '60',
    });
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts per API key: one key past its limit gets 429 with Retry-After, another key from the same address goes on', async () => {
    const key = await t.newKey(['reader']);
    for (let i = 0; i < PER_KEY; i++) expect((await t.request('GET', '/deals', { key })).status).toBe(200);
    const refused = await t.request('GET', '/deals', { key });
    expectTooMany(refused);
    expectSecurityHeaders(refused);
    // a write is refused too, before it runs
    expectTooMany(await t.request('POST', '/deals', { key, body: { title: 'x' } }));
    expect((await t.request('GET', '/deals', { key: await t.newKey(['reader']) })).status).toBe(200);
  });

  it('counts requests without a valid key per client address, apart from the keys', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_ADDRESS; i++) {
      statuses.push((await t.request('GET', '/deals', { key: i % 2 === 0 ? null : 'nfk_not-a-key' })).status);
    }
    expect(statuses).toEqual(Array(PER_ADDRESS).fill(401));
    expectTooMany(await t.request('GET', '/deals', { key: null }));
    expectTooMany(await t.request('GET', '/deals', { key: 'nfk_guess-another-key' }));
    expectTooMany(await t.request('GET', '/docs-json', { key: null }));
    // a valid key from that same address is counted on its own
    expect((await t.request('GET', '/deals', { key: await t.newKey(['reader']) })).status).toBe(200);
  });

  it('keeps /health and /metrics answering whatever the address spent elsewhere', async () => {
    for (let i = 0; i <= PER_ADDRESS; i++) await t.request('GET', '/deals', { key: null });
    expectTooMany(await t.request('GET', '/deals', { key: null }));
    // monitoring has a bucket of its own, as big as the address's
    for (let i = 0; i < PER_ADDRESS - 1; i++) {
      expect((await t.request('GET', '/health', { key: null })).status).toBe(200);
    }
    expect((await t.request('GET', '/metrics', { key: null })).status).toBe(200);
    expectTooMany(await t.request('GET', '/health', { key: null }));
  });

  it('has defaults a busy newsroom does not reach, and refuses a bad limit at boot naming it', () => {
    const defaults = loadConfig({});
    expect(defaults.RATE_LIMIT_PER_KEY).toBeGreaterThanOrEqual(1000);
    expect(defaults.RATE_LIMIT_PER_ADDRESS).toBeGreaterThanOrEqual(100);
    expect(defaults.RATE_LIMIT_WINDOW_SECONDS).toBe(60);
    for (const name of ['RATE_LIMIT_PER_KEY', 'RATE_LIMIT_PER_ADDRESS', 'RATE_LIMIT_WINDOW_SECONDS']) {
      for (const bad of ['0', '-1', 'many']) expect(() => loadConfig({ [name]: bad })).toThrow(name);
    }
  });
});

describe('security headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a JSON answer', 'GET', '/deals', undefined],
    ['a 401', 'GET', '/deals', null],
    ['a 404', 'GET', '/no-such-route', undefined],
    ['a 400', 'POST', '/api-keys', undefined],
    ['/health', 'GET', '/health', null],
    ['/metrics', 'GET', '/metrics', null],
    ['/docs-json', 'GET', '/docs-json', null],
    ['/docs', 'GET', '/docs', null],
  ])('are on %s', async (_, method, path, key) => {
    const res = await t.request(method, path, { key, ...(method === 'POST' ? { body: { name: '' } } : {}) });
    expect(res.status).toBeLessThan(500);
    expectSecurityHeaders(res);
  });

  it('leave Swagger UI working: every script and style it loads is served from /docs, and the policy allows what the page needs', async () => {
    const page = await t.request('GET', '/docs', { key: null });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = Object.fromEntries(
      page.headers
        .get('content-security-policy')!
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(csp['upgrade-insecure-requests']).toBeUndefined();
    // no inline script: scripts come from the server itself, which script-src allows
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(csp['script-src']).toContain("'self'");
    if (/<style/i.test(page.text)) expect(csp['style-src']).toContain("'unsafe-inline'");
    expect(csp['img-src']).toEqual(expect.arrayContaining(["'self'", 'data:']));
    expect(csp['connect-src'] ?? csp['default-src']).toContain("'self'");

    const base = new URL('/docs', t.url);
    const assets = [...page.text.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)=["']([^"']+)["']/gi)].map((m) => new URL(m[1], base));
    expect(assets.map((u) => u.pathname)).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']));
    for (const asset of assets) {
      expect(asset.origin).toBe(new URL(t.url).origin);
      const res = await requestTo(t.url, 'GET', asset.pathname, { key: null });
      expect({ asset: asset.pathname, status: res.status }).toEqual({ asset: asset.pathname, status: 200 });
    }
    const init = await requestTo(t.url, 'GET', '/docs/swagger-ui-init.js', { key: null });
    expect(init.text).toContain('SwaggerUIBundle');
  });
});
