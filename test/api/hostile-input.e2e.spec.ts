import type { Role } from '@app/access';
import { startTestApp, TestApp } from '../support/test-app';
import { countEvents, openDeal, recordClaim, validClaim, validDeal, validSource, validVerdict } from './api-fixtures';

const MAX_ANSWER = 64 * 1024;
const NUL = '\u0000';
const LONE = '\ud800';

/** A JSON text nested `depth` arrays deep around `inner`. */
const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

describe('hostile input (DESIGN 2.4, 2.7)', () => {
  let t: TestApp;
  let dealId: string;
  let claimId: string;

  beforeAll(async () => {
    t = await startTestApp();
    dealId = await openDeal(t, t.keys.editor);
    claimId = await recordClaim(t, t.keys.editor, dealId);
  });

  afterAll(async () => {
    await t.close();
  });

  /** A 400 problem naming `field`, small, and nothing written. */
  async function expectRefused(method: string, path: string, options: Parameters<TestApp['request']>[2], field: string | RegExp) {
    const before = await countEvents(t);
    const res = await t.request(method, path, options);
    expect({ status: res.status, type: res.headers.get('content-type')?.split(';')[0] }).toEqual({ status: 400, type: 'application/problem+json' });
    expect(res.text.length).toBeLessThan(MAX_ANSWER);
    const fields: string[] = (res.body.errors ?? []).map((e: { field: string }) => e.field);
    expect(fields.some((f) => (typeof field === 'string' ? f === field : field.test(f)))).toBe(true);
    expect(await countEvents(t)).toBe(before);
    return res;
  }

  describe.each([
    ['a NUL', NUL],
    ['a lone surrogate', LONE],
  ])('text PostgreSQL cannot store: %s', (_name, bad) => {
    it.each([
      ['POST', () => '/deals', () => validDeal(`Twitter ${bad} Clubhouse`), 'title', 'editor'],
      ['POST', () => '/deals', () => ({ ...validDeal(), parties: [{ name: `A${bad}`, role: 'bidder' }] }), 'parties[0].name', 'editor'],
      ['POST', () => `/deals/${dealId}/claims`, () => validClaim({ statement: `said ${bad}` }), 'statement', 'editor'],
      ['POST', () => `/deals/${dealId}/claims`, () => validClaim({ sources: [validSource({ outlet: bad })] }), 'sources[0].outlet', 'editor'],
      ['POST', () => `/claims/${claimId}/verdicts`, () => validVerdict({ rationale: bad }), 'rationale', 'fact_checker'],
      ['POST', () => `/claims/${claimId}/retraction`, () => ({ reason: `because${bad}` }), 'reason', 'editor'],
      ['POST', () => `/claims/${claimId}/corrections`, () => ({ changes: { statement: bad }, reason: 'typo' }), 'changes.statement', 'editor'],
      ['POST', () => '/api-keys', () => ({ name: `desk${bad}`, roles: ['reader'] }), 'name', 'admin'],
      ['POST', () => '/api-keys', () => ({ name: 'desk', roles: ['reader'], [`x${bad}`]: 1 }), /^x/, 'admin'],
    ] as [string, () => string, () => unknown, string | RegExp, Role][])('%s %s in a body field is a 400 naming it', async (method, path, body, field, role) => {
      await expectRefused(method, path(), { key: t.keys[role], body: body() }, field);
    });
  });

  it.each([
    ['/deals?party=%00', 'party'],
    ['/deals?q=%00', 'q'],
    ['/deals?q=a%00b', 'q'],
    ['/claims?outlet=%00', 'outlet'],
    ['/claims?outlet=%ED%A0%80', 'outlet'],
    ['/deals?q=%ff', 'q'],
    ['/deals?%00=1', 'query parameter name'],
    ['/deals/%00', 'path'],
    ['/claims/%ED%A0%80/claim-review', 'path'],
    ['/deals/00000000-0000-4000-8000-000000000000/timeline?axis=%00', 'axis'],
  ])('GET %s is a 400 naming %s', async (path, field) => {
    await expectRefused('GET', path, { key: t.keys.reader }, field);
  });

  it('refuses JSON nested 2,000 deep as a 400, in a known and in an unknown field', async () => {
    const deep = nested(2000);
    await expectRefused('POST', '/deals', { key: t.keys.editor, rawBody: `{"title":${deep}}`, headers: { 'content-type': 'application/json' } }, /^title/);
    await expectRefused('POST', '/deals', { key: t.keys.editor, rawBody: `{"extra":${deep}}`, headers: { 'content-type': 'application/json' } }, /^extra/);
  });

  it.each([
    ['100,000 empty sources', () => `/deals/${dealId}/claims`, () => ({ ...validClaim(), sources: Array.from({ length: 100_000 }, () => ({})) })],
    ['170,000 parties', () => '/deals', () => ({ ...validDeal(), parties: Array.from({ length: 170_000 }, () => ({})) })],
    ['5,000 parties (under the value bound)', () => '/deals', () => ({ ...validDeal(), parties: Array.from({ length: 5000 }, () => ({})) })],
    ['an amount that is an array of 5,000 objects', () => `/deals/${dealId}/claims`, () => validClaim({ amount: Array.from({ length: 5000 }, () => ({})) })],
    ['5,000 unknown fields', () => '/deals', () => ({ ...validDeal(), ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, i])) })],
    ['a 100 KB field name', () => '/deals', () => ({ ...validDeal(), ['k'.repeat(100_000)]: 1 })],
  ])('answers %s with a small 400 listing at most 20 errors', async (_name, path, body) => {
    // what it costs in CPU per KB is measured by `npm run bench -- --only input`, not timed here
    const text = JSON.stringify(body());
    const res = await t.request('POST', path(), { key: t.keys.editor, rawBody: text, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.text.length).toBeLessThan(MAX_ANSWER);
    expect((res.body.errors ?? []).length).toBeLessThanOrEqual(20);
  });

  it('still accepts text with emoji and other well-formed astral characters', async () => {
    const res = await t.request('POST', '/deals', { key: t.keys.editor, body: validDeal('Twitter 🐦 / Clubhouse 👋 — naïve') });
    expect(res.status).toBe(201);
  });
});
