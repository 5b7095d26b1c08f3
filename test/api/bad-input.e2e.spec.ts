import { startTestApp, TestApp } from '../support/test-app';
import {
  countEvents,
  dataSource,
  expectProblem,
  fieldsOf,
  openDeal,
  recordClaim,
  streamEvents,
  validClaim,
  validDeal,
  validSource,
  validVerdict,
} from './api-fixtures';

interface Fixture {
  dealId: string;
  claimId: string;
}

type Target = 'deals' | 'claims' | 'verdicts' | 'corrections';

interface BadInput {
  name: string;
  target: Target;
  /** A JSON body, or a raw one with its own headers. */
  send: () => { body?: unknown; rawBody?: string; headers?: Record<string, string> };
  status: number;
  /** The field `errors` must name; undefined when the whole body is at fault. */
  field?: string;
  /** Problem types accepted; any /problems/... when left out. */
  codes?: string[];
}

const json = { 'content-type': 'application/json' };
const claimWith = (overrides: Record<string, unknown>) => () => ({ body: validClaim(overrides) });
const amountOf = (amount: Record<string, unknown>) => claimWith({ amount: { value: '4000000000', currency: 'USD', ...amount } });
const sourceWith = (source: Record<string, unknown>) => claimWith({ sources: [source] });
const withoutField = (field: string) => () => {
  const body: Record<string, unknown> = validClaim();
  delete body[field];
  return { body };
};
const THREE_MB = 3 * 1024 * 1024;
const VALIDATION = ['validation-failed'];
const KIND_RULE = ['invalid-claim', 'validation-failed'];

