import { startTestApp, TestApp } from '../support/test-app';

describe('API platform over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });


  it('answers /health without a key once the database is migrated', async () => {
    const res = await t.request('GET', '/health', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', migrations: 'done' });
  });

  it('serves /metrics and the OpenAPI document without a key', async () => {
    const metrics = await t.request('GET', '/metrics', { key: null });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('newsroom_http_request_duration_seconds');
    const docs = await t.request('GET', '/docs-json', { key: null });
    expect(docs.status).toBe(200);
    expect(docs.body.openapi).toMatch(/^3\./);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api-keys', '/deals', '/deals/{dealId}', '/deals/{dealId}/claims', '/claims/{claimId}/verdicts', '/reports/outlets']),
    );
    // examples come from the seed articles
    expect(JSON.stringify(docs.body.components.schemas)).toContain('Clubhouse');
    const ui = await t.request('GET', '/docs', { key: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const res = await t.request('GET', '/no-such-route');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
  });

  describe('API keys', () => {
    it('lets an admin create a key that then works, and shows the secret once', async () => {
      const res = await t.request('POST', '/api-keys', { body: { name: 'Desk editor', roles: ['editor', 'reader'] } });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Desk editor', roles: ['editor', 'reader'] });
      expect(res.body.key).toMatch(/^nfk_[\w-]{43}$/);
      const { DataSource } = await import('typeorm');
      const rows: { key_hash: string }[] = await t.app.get(DataSource).query('select key_hash from api_keys where id = $1', [
        res.body.id,
      ]);
      expect(rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rows[0].key_hash).not.toContain(res.body.key);
      const again = await t.request('POST', '/api-keys', { key: res.body.key, body: { name: 'x', roles: ['reader'] } });
      expect(again.status).toBe(403);
    });

    it.each([
      ['no key', null, 401, 'missing-api-key'],
      ['an unknown key', 'nfk_unknown', 401, 'invalid-api-key'],
      ['an editor key', 'editor', 403, 'forbidden-role'],
      ['a reader key', 'reader', 403, 'forbidden-role'],
      ['a fact-checker key', 'fact_checker', 403, 'forbidden-role'],
    ])('refuses %s on POST /api-keys', async (_, key, status, code) => {
      const resolved = key && key in t.keys ? t.keys[key as keyof typeof t.keys] : key;
      const res = await t.request('POST', '/api-keys', { key: resolved, body: { name: 'x', roles: ['reader'] } });
      expect(res.status).toBe(status);
      expect(res.body.type).toBe(`/problems/${code}`);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });

    it('creates one key for a repeated Idempotency-Key, says the key was shown once, and refuses the key with another body', async () => {
      const { DataSource } = await import('typeorm');
      const ds = t.app.get(DataSource);
      const count = async () => Number((await ds.query('select count(*) as n from api_keys'))[0].n);
      const before = await count();
      const headers = { 'idempotency-key': 'create-key-1' };
      const first = await t.request('POST', '/api-keys', { headers, body: { name: 'once', roles: ['reader'] } });
      const second = await t.request('POST', '/api-keys', { headers, body: { roles: ['reader'], name: 'once' } });
      expect(first.status).toBe(201);
      expect(typeof first.body.key).toBe('string');
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({ type: '/problems/key-already-shown', id: first.body.id });
      expect(second.text).not.toContain(first.body.key);
      expect(await count()).toBe(before + 1);
      const other = await t.request('POST', '/api-keys', { headers, body: { name: 'other', roles: ['reader'] } });
      expect(other.status).toBe(422);
      expect(other.body.type).toBe('/problems/idempotency-key-reused');
      expect(await count()).toBe(before + 1);
    });
  });

  describe('bad input', () => {
    it.each([
      ['an unknown field', { body: { name: 'x', roles: ['reader'], admin: true } }, 400, 'admin'],
      ['an unknown role', { body: { name: 'x', roles: ['owner'] } }, 400, 'roles'],
      ['an array body', { body: [{ name: 'x', roles: ['reader'] }] }, 400, ''],
      ['broken JSON', { rawBody: '{"name": ', headers: { 'content-type': 'application/json' } }, 400, undefined],
      ['a wrong content type', { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }, 415, undefined],
      ['a form body', { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, undefined],
      ['a 3 MB body', { rawBody: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), roles: ['reader'] }), headers: { 'content-type': 'application/json' } }, 413, undefined],
    ])('answers %s with a problem+json 4xx and writes nothing', async (_, options, status, field) => {
      const { DataSource } = await import('typeorm');
      const ds = t.app.get(DataSource);
      const before = Number((await ds.query('select count(*) as n from api_keys'))[0].n);
      const res = await t.request('POST', '/api-keys', options);
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status, type: expect.stringMatching(/^\/problems\//), title: expect.any(String) });
      if (field !== undefined) expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(Number((await ds.query('select count(*) as n from api_keys'))[0].n)).toBe(before);
    });
  });
});
