import { startTestApp, TestApp } from '../support/test-app';

/**
 * The schema.org properties each type may carry here (Thing, CreativeWork and
 * Review properties as schema.org defines them): the review publishes nothing else.
 */
const THING = ['@type', 'name', 'identifier', 'url', 'description'];
const CREATIVE_WORK = [...THING, 'author', 'datePublished', 'headline', 'publisher', 'inLanguage', 'appearance', 'firstAppearance'];
const SCHEMA_ORG_PROPERTIES: Record<string, string[]> = {
  ClaimReview: ['@context', ...CREATIVE_WORK, 'claimReviewed', 'reviewBody', 'reviewRating', 'itemReviewed'],
  Claim: CREATIVE_WORK,
  CreativeWork: CREATIVE_WORK,
  Organization: THING,
  Rating: ['@type', 'ratingValue', 'bestRating', 'worstRating', 'alternateName'],
};

/** Every object of the document uses only the properties of its @type; returns the offending paths. */
function nonSchemaOrg(node: unknown, path = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => nonSchemaOrg(item, `${path}[${i}]`));
  if (typeof node !== 'object' || node === null) return [];
  const object = node as Record<string, unknown>;
  const allowed = SCHEMA_ORG_PROPERTIES[String(object['@type'])];
  if (!allowed) return [`${path}: @type ${String(object['@type'])}`];
  return Object.entries(object).flatMap(([key, value]) =>
    allowed.includes(key) ? nonSchemaOrg(value, `${path}.${key}`) : [`${path}.${key}`],
  );
}

/** What Google's fact-check markup requires of a ClaimReview (and recommends for its Claim). */
function expectFactCheckMarkup(review: Record<string, any>): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(review['@context']).toBe('https://schema.org');
  expect(review['@type']).toBe('ClaimReview');
  expect(typeof review.claimReviewed).toBe('string');
  expect(review.claimReviewed.length).toBeGreaterThan(0);
  expect(new URL(review.url).protocol).toMatch(/^https?:$/);
  expect(review.author).toMatchObject({ '@type': 'Organization', name: expect.any(String) });
  expect(Number.isNaN(Date.parse(review.datePublished))).toBe(false);
  expect(review.reviewRating).toMatchObject({ '@type': 'Rating', alternateName: expect.any(String) });
  if (review.reviewRating.ratingValue !== undefined) {
    expect(review.reviewRating.ratingValue).toBeGreaterThanOrEqual(review.reviewRating.worstRating);
    expect(review.reviewRating.ratingValue).toBeLessThanOrEqual(review.reviewRating.bestRating);
  }
  expect(review.itemReviewed['@type']).toBe('Claim');
  expect(review.itemReviewed.author).toMatchObject({ '@type': 'Organization', name: expect.any(String) });
  expect(review.itemReviewed.appearance.length).toBeGreaterThan(0);
  expect(Number.isNaN(Date.parse(review.itemReviewed.datePublished))).toBe(false);
  expect(nonSchemaOrg(review)).toEqual([]);
}

