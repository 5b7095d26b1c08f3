import { AGREEMENT_LEVELS, CLAIM_KINDS, CLAIM_VERDICT_STATES, DEAL_KINDS, DEAL_STATUSES, REGULATORY_OUTCOMES, VERDICTS } from '@app/newsroom';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The domain's vocabulary is what requests are validated against: building
 * the API (its OpenAPI document describes nullable enums) must leave those
 * lists as they are, and a claim of no kind stays a 400.
 */
describe('the vocabulary once the API is built', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('holds only the words of the contract, and a claim with a null kind or agreement level is refused', async () => {
    for (const list of [CLAIM_KINDS, DEAL_KINDS, DEAL_STATUSES, VERDICTS, CLAIM_VERDICT_STATES, AGREEMENT_LEVELS, REGULATORY_OUTCOMES]) {
      expect(list.every((word) => typeof word === 'string')).toBe(true);
    }
    expect((await t.request('GET', '/docs-json', { key: null })).status).toBe(200);
    expect(CLAIM_KINDS.every((word) => typeof word === 'string')).toBe(true);

    const deal = await t.request('POST', '/deals', {
      key: t.keys.editor,
      body: { title: 'Twitter / Clubhouse', kind: 'acquisition', parties: [{ name: 'Twitter', role: 'bidder' }] },
    });
    expect(deal.status).toBe(201);
    const claim = (kind: unknown) => ({
      kind,
      statement: 'Twitter offered about $4B for Clubhouse.',
      occurredAt: '2021-04',
      sources: [{ outlet: 'Bloomberg', publishedAt: '2021-04-07' }],
    });
    const refused = await t.request('POST', `/deals/${deal.body.id}/claims`, { key: t.keys.editor, body: claim(null) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'kind' })]);
    const agreement = await t.request('POST', `/deals/${deal.body.id}/claims`, {
      key: t.keys.editor,
      body: { ...claim('agreement_reached'), agreementLevel: null },
    });
    expect(agreement.status).toBe(400);
  });
});
