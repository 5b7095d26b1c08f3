import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { startTestApp, TestApp, TestResponse } from '../support/test-app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const WRITES_TO_A_DEAL = ['post /deals/{dealId}/claims', 'post /claims/{claimId}/sources', 'post /claims/{claimId}/verdicts', 'post /claims/{claimId}/retraction', 'post /claims/{claimId}/corrections'];
const PUBLIC = ['get /health', 'get /metrics'];

/**
 * Checks real responses against the document: the response of that status and
 * content type must be documented, and its body must match the schema.
 */
class ResponseChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly document: Json) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ components: document.components }, 'openapi');
  }

  check(method: string, path: string, response: TestResponse): void {
    const operation = this.document.paths[path]?.[method];
    if (!operation) throw new Error(`${method} ${path} is not documented`);
    const documented = operation.responses[String(response.status)];
    if (!documented) throw new Error(`${method} ${path} answered ${response.status}, which is not documented: ${response.text.slice(0, 300)}`);
    if (response.status === 204) return;
    const type = (response.headers.get('content-type') ?? '').split(';')[0];
    const media = documented.content?.[type];
    if (!media) throw new Error(`${method} ${path} ${response.status} answered ${type}, documented: ${Object.keys(documented.content ?? {}).join(', ')}`);
    if (!media.schema) throw new Error(`${method} ${path} ${response.status} ${type} has no schema`);
    const key = `${method} ${path} ${response.status} ${type}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      // the document's $refs point into #/components: resolve them in the schema added above
      const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"openapi#/components/'));
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    if (!validate(response.body)) {
      throw new Error(`${key}: the body does not match its schema: ${this.ajv.errorsText(validate.errors)}\n${response.text.slice(0, 500)}`);
    }
  }
}

describe('the OpenAPI document (/docs-json)', () => {
  let t: TestApp;
  let document: Json;
  let checker: ResponseChecker;

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.request('GET', '/docs-json', { key: null })).body;
    checker = new ResponseChecker(document);
  });

  afterAll(async () => {
    await t.close();
  });

  const operations = () =>
    Object.entries(document.paths as Record<string, Record<string, Json>>).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({ id: `${method} ${path}`, method, path, operation: item[method] })),
    );

  it('is a valid OpenAPI document', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes the key scheme as a plain API key in a Bearer header, not a JWT', () => {
    const scheme = document.components.securitySchemes.bearer;
    expect(scheme).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(JSON.stringify(scheme)).not.toMatch(/JWT/i);
    expect(scheme.description).toMatch(/API key/);
  });

  it('gives every operation a summary, a documented success and the errors any route answers', () => {
    const missing: string[] = [];
    for (const { id, operation } of operations()) {
      if (!operation.summary) missing.push(`${id}: summary`);
      if (!Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))) missing.push(`${id}: a success`);
      for (const status of ['429', '503']) if (!operation.responses[status]) missing.push(`${id}: ${status}`);
      const secured = (operation.security ?? []).length > 0;
      if (secured !== !PUBLIC.includes(id) && !id.startsWith('get /docs')) missing.push(`${id}: security`);
      if (secured && !operation.responses['401']) missing.push(`${id}: 401`);
      if (operation.requestBody && !(operation.responses['400'] && operation.responses['415'])) missing.push(`${id}: 400 and 415`);
      if (/\{\w+\}/.test(id) && !operation.responses['404'] && !id.startsWith('get /audit/events')) missing.push(`${id}: 404`);
    }
    expect(missing).toEqual([]);
  });

  it('documents every error as problem+json with the ProblemResponse schema', () => {
    const wrong: string[] = [];
    for (const { id, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (Number(status) < 400) continue;
        const schema = response.content?.['application/problem+json']?.schema;
        if (schema?.$ref !== '#/components/schemas/ProblemResponse') wrong.push(`${id} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(document.components.schemas.ProblemResponse.required).toEqual(expect.arrayContaining(['type', 'title', 'status']));
    expect(document.components.schemas.ProblemResponse.properties).toHaveProperty('requestId');
  });

  it('gives JSON successes of the main routes a schema from a response class', () => {
    const main = ['post /deals', 'get /deals', 'get /deals/{dealId}', 'get /deals/{dealId}/timeline', 'get /deals/{dealId}/claims', 'post /deals/{dealId}/claims',
      'get /claims', 'get /claims/{claimId}', ...WRITES_TO_A_DEAL.slice(1), 'get /api-keys', 'post /api-keys', 'get /reports/outlets', 'get /reports/statuses', 'get /health'];
    for (const id of main) {
      const operation = operations().find((o) => o.id === id)?.operation;
      expect(operation).toBeDefined();
      const success = Object.entries(operation.responses as Record<string, Json>).find(([status]) => /^2/.test(status))![1];
      expect([id, success.content?.['application/json']?.schema?.$ref]).toEqual([id, expect.stringMatching(/^#\/components\/schemas\/\w+Response$/)]);
    }
    expect(JSON.stringify(document.components.schemas.DealStateResponse)).toContain('Clubhouse');
  });

  it('gives every success with a body a schema, for each of its media types', () => {
    const missing: string[] = [];
    for (const { id, operation } of operations()) {
      if (id.startsWith('get /docs')) continue;
      for (const [status, response] of Object.entries(operation.responses as Record<string, Json>)) {
        if (!/^2/.test(status) || status === '204') continue;
        const media = Object.entries((response.content ?? {}) as Record<string, Json>);
        if (media.length === 0) missing.push(`${id} ${status}: no content`);
        for (const [type, content] of media) if (!content.schema) missing.push(`${id} ${status} ${type}: no schema`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('lists Idempotency-Key on POSTs only, and If-Match only on writes to a deal', () => {
    for (const { id, method, operation } of operations()) {
      const headers = (operation.parameters ?? []).filter((p: Json) => p.in === 'header').map((p: Json) => p.name);
      expect([id, headers.includes('Idempotency-Key')]).toEqual([id, method === 'post' && !id.startsWith('post /audit')]);
      expect([id, headers.includes('If-Match')]).toEqual([id, WRITES_TO_A_DEAL.includes(id)]);
      if (headers.includes('If-Match')) expect(operation.responses['412']).toBeDefined();
      if (headers.includes('Idempotency-Key')) expect(operation.responses['422']).toBeDefined();
    }
  });

  describe('real responses match their documented schemas', () => {
    let dealId: string;
    let claimId: string;

    const call = async (method: string, path: string, template: string, options: Parameters<TestApp['request']>[2] = {}) => {
      const response = await t.request(method.toUpperCase(), path, options);
      checker.check(method, template, response);
      return response;
    };

    it('deals and claims: writes, reads and their errors', async () => {
      const opened = await call('post', '/deals', '/deals', {
        key: t.keys.editor,
        body: { title: 'Twitter / Clubhouse', kind: 'acquisition', parties: [{ name: 'Twitter', role: 'bidder' }, { name: 'Clubhouse', role: 'target' }] },
      });
      expect(opened.status).toBe(201);
      dealId = opened.body.id;
      const claim = {
        kind: 'offer_made',
        statement: 'Twitter offered about $4 billion to acquire Clubhouse.',
        occurredAt: '2021',
        amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
        party: 'Twitter',
        sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-07', via: [{ outlet: 'The Verge' }] }],
      };
      const recorded = await call('post', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', { key: t.keys.editor, body: claim, headers: { 'idempotency-key': 'offer-1' } });
      expect(recorded.status).toBe(201);
      claimId = recorded.body.claimId;
      const ended = await call('post', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', {
        key: t.keys.editor,
        body: { kind: 'talks_ended', statement: 'The talks stopped.', occurredAt: '2021', sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-07' }] },
      });
      expect(ended.status).toBe(201);
      expect((await call('post', `/claims/${claimId}/sources`, '/claims/{claimId}/sources', { key: t.keys.editor, body: { source: { outlet: 'Reuters', publishedAt: '2021-04-08' } } })).status).toBe(201);
      expect((await call('post', `/claims/${claimId}/verdicts`, '/claims/{claimId}/verdicts', { key: t.keys.fact_checker, body: { verdict: 'disputed', rationale: 'One report.' } })).status).toBe(201);
      expect((await call('get', `/deals/${dealId}`, '/deals/{dealId}', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', `/deals/${dealId}?validAt=2021&knownAt=2100-01-01`, '/deals/{dealId}', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', `/deals/${dealId}/timeline?axis=recorded`, '/deals/{dealId}/timeline', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', `/deals/${dealId}/timeline?axis=valid`, '/deals/{dealId}/timeline', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', '/deals?limit=5', '/deals', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', '/claims?verdict=unreviewed', '/claims', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', `/claims/${claimId}`, '/claims/{claimId}', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', `/claims/${claimId}/claim-review`, '/claims/{claimId}/claim-review', { key: t.keys.reader })).status).toBe(200);
      expect((await call('post', `/claims/${claimId}/corrections`, '/claims/{claimId}/corrections', { key: t.keys.editor, body: { changes: { occurredAt: '2021-Q1' }, reason: 'the quarter' } })).status).toBe(201);

      // errors, each as documented
      expect((await call('get', '/deals', '/deals', { key: null })).status).toBe(401);
      expect((await call('post', '/deals', '/deals', { key: t.keys.reader, body: { title: 'x', kind: 'other', parties: [] } })).status).toBe(403);
      expect((await call('get', '/deals/00000000-0000-4000-8000-000000000000', '/deals/{dealId}', { key: t.keys.reader })).status).toBe(404);
      expect((await call('get', '/deals/not-a-uuid', '/deals/{dealId}', { key: t.keys.reader })).status).toBe(400);
      expect((await call('post', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', { key: t.keys.editor, body: { ...claim, amount: { value: '-1', currency: 'USD' } } })).status).toBe(400);
      expect((await call('post', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', { key: t.keys.editor, rawBody: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await call('post', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', { key: t.keys.editor, body: { ...claim, statement: 'other' }, headers: { 'idempotency-key': 'offer-1' } })).status).toBe(422);
      expect((await call('post', `/deals/${dealId}/claims`, '/deals/{dealId}/claims', { key: t.keys.editor, body: claim, headers: { 'if-match': '1' } })).status).toBe(412);
      expect((await call('post', `/claims/${claimId}/verdicts`, '/claims/{claimId}/verdicts', { key: t.keys.editor, body: { verdict: 'confirmed', rationale: 'mine' } })).status).toBe(403);
      const fourEyes = await t.newKey(['editor', 'fact_checker']);
      const own = await t.request('POST', `/deals/${dealId}/claims`, { key: fourEyes, body: claim });
      expect((await call('post', `/claims/${own.body.claimId}/verdicts`, '/claims/{claimId}/verdicts', { key: fourEyes, body: { verdict: 'confirmed', rationale: 'mine' } })).status).toBe(409);
    });

    it('keys, reports and operations', async () => {
      const created = await call('post', '/api-keys', '/api-keys', { body: { name: 'desk', roles: ['reader'] } });
      expect(created.status).toBe(201);
      expect((await call('get', '/api-keys', '/api-keys')).status).toBe(200);
      expect((await call('delete', `/api-keys/${created.body.id}`, '/api-keys/{keyId}')).status).toBe(204);
      expect((await call('delete', `/api-keys/${created.body.id}x`, '/api-keys/{keyId}')).status).toBe(400);
      expect((await call('get', '/reports/outlets', '/reports/outlets', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', '/reports/statuses?validAt=2021', '/reports/statuses', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', '/health', '/health', { key: null })).status).toBe(200);
    });

    it('audit and webhooks', async () => {
      const deal = await t.request('POST', '/deals', { key: t.keys.editor, body: { title: 'Twitter / Sphere', kind: 'acquisition', parties: [{ name: 'Sphere', role: 'target' }] } });
      expect((await call('get', `/audit/deals/${deal.body.id}`, '/audit/deals/{dealId}', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', '/audit/deals/00000000-0000-4000-8000-000000000000', '/audit/deals/{dealId}', { key: t.keys.reader })).status).toBe(404);
      expect((await call('get', '/audit/verify', '/audit/verify', { key: t.keys.fact_checker })).status).toBe(200);
      expect((await call('get', '/audit/verify', '/audit/verify', { key: t.keys.reader })).status).toBe(403);
      expect((await call('get', '/audit/checkpoints', '/audit/checkpoints', { key: t.keys.reader })).status).toBe(200);
      expect((await call('get', '/webhooks', '/webhooks')).status).toBe(200);
      expect((await call('get', '/webhooks/00000000-0000-4000-8000-000000000000/deliveries', '/webhooks/{webhookId}/deliveries')).status).toBe(404);
    });
  });
});