const BAD_INPUTS: BadInput[] = [
  // money
  { name: 'a negative amount', target: 'claims', send: amountOf({ value: '-4000000000' }), status: 400, field: 'amount.value', codes: VALIDATION },
  { name: 'a float amount (JSON number 4.5)', target: 'claims', send: amountOf({ value: 4.5 }), status: 400, field: 'amount.value', codes: VALIDATION },
  { name: 'an amount in exponent notation ("4e9")', target: 'claims', send: amountOf({ value: '4e9' }), status: 400, field: 'amount.value', codes: VALIDATION },
  { name: 'an unknown currency', target: 'claims', send: amountOf({ currency: 'XYZ' }), status: 400, field: 'amount.currency', codes: VALIDATION },
  { name: 'an unknown money qualifier', target: 'claims', send: amountOf({ qualifier: 'roughly' }), status: 400, field: 'amount.qualifier', codes: VALIDATION },
  // partial dates
  { name: 'month 13 (2021-13)', target: 'claims', send: claimWith({ occurredAt: '2021-13' }), status: 400, field: 'occurredAt', codes: VALIDATION },
  { name: 'February 30 (2021-02-30)', target: 'claims', send: claimWith({ occurredAt: '2021-02-30' }), status: 400, field: 'occurredAt', codes: VALIDATION },
  { name: 'a free-text date ("March 2012")', target: 'claims', send: claimWith({ occurredAt: 'March 2012' }), status: 400, field: 'occurredAt', codes: VALIDATION },
  { name: 'a fifth quarter (2021-Q5)', target: 'claims', send: claimWith({ occurredAt: '2021-Q5' }), status: 400, field: 'occurredAt', codes: VALIDATION },
  // kinds
  { name: 'an unknown claim kind', target: 'claims', send: claimWith({ kind: 'merger_rumour' }), status: 400, field: 'kind', codes: VALIDATION },
  // sources
  { name: 'no sources (an empty array)', target: 'claims', send: claimWith({ sources: [] }), status: 400, field: 'sources', codes: ['validation-failed', 'invalid-claim'] },
  { name: 'missing sources', target: 'claims', send: withoutField('sources'), status: 400, field: 'sources', codes: VALIDATION },
  { name: 'a source without outlet', target: 'claims', send: sourceWith({ publishedAt: '2021-04-07' }), status: 400, field: 'sources[0].outlet', codes: VALIDATION },
  { name: 'a source with a non-http url', target: 'claims', send: sourceWith(validSource({ url: 'ftp://example.com/story' })), status: 400, field: 'sources[0].url', codes: VALIDATION },
  { name: 'a source with a javascript: url', target: 'claims', send: sourceWith(validSource({ url: 'javascript:alert(1)' })), status: 400, field: 'sources[0].url', codes: VALIDATION },
  { name: 'a source without publishedAt', target: 'claims', send: sourceWith({ outlet: 'Bloomberg' }), status: 400, field: 'sources[0].publishedAt', codes: VALIDATION },
  // unknown fields
  { name: 'an unknown field at top level', target: 'claims', send: claimWith({ confidence: 0.9 }), status: 400, field: 'confidence', codes: VALIDATION },
  { name: 'an unknown field inside a source', target: 'claims', send: sourceWith(validSource({ paywalled: true })), status: 400, field: 'sources[0].paywalled', codes: VALIDATION },
  // kind-specific rules (DESIGN 2.1)
  { name: 'agreement_reached without agreementLevel', target: 'claims', send: claimWith({ kind: 'agreement_reached' }), status: 400, field: 'agreementLevel', codes: KIND_RULE },
  { name: 'denial without contradicts', target: 'claims', send: claimWith({ kind: 'denial', amount: undefined }), status: 400, field: 'contradicts', codes: KIND_RULE },
  { name: 'valuation_reported without party', target: 'claims', send: claimWith({ kind: 'valuation_reported' }), status: 400, field: 'party', codes: KIND_RULE },
  { name: 'regulatory_action without regulatoryOutcome', target: 'claims', send: claimWith({ kind: 'regulatory_action', amount: undefined }), status: 400, field: 'regulatoryOutcome', codes: KIND_RULE },
  // bodies that are not a claim at all
  { name: 'an array body', target: 'claims', send: () => ({ body: [validClaim()] }), status: 400, codes: VALIDATION },
  { name: 'broken JSON', target: 'claims', send: () => ({ rawBody: '{"kind": "offer_made", ', headers: json }), status: 400, codes: ['invalid-json'] },
  { name: 'an empty JSON body', target: 'claims', send: () => ({ rawBody: '', headers: json }), status: 400, codes: ['invalid-json', 'validation-failed'] },
  { name: 'a 3 MB body', target: 'claims', send: () => ({ rawBody: JSON.stringify(validClaim({ statement: 'x'.repeat(THREE_MB) })), headers: json }), status: 413, codes: ['content-too-large'] },
  { name: 'a text/plain body', target: 'claims', send: () => ({ rawBody: JSON.stringify(validClaim()), headers: { 'content-type': 'text/plain' } }), status: 415, codes: ['unsupported-media-type'] },
  // POST /deals
  { name: 'an unknown deal kind', target: 'deals', send: () => ({ body: { ...validDeal(), kind: 'takeover' } }), status: 400, field: 'kind', codes: VALIDATION },
  { name: 'no parties', target: 'deals', send: () => ({ body: { ...validDeal(), parties: [] } }), status: 400, field: 'parties', codes: VALIDATION },
  { name: 'a party with an unknown role', target: 'deals', send: () => ({ body: { ...validDeal(), parties: [{ name: 'Twitter', role: 'owner' }] } }), status: 400, field: 'parties[0].role', codes: VALIDATION },
  { name: 'an unknown field at top level', target: 'deals', send: () => ({ body: { ...validDeal(), status: 'agreed' } }), status: 400, field: 'status', codes: VALIDATION },
  { name: 'an array body', target: 'deals', send: () => ({ body: [validDeal()] }), status: 400, codes: VALIDATION },
  { name: 'broken JSON', target: 'deals', send: () => ({ rawBody: '{"title": ', headers: json }), status: 400, codes: ['invalid-json'] },
  { name: 'a 3 MB body', target: 'deals', send: () => ({ rawBody: JSON.stringify(validDeal('x'.repeat(THREE_MB))), headers: json }), status: 413, codes: ['content-too-large'] },
  { name: 'a text/plain body', target: 'deals', send: () => ({ rawBody: JSON.stringify(validDeal()), headers: { 'content-type': 'text/plain' } }), status: 415, codes: ['unsupported-media-type'] },
  // verdicts and corrections
  { name: 'an unknown verdict value', target: 'verdicts', send: () => ({ body: validVerdict({ verdict: 'mostly_true' }) }), status: 400, field: 'verdict', codes: VALIDATION },
  { name: 'a verdict without rationale', target: 'verdicts', send: () => ({ body: { verdict: 'confirmed' } }), status: 400, field: 'rationale', codes: VALIDATION },
  { name: 'empty changes', target: 'corrections', send: () => ({ body: { changes: {}, reason: 'nothing really' } }), status: 400, field: 'changes', codes: ['nothing-to-correct', 'validation-failed'] },
  { name: 'a change to a field that cannot be corrected', target: 'corrections', send: () => ({ body: { changes: { sources: [] }, reason: 'x' } }), status: 400, field: 'changes.sources', codes: VALIDATION },
  { name: 'a change to an impossible date', target: 'corrections', send: () => ({ body: { changes: { occurredAt: '2021-02-30' }, reason: 'x' } }), status: 400, field: 'changes.occurredAt', codes: VALIDATION },
];

