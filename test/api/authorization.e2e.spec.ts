import type { Role } from '@app/access';
import { startTestApp, TestApp } from '../support/test-app';
import { expectProblem, openDeal, recordClaim, validClaim, validDeal, validSource, validVerdict } from './api-fixtures';

/** What the routes are called on: made once, before the matrix runs. */
interface Fixture {
  dealId: string;
  /** Recorded by the editor key: sources, verdicts (by the fact-checker) and corrections go here. */
  claimId: string;
  /** Only retracted, so the other routes keep answering 2xx. */
  retractableClaimId: string;
}

interface RouteCase {
  method: 'GET' | 'POST';
  path: (fx: Fixture) => string;
  /** The roles allowed; PUBLIC: no key needed at all. */
  roles: readonly Role[] | typeof PUBLIC;
  body?: () => unknown;
  /** Domain answers an allowed caller may get besides 2xx (e.g. retracting twice). */
  domainAnswers?: number[];
}

const PUBLIC = 'public';
const ANY_ROLE: readonly Role[] = ['reader', 'editor', 'fact_checker', 'admin'];
let counter = 0;
const unique = (text: string) => `${text} #${++counter}`;

/** One line per route. */
const ROUTES: RouteCase[] = [
  { method: 'POST', path: () => '/api-keys', roles: ['admin'], body: () => ({ name: unique('matrix'), roles: ['reader'] }) },
  { method: 'POST', path: () => '/deals', roles: ['editor'], body: () => validDeal(unique('Matrix deal')) },
  { method: 'POST', path: (fx) => `/deals/${fx.dealId}/claims`, roles: ['editor'], body: () => validClaim({ statement: unique('A claim') }) },
  { method: 'POST', path: (fx) => `/claims/${fx.claimId}/sources`, roles: ['editor'], body: () => ({ source: validSource({ outlet: unique('Outlet') }) }) },
  { method: 'POST', path: (fx) => `/claims/${fx.claimId}/verdicts`, roles: ['fact_checker'], body: () => validVerdict() },
  { method: 'POST', path: (fx) => `/claims/${fx.retractableClaimId}/retraction`, roles: ['editor', 'fact_checker'], body: () => ({ reason: 'matrix' }), domainAnswers: [409] },
  { method: 'POST', path: (fx) => `/claims/${fx.claimId}/corrections`, roles: ['editor'], body: () => ({ changes: { statement: unique('Corrected') }, reason: 'matrix' }) },
  { method: 'GET', path: () => '/deals', roles: ANY_ROLE },
  { method: 'GET', path: (fx) => `/deals/${fx.dealId}`, roles: ANY_ROLE },
  { method: 'GET', path: (fx) => `/deals/${fx.dealId}/timeline?axis=recorded`, roles: ANY_ROLE },
  { method: 'GET', path: (fx) => `/deals/${fx.dealId}/claims`, roles: ANY_ROLE },
  { method: 'GET', path: () => '/claims?verdict=unreviewed', roles: ANY_ROLE },
  { method: 'GET', path: (fx) => `/claims/${fx.claimId}`, roles: ANY_ROLE },
  { method: 'GET', path: (fx) => `/audit/deals/${fx.dealId}`, roles: ANY_ROLE },
  { method: 'GET', path: () => '/audit/verify', roles: ['admin', 'fact_checker'] },
  { method: 'GET', path: () => '/reports/outlets', roles: ANY_ROLE },
  { method: 'GET', path: () => '/reports/deals?format=csv', roles: ANY_ROLE },
  { method: 'GET', path: () => '/reports/statuses?validAt=2012-05', roles: ANY_ROLE },
  { method: 'GET', path: (fx) => `/claims/${fx.claimId}/claim-review`, roles: ANY_ROLE, domainAnswers: [404] },
  { method: 'GET', path: () => '/health', roles: PUBLIC },
  { method: 'GET', path: () => '/metrics', roles: PUBLIC },
  { method: 'GET', path: () => '/docs-json', roles: PUBLIC },
];

type Caller = 'no key' | 'unknown key' | Role;
const CALLERS: Caller[] = ['no key', 'unknown key', 'reader', 'editor', 'fact_checker', 'admin'];

type Expected = { outcome: 'allowed' } | { outcome: 'refused'; status: 401 | 403; code: string };

function expectedFor(route: RouteCase, caller: Caller): Expected {
  if (route.roles === PUBLIC) return { outcome: 'allowed' };
  if (caller === 'no key') return { outcome: 'refused', status: 401, code: 'missing-api-key' };
  if (caller === 'unknown key') return { outcome: 'refused', status: 401, code: 'invalid-api-key' };
  return route.roles.includes(caller) ? { outcome: 'allowed' } : { outcome: 'refused', status: 403, code: 'forbidden-role' };
}

const describeExpected = (e: Expected) => (e.outcome === 'allowed' ? 'allowed' : `${e.status} ${e.code}`);

const CASES = ROUTES.flatMap((route) =>
  CALLERS.map((caller) => {
    const expected = expectedFor(route, caller);
    const label = route.path({ dealId: '{dealId}', claimId: '{claimId}', retractableClaimId: '{claimId}' });
    return [`${route.method} ${label}`, caller, describeExpected(expected), route, expected] as const;
  }),
);

describe('authorization matrix: every route × every kind of caller', () => {
  let t: TestApp;
  let fx: Fixture;

  beforeAll(async () => {
    t = await startTestApp();
    const dealId = await openDeal(t, t.keys.editor);
    fx = {
      dealId,
      claimId: await recordClaim(t, t.keys.editor, dealId),
      retractableClaimId: await recordClaim(t, t.keys.editor, dealId, { statement: 'To be retracted.' }),
    };
  });

  afterAll(async () => {
    await t?.close();
  });

  const keyOf = (caller: Caller): string | null =>
    caller === 'no key' ? null : caller === 'unknown key' ? 'nfk_this-key-was-never-issued-0000000000000000' : t.keys[caller];

  it.each(CASES)('%s as %s: %s', async (_, caller, __, route, expected) => {
    const body = route.body?.();
    const res = await t.request(route.method, route.path(fx), { key: keyOf(caller), ...(body === undefined ? {} : { body }) });
    if (expected.outcome === 'refused') {
      expectProblem(res, expected.status, expected.code);
      return;
    }
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(403);
    expect({ status: res.status, allowed: [200, 201, ...(route.domainAnswers ?? [])].includes(res.status), body: res.body }).toMatchObject({
      allowed: true,
    });
  });

  it('refuses a key sent without the Bearer scheme as missing', async () => {
    const res = await t.request('POST', '/deals', { key: null, body: validDeal(), headers: { authorization: t.keys.editor } });
    expectProblem(res, 401, 'missing-api-key');
  });

  it('lets a key holding several roles use the routes of each', async () => {
    const both = await t.newKey(['editor', 'fact_checker']);
    const res = await t.request('POST', `/deals/${fx.dealId}/claims`, { key: both, body: validClaim({ statement: unique('dual') }) });
    expect(res.status).toBe(201);
    const verdict = await t.request('POST', `/claims/${fx.claimId}/verdicts`, { key: both, body: validVerdict({ verdict: 'disputed' }) });
    expect(verdict.status).toBe(201);
  });
});
