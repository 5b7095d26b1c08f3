import { startTestApp, TestApp } from '../support/test-app';

const source = { outlet: 'Reuters', publishedAt: '2021-04-07' };

describe('writes racing on one deal', () => {
  let t: TestApp;
  let dealId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const deal = await t.request('POST', '/deals', {
      key: t.keys.editor,
      body: { title: 'Race', kind: 'acquisition', parties: [{ name: 'A', role: 'acquirer' }] },
    });
    dealId = deal.body.id;
  });

  afterAll(async () => {
    await t.close();
  });

  const record = (statement: string) =>
    t.request('POST', `/deals/${dealId}/claims`, {
      key: t.keys.editor,
      body: { kind: 'statement', statement, occurredAt: '2021', sources: [source] },
    });

  it('retries verdicts, sources and retractions that lost a race to writes on other claims', async () => {
    const claims = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => record(`claim ${i}`)));
    const ids = claims.map((c) => c.body.claimId as string);
    const results = await Promise.all([
      ...ids.slice(0, 3).map((id) => t.request('POST', `/claims/${id}/verdicts`, { key: t.keys.fact_checker, body: { verdict: 'confirmed', rationale: 'ok' } })),
      ...ids.slice(3, 5).map((id) => t.request('POST', `/claims/${id}/sources`, { key: t.keys.editor, body: { source: { outlet: 'AFP', publishedAt: '2021-04-08' } } })),
      t.request('POST', `/claims/${ids[5]}/retraction`, { key: t.keys.editor, body: { reason: 'duplicate' } }),
      ...[7, 8, 9, 10].map((i) => record(`claim ${i}`)),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(results.length).fill(201));
    const versions = results.map((r) => r.body.version as number);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('refuses the loser of two corrections of the same claim instead of overwriting blindly', async () => {
    const claim = (await record('to be corrected')).body.claimId as string;
    const outcomes = await Promise.all(
      ['first wording', 'second wording', 'third wording', 'fourth wording'].map((statement) =>
        t.request('POST', `/claims/${claim}/corrections`, { key: t.keys.editor, body: { changes: { statement }, reason: 'race' } }),
      ),
    );
    const statuses = outcomes.map((o) => o.status).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    for (const loser of outcomes.filter((o) => o.status !== 201)) {
      expect(loser.status).toBe(409);
      expect(loser.body.type).toBe('/problems/concurrent-modification');
    }
    const view = await t.request('GET', `/claims/${claim}`, { key: t.keys.reader });
    const corrections = view.body.history.filter((e: { type: string }) => e.type === 'ClaimCorrected');
    expect(corrections).toHaveLength(outcomes.filter((o) => o.status === 201).length);
    expect(view.body.revision).toBe(1 + corrections.length);
  });
});