const KEY_OF: Record<Target, 'editor' | 'fact_checker'> = { deals: 'editor', claims: 'editor', verdicts: 'fact_checker', corrections: 'editor' };

const pathOf = (target: Target, fx: Fixture): string =>
  ({
    deals: '/deals',
    claims: `/deals/${fx.dealId}/claims`,
    verdicts: `/claims/${fx.claimId}/verdicts`,
    corrections: `/claims/${fx.claimId}/corrections`,
  })[target];

describe('bad input is a problem+json 4xx that writes nothing', () => {
  let t: TestApp;
  let fx: Fixture;

  beforeAll(async () => {
    t = await startTestApp();
    const dealId = await openDeal(t, t.keys.editor);
    fx = { dealId, claimId: await recordClaim(t, t.keys.editor, dealId) };
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each(BAD_INPUTS.map((input) => [`POST ${input.target === 'deals' ? '/deals' : input.target === 'claims' ? '/deals/{id}/claims' : `/claims/{id}/${input.target}`}`, input.name, input] as const))(
    '%s: %s',
    async (_, __, input) => {
      const before = await countEvents(t);
      const res = await t.request('POST', pathOf(input.target, fx), { key: t.keys[KEY_OF[input.target]], ...input.send() });
      expectProblem(res, input.status);
      if (input.codes) {
        expect({ type: res.body.type }).toEqual({ type: expect.stringMatching(new RegExp(`^/problems/(${input.codes.join('|')})$`)) });
      }
      if (input.field !== undefined) expect({ fields: fieldsOf(res) }).toEqual({ fields: expect.arrayContaining([input.field]) });
      expect(await countEvents(t)).toBe(before);
    },
  );

  it('records SQL text in a field as text (or refuses it), never a 500, and es_events is still there', async () => {
    const statement = "'); drop table es_events; --";
    const before = await countEvents(t);
    const res = await t.request('POST', `/deals/${fx.dealId}/claims`, {
      key: t.keys.editor,
      body: validClaim({ statement, sources: [validSource({ outlet: "Robert'); DROP TABLE es_streams;--" })] }),
    });
    expect(res.status).toBeLessThan(500);
    const [exists] = await dataSource(t).query(`select to_regclass('public.es_events') is not null as events, to_regclass('public.es_streams') is not null as streams`);
    expect(exists).toEqual({ events: true, streams: true });
    // this API accepts it as plain text: the statement is stored verbatim
    expect(res.status).toBe(201);
    expect(await countEvents(t)).toBe(before + 1);
    const events = await streamEvents(t, fx.dealId);
    expect(events[events.length - 1].data).toMatchObject({ claimId: res.body.claimId, statement });
  });

  it.each([
    ['a free-text validAt', (fx: Fixture) => `/deals/${fx.dealId}?validAt=May`, 'validAt'],
    ['a validAt of month 13', (fx: Fixture) => `/deals/${fx.dealId}?validAt=2012-13`, 'validAt'],
    ['a knownAt that is no date', (fx: Fixture) => `/deals/${fx.dealId}?knownAt=yesterday`, 'knownAt'],
    ['an unknown query parameter', (fx: Fixture) => `/deals/${fx.dealId}?colour=blue`, 'colour'],
    ['an unknown timeline axis', (fx: Fixture) => `/deals/${fx.dealId}/timeline?axis=sideways`, 'axis'],
    ['an unknown deal kind filter', () => '/deals?kind=takeover', 'kind'],
    ['an unknown status filter', () => '/deals?status=sold', 'status'],
    ['an unknown verdict filter', () => '/claims?verdict=maybe', 'verdict'],
    ['a dealId filter that is no uuid', () => '/claims?dealId=42', 'dealId'],
    ['a limit of 0', () => '/claims?limit=0', 'limit'],
    ['a limit past 500', (fx: Fixture) => `/deals/${fx.dealId}/claims?limit=501`, 'limit'],
    ['a cursor this API never gave', (fx: Fixture) => `/audit/deals/${fx.dealId}?cursor=bm9wZQ`, 'cursor'],
  ])('GET with %s is a 400 naming the parameter', async (_, path, field) => {
    const res = await t.request('GET', path(fx), { key: t.keys.reader });
    expectProblem(res, 400);
    expect(fieldsOf(res)).toContain(field);
  });

  it('answers a body whose JSON nests deeply with a 4xx, not a 500', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const res = await t.request('POST', `/deals/${fx.dealId}/claims`, { key: t.keys.editor, rawBody: deep, headers: json });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});
