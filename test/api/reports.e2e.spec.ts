import { startTestApp, TestApp } from '../support/test-app';

const source = (outlet: string, publishedAt: string, extra: Record<string, unknown> = {}) => ({ outlet, publishedAt, ...extra });

describe('reports', () => {
  let t: TestApp;
  let facebook: string;
  let completed: string;
  let announced: string;

  beforeAll(async () => {
    t = await startTestApp();
    const post = async (path: string, body: unknown, key = t.keys.editor) => {
      const res = await t.request('POST', path, { key, body });
      expect(res.status).toBe(201);
      return res.body;
    };
    facebook = (await post('/deals', { title: 'Facebook / Instagram, "the $1B deal"', kind: 'acquisition', parties: [{ name: 'Facebook', role: 'acquirer' }, { name: 'Instagram', role: 'target' }] })).id;
    announced = (
      await post(`/deals/${facebook}/claims`, {
        kind: 'deal_announced',
        statement: 'Facebook announced it would buy Instagram for about $1B.',
        occurredAt: '2012-04',
        amount: { value: '1000000000', currency: 'USD', qualifier: 'approximate' },
        sources: [source('The New York Times', '2012-04-09'), source('Reuters', '2012-04-09')],
      })
    ).claimId;
    completed = (
      await post(`/deals/${facebook}/claims`, {
        kind: 'deal_completed',
        statement: 'Facebook paid $715M at closing.',
        occurredAt: '2012-09',
        amount: { value: '715000000', currency: 'USD' },
        sources: [source('the new york times', '2012-12-17', { url: 'https://www.nytimes.com/2012/12/16/technology/instagram.html', title: 'Instagram testimony' })],
      })
    ).claimId;
    await post(`/claims/${completed}/verdicts`, { verdict: 'confirmed', rationale: 'Filings.' }, t.keys.fact_checker);
    await post(`/claims/${announced}/verdicts`, { verdict: 'disputed', rationale: 'The figure moved.' }, t.keys.fact_checker);
    const other = (await post('/deals', { title: 'Yahoo / Summly', kind: 'acquisition', parties: [{ name: 'Yahoo', role: 'acquirer' }] })).id;
    const wrong = (
      await post(`/deals/${other}/claims`, {
        kind: 'talks_reported',
        statement: 'Yahoo was in talks.',
        occurredAt: '2013-02',
        sources: [source('Reuters', '2013-02-01')],
      })
    ).claimId;
    await post(`/claims/${wrong}/retraction`, { reason: 'not sourced' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('counts claims per first-reporting outlet, whatever its spelling', async () => {
    const res = await t.request('GET', '/reports/outlets', { key: t.keys.reader });
    expect(res.status).toBe(200);
    const nyt = res.body.items.find((o: { outlet: string }) => o.outlet.toLowerCase() === 'the new york times');
    expect(nyt).toMatchObject({ claims: 2, confirmed: 1, disputed: 1, unreviewed: 0, retracted: 0, shareConfirmed: 0.5 });
    const reuters = res.body.items.find((o: { outlet: string }) => o.outlet === 'Reuters');
    expect(reuters).toMatchObject({ claims: 2, disputed: 1, retracted: 1, shareConfirmed: 0 });
    expect(res.body.nextCursor).toBeNull();
  });

  it('exports every deal as NDJSON and as CSV', async () => {
    const ndjson = await t.request('GET', '/reports/deals?format=ndjson', { key: t.keys.reader });
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get('content-type')).toContain('application/x-ndjson');
    const deals = ndjson.text.trim().split('\n').map((line) => JSON.parse(line));
    expect(deals.map((d) => d.title)).toEqual(['Facebook / Instagram, "the $1B deal"', 'Yahoo / Summly']);
    expect(deals[0]).toMatchObject({ status: 'completed', price: { value: '715000000' } });

    const csv = await t.request('GET', '/reports/deals?format=csv', { key: t.keys.reader });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0].split(',')).toContain('status');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('"Facebook / Instagram, ""the $1B deal"""');
    expect(lines[1]).toContain(',completed,2012-09,715000000,USD,exact,');

    const bad = await t.request('GET', '/reports/deals?format=xlsx', { key: t.keys.reader });
    expect(bad.status).toBe(400);
  });

  it('counts deals per status at a valid time', async () => {
    const now = await t.request('GET', '/reports/statuses', { key: t.keys.reader });
    expect(now.body.statuses).toMatchObject({ completed: 1, unknown: 1, announced: 0 });
    const may = await t.request('GET', '/reports/statuses?validAt=2012-05', { key: t.keys.reader });
    expect(may.body).toMatchObject({ validAt: '2012-05', statuses: { announced: 1, completed: 0, unknown: 1 } });
    const early = await t.request('GET', '/reports/statuses?validAt=2011', { key: t.keys.reader });
    expect(early.body.statuses).toMatchObject({ unknown: 2, announced: 0 });
    const bad = await t.request('GET', '/reports/statuses?validAt=May', { key: t.keys.reader });
    expect(bad.status).toBe(400);
  });

  it('refuses knownAt on the status counts rather than ignore it: they count the current projection', async () => {
    const res = await t.request('GET', '/reports/statuses?validAt=2012-05&knownAt=2012-06-01', { key: t.keys.reader });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'knownAt' })]);
  });

  it('publishes the latest verdict as a schema.org ClaimReview', async () => {
    const res = await t.request('GET', `/claims/${completed}/claim-review`, { key: t.keys.reader });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/ld+json');
    expect(res.body).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      claimReviewed: 'Facebook paid $715M at closing.',
      reviewRating: { '@type': 'Rating', ratingValue: 5, alternateName: 'Confirmed' },
      itemReviewed: {
        '@type': 'Claim',
        appearance: [expect.objectContaining({ url: 'https://www.nytimes.com/2012/12/16/technology/instagram.html' })],
      },
    });
    expect(res.body.url).toBe(`${t.url}/claims/${completed}/claim-review`);
    const none = await t.request('GET', `/deals/${facebook}`, { key: t.keys.reader });
    expect(none.status).toBe(200);
    const claims = await t.request('GET', `/claims?dealId=${facebook}`, { key: t.keys.reader });
    expect(claims.body.items).toHaveLength(2);
  });

  it('answers 404 for a claim without a verdict', async () => {
    const deal = await t.request('POST', '/deals', { key: t.keys.editor, body: { title: 'x', kind: 'other', parties: [{ name: 'A', role: 'other' }] } });
    const claim = await t.request('POST', `/deals/${deal.body.id}/claims`, {
      key: t.keys.editor,
      body: { kind: 'statement', statement: 's', occurredAt: '2020', sources: [source('A', '2020-01-01')] },
    });
    const res = await t.request('GET', `/claims/${claim.body.claimId}/claim-review`, { key: t.keys.reader });
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/no-verdict');
  });
});
