import fc from 'fast-check';
import type { Role } from '@app/access';
import { startTestApp, TestApp } from '../support/test-app';
import { countEvents, openDeal, recordClaim, validClaim, validDeal, validSource, validVerdict } from './api-fixtures';

const SEED = 20_261_202;
const RUNS = 700;
const MAX_ANSWER = 64 * 1024;
/** A scrape grows with the routes and statuses served (one histogram per pair), not with the input: bounded apart. */
const MAX_SCRAPE = 512 * 1024;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** The path with `{deal}` and `{claim}` standing for ids. */
  path: string;
  role: Role;
  /** A valid body, for POSTs: the fuzzer damages it. */
  body?: () => Record<string, unknown>;
  /** Query parameters the route reads. */
  query?: string[];
  /** A 201 here appends one event. */
  writes?: boolean;
}

const ROUTES: Route[] = [
  { method: 'GET', path: '/health', role: 'reader' },
  { method: 'GET', path: '/deals', role: 'reader', query: ['status', 'party', 'kind', 'q', 'limit', 'cursor'] },
  { method: 'GET', path: '/deals/{deal}', role: 'reader', query: ['validAt', 'knownAt'] },
  { method: 'GET', path: '/deals/{deal}/timeline', role: 'reader', query: ['axis'] },
  { method: 'GET', path: '/deals/{deal}/claims', role: 'reader', query: ['limit', 'cursor'] },
  { method: 'POST', path: '/deals', role: 'editor', body: () => validDeal(), writes: true },
  { method: 'POST', path: '/deals/{deal}/claims', role: 'editor', body: () => validClaim(), writes: true },
  { method: 'GET', path: '/claims', role: 'reader', query: ['verdict', 'dealId', 'outlet', 'limit', 'cursor'] },
  { method: 'GET', path: '/claims/{claim}', role: 'reader' },
  { method: 'POST', path: '/claims/{claim}/sources', role: 'editor', body: () => ({ source: validSource() }), writes: true },
  { method: 'POST', path: '/claims/{claim}/verdicts', role: 'fact_checker', body: () => validVerdict({ evidence: [validSource()] }), writes: true },
  { method: 'POST', path: '/claims/{claim}/retraction', role: 'editor', body: () => ({ reason: 'misread' }), writes: true },
  { method: 'POST', path: '/claims/{claim}/corrections', role: 'editor', body: () => ({ changes: { occurredAt: '2021-04' }, reason: 'date' }), writes: true },
  { method: 'GET', path: '/claims/{claim}/claim-review', role: 'reader' },
  { method: 'GET', path: '/audit/deals/{deal}', role: 'reader' },
  { method: 'GET', path: '/audit/verify', role: 'admin' },
  { method: 'GET', path: '/reports/outlets', role: 'reader' },
  { method: 'GET', path: '/reports/deals', role: 'reader', query: ['format'] },
  { method: 'GET', path: '/reports/statuses', role: 'reader', query: ['validAt'] },
  { method: 'POST', path: '/api-keys', role: 'admin', body: () => ({ name: 'fuzz desk', roles: ['reader'] }) },
  { method: 'GET', path: '/api-keys', role: 'admin', query: ['limit', 'cursor'] },
  { method: 'DELETE', path: '/api-keys/{claim}', role: 'admin' },
  { method: 'GET', path: '/metrics', role: 'reader' },
];

/** Text meant to hurt: what PostgreSQL refuses, what parsers trip on, and sheer size. */
const hostileText = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '\ud83d\ude00', '', ' ', '%00', '%', '%zz', '%ED%A0%80', '../../etc/passwd',
    "' or 1=1 --", '{"$where":1}', '__proto__', 'constructor', '\u202e', 'ǅ', '0', '-1', '1e309', 'NaN', 'null', 'true', '2021-02-30', '9'.repeat(400)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.nat({ max: 70_000 }).map((n) => 'x'.repeat(n)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileText },
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, true, 0, -1, 1.5, 1e308, [], {}, [[[[[]]]]]),
  fc.nat({ max: 3000 }).map((n) => Array.from({ length: n }, () => ({}))),
  fc.nat({ max: 200 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}\u0000`.slice(0, (i % 2) + 2), i]))),
);

/** A valid body with one field, at any depth, replaced or added. */
function damaged(body: Record<string, unknown>, pathPick: number, key: string, value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  const objects: Record<string, unknown>[] = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      if (!Array.isArray(node)) objects.push(node as Record<string, unknown>);
      for (const child of Object.values(node)) walk(child);
    }
  };
  walk(copy);
  const target = objects[pathPick % objects.length];
  const keys = Object.keys(target);
  const field = key === '' && keys.length > 0 ? keys[pathPick % keys.length] : key || 'extra';
  target[field] = value;
  return copy;
}

const rawBody = fc.oneof(
  fc.nat({ max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.nat({ max: 5000 }).map((n) => `{"title":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  fc.constantFrom('', '{', 'null', '[]', '"text"', '{"title":"\\u0000"}', '{"title":"\\ud800"}', '{"__proto__":{"x":1}}', '\u0000', '{}'.repeat(1000)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
const headerValue = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: printable, maxLength: 60 }) },
  { weight: 3, arbitrary: fc.constantFrom('', '*', '0', '-1', '99999999999999999999', 'W/"1"', 'x'.repeat(300)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
);
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/problem+json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '');