describe('GET /claims/{id}/claim-review (schema.org ClaimReview for fact-check publishers)', () => {
  let t: TestApp;
  let dealId: string;

  beforeAll(async () => {
    t = await startTestApp({ NEWSROOM_NAME: 'Desk of the test newsroom' });
    const deal = await t.request('POST', '/deals', {
      key: t.keys.editor,
      body: { title: 'Twitter / Clubhouse', kind: 'acquisition', parties: [{ name: 'Twitter', role: 'bidder' }, { name: 'Clubhouse', role: 'target' }] },
    });
    dealId = deal.body.id;
  });

  afterAll(async () => {
    await t.close();
  });

  const recordClaim = async () => {
    const res = await t.request('POST', `/deals/${dealId}/claims`, {
      key: t.keys.editor,
      body: {
        kind: 'talks_reported',
        statement: 'Twitter discussed buying Clubhouse for about $4 billion.',
        occurredAt: '2021',
        amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
        sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-07', via: [{ outlet: 'The Verge' }] }],
      },
    });
    expect(res.status).toBe(201);
    return res.body.claimId as string;
  };
  const judge = async (claimId: string, verdict: string) =>
    expect((await t.request('POST', `/claims/${claimId}/verdicts`, { key: t.keys.fact_checker, body: { verdict, rationale: 'Checked.' } })).status).toBe(201);
  const review = (claimId: string) => t.request('GET', `/claims/${claimId}/claim-review`, { key: t.keys.reader });

  it.each([
    ['confirmed', 'Confirmed'],
    ['disputed', 'Disputed'],
    ['false', 'False'],
    ['unverifiable', 'Unverifiable'],
  ])('publishes a %s verdict with the properties Google requires, and only schema.org ones', async (verdict, name) => {
    const claimId = await recordClaim();
    await judge(claimId, verdict);
    const res = await review(claimId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/ld+json');
    expectFactCheckMarkup(res.body);
    expect(res.body).toMatchObject({
      url: `${t.url}/claims/${claimId}/claim-review`,
      claimReviewed: 'Twitter discussed buying Clubhouse for about $4 billion.',
      author: { name: 'Desk of the test newsroom' },
      reviewRating: { alternateName: name },
      itemReviewed: { author: { name: 'Bloomberg' }, datePublished: '2021-04-07' },
    });
  });

  it('publishes no review of a verdict a correction made outdated, until the claim is judged again', async () => {
    const claimId = await recordClaim();
    await judge(claimId, 'confirmed');
    expect((await review(claimId)).status).toBe(200);
    const corrected = await t.request('POST', `/claims/${claimId}/corrections`, {
      key: t.keys.editor,
      body: { changes: { statement: 'Twitter discussed buying Clubhouse for about $4 billion, per Bloomberg.' }, reason: 'attribution' },
    });
    expect(corrected.status).toBe(201);
    const outdated = await review(claimId);
    expect(outdated.status).toBe(404);
    expect(outdated.headers.get('content-type')).toContain('application/problem+json');
    expect(outdated.body.type).toBe('/problems/verdict-outdated');
    await judge(claimId, 'disputed');
    const again = await review(claimId);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      claimReviewed: 'Twitter discussed buying Clubhouse for about $4 billion, per Bloomberg.',
      reviewRating: { alternateName: 'Disputed' },
    });
  });

  it('publishes no review of a retracted claim', async () => {
    const claimId = await recordClaim();
    await judge(claimId, 'confirmed');
    const retracted = await t.request('POST', `/claims/${claimId}/retraction`, { key: t.keys.editor, body: { reason: 'wrong deal' } });
    expect(retracted.status).toBe(201);
    const res = await review(claimId);
    expect(res.status).toBe(404);
    expect(res.body.type).toBe('/problems/claim-retracted');
  });
});

describe('ClaimReview url with PUBLIC_URL set', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: 'https://facts.example.org/api' });
  });

  afterAll(async () => {
    await t.close();
  });

  it('links the review under the public URL', async () => {
    const deal = await t.request('POST', '/deals', { key: t.keys.editor, body: { title: 'x', kind: 'other', parties: [{ name: 'A', role: 'other' }] } });
    const claim = await t.request('POST', `/deals/${deal.body.id}/claims`, {
      key: t.keys.editor,
      body: { kind: 'statement', statement: 's', occurredAt: '2020', sources: [{ outlet: 'A', publishedAt: '2020-01-01' }] },
    });
    await t.request('POST', `/claims/${claim.body.claimId}/verdicts`, { key: t.keys.fact_checker, body: { verdict: 'confirmed', rationale: 'r' } });
    const res = await t.request('GET', `/claims/${claim.body.claimId}/claim-review`, { key: t.keys.reader });
    expect(res.status).toBe(200);
    expect(res.body.url).toBe(`https://facts.example.org/api/claims/${claim.body.claimId}/claim-review`);
  });
});