const idText = fc.oneof(hostileText, fc.uuid(), fc.constantFrom('00000000-0000-0000-0000-000000000000', 'null', '..', '%2e%2e'));

/** Percent-encoding that keeps lone surrogates (as their WTF-8 bytes), which encodeURIComponent refuses. */
const encode = (text: string) =>
  [...text]
    .map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        const c = ch.charCodeAt(0);
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
    })
    .join('');

const request = fc.record({
  route: fc.nat({ max: ROUTES.length - 1 }),
  idMode: fc.constantFrom('real', 'real', 'fuzzed', 'raw'),
  id: idText,
  bodyMode: fc.constantFrom('valid', 'valid', 'damaged', 'damaged', 'damaged', 'value', 'raw'),
  pick: fc.nat(),
  key: fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: hostileText }),
  value: hostileValue,
  raw: rawBody,
  // a name the route reads (by index), or any name
  query: fc.array(fc.tuple(fc.oneof(fc.nat({ max: 5 }), hostileText), hostileText, fc.boolean()), { maxLength: 4 }),
  headers: fc.oneof(
    { weight: 3, arbitrary: fc.constant({} as Record<string, string>) },
    {
      weight: 2,
      arbitrary: fc.record(
        { 'if-match': headerValue, 'idempotency-key': headerValue, 'x-request-id': headerValue, 'content-type': contentType, accept: headerValue },
        { requiredKeys: [] },
      ),
    },
  ),
  auth: fc.constantFrom('role', 'role', 'role', 'role', 'role', 'none', 'garbage', 'other'),
});

describe('fuzzing every route over HTTP (DESIGN 2.4, 2.7)', () => {
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

  it(`never answers 5xx or more than 64 KB, and stores events only for accepted commands (seed ${SEED}, ${RUNS} requests)`, async () => {
    const eventsBefore = await countEvents(t);
    let accepted = 0;
    let sent = 0;
    const failures: string[] = [];

    await fc.assert(
      fc.asyncProperty(request, async (input) => {
        const route = ROUTES[input.route];
        const id = input.idMode === 'real' ? null : input.idMode === 'fuzzed' ? encode(input.id) : input.id.replace(/[\s#?/]/g, '');
        let path = route.path.replace('{deal}', id ?? dealId).replace('{claim}', id ?? claimId);
        const names = route.query ?? ['q'];
        const params = input.query.map(([name, value, escaped]) => [typeof name === 'number' ? names[name % names.length] : name, value, escaped] as const);
        if (params.length > 0 && input.pick % 3 !== 0) {
          path += `?${params.map(([name, value, escaped]) => (escaped ? `${encode(name)}=${encode(value)}` : `${name}=${value}`).replace(/[\s#]/g, '')).join('&')}`;
        }
        let body: string | undefined;
        if (route.method === 'POST') {
          const valid = route.body?.() ?? {};
          body =
            input.bodyMode === 'valid'
              ? JSON.stringify(valid)
              : input.bodyMode === 'damaged'
                ? JSON.stringify(damaged(valid, input.pick, input.key, input.value))
                : input.bodyMode === 'value'
                  ? JSON.stringify(input.value)
                  : input.raw;
        }
        const headers: Record<string, string> = { ...input.headers };
        if (body === undefined) delete headers['content-type'];
        else headers['content-type'] ??= 'application/json';
        if (input.auth === 'role') headers.authorization = `Bearer ${t.keys[route.role]}`;
        if (input.auth === 'garbage') headers.authorization = `Bearer ${input.id}`;
        if (input.auth === 'other') headers.authorization = `Bearer ${t.keys.reader}`;

        let response: Response;
        try {
          response = await fetch(`${t.url}${path}`, { method: route.method, headers, body });
        } catch (error) {
          // the client itself refused to send it (a header or URL it cannot encode): nothing reached the server
          const { name, message, cause } = error as { name: string; message: string; cause?: { code?: string; name?: string } };
          const refusedByClient = !/fetch failed/.test(message) || cause?.code === 'UND_ERR_INVALID_ARG' || cause?.name === 'InvalidArgumentError';
          if (name === 'TypeError' && refusedByClient) return;
          throw error;
        }
        sent++;
        const text = await response.text();
        const limit = route.path === '/metrics' ? MAX_SCRAPE : MAX_ANSWER;
        if (response.status >= 500 || text.length > limit) {
          failures.push(`${route.method} ${path.slice(0, 200)} -> ${response.status}, ${text.length} chars: ${text.slice(0, 300)}`);
        }
        if (response.status === 201 && route.writes && response.headers.get('idempotent-replayed') !== 'true') accepted++;
        expect(response.status).toBeLessThan(500);
        expect(text.length).toBeLessThanOrEqual(limit);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(RUNS / 2);
    expect(await countEvents(t)).toBe(eventsBefore + accepted);
  }, 120_000);
});
