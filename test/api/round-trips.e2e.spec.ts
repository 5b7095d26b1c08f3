import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A command costs two round trips to PostgreSQL: one reads the deal's
 * projection and reserves the event's place, one appends the event with the
 * projection's rows. Counted here at the data source, over HTTP, once the
 * acting key is known to the process.
 */
describe('round trips to PostgreSQL per write', () => {
  let t: TestApp;
  let statements: string[];

  beforeAll(async () => {
    t = await startTestApp();
    statements = [];
    const counter: EntitySubscriberInterface = { beforeQuery: (event) => void statements.push(event.query) };
    t.app.get(DataSource).subscribers.push(counter);
  });

  afterAll(async () => {
    await t.close();
  });

  const counted = async (method: string, path: string, key: string, body: unknown, headers: Record<string, string> = {}) => {
    statements.length = 0;
    const res = await t.request(method, path, { key, body, headers });
    expect(res.status).toBe(201);
    return { body: res.body, statements: [...statements] };
  };

  it('is two for opening a deal, recording a claim, adding a source, a verdict, a correction and a retraction', async () => {
    const source = { outlet: 'Bloomberg', publishedAt: '2021-04-07', via: [{ outlet: 'The Verge' }] };
    // each key's first request looks the key up; the counts below are of requests after that
    for (const key of [t.keys.editor, t.keys.fact_checker]) expect((await t.request('GET', '/deals', { key })).status).toBe(200);

    const opened = await counted('POST', '/deals', t.keys.editor, {
      title: 'Twitter / Clubhouse',
      kind: 'acquisition',
      parties: [{ name: 'Twitter', role: 'bidder' }, { name: 'Clubhouse', role: 'target' }],
    });
    expect(opened.statements).toHaveLength(2);
    const dealId = opened.body.id as string;
    const claim = {
      kind: 'offer_made',
      statement: 'Twitter offered about $4B for Clubhouse.',
      occurredAt: '2021-04',
      amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
      sources: [source],
    };
    const recorded = await counted('POST', `/deals/${dealId}/claims`, t.keys.editor, claim);
    expect(recorded.statements).toHaveLength(2);
    const claimId = recorded.body.claimId as string;
    // with an Idempotency-Key too: the key is checked in the same two statements
    const keyed = await counted('POST', `/deals/${dealId}/claims`, t.keys.editor, claim, { 'idempotency-key': 'clubhouse-offer' });
    expect(keyed.statements).toHaveLength(2);

    const writes: [string, string, unknown][] = [
      [`/claims/${claimId}/sources`, t.keys.editor, { source: { outlet: 'Reuters', publishedAt: '2021-04-08' } }],
      [`/claims/${claimId}/verdicts`, t.keys.fact_checker, { verdict: 'disputed', rationale: 'Clubhouse denied it.' }],
      [`/claims/${claimId}/corrections`, t.keys.editor, { changes: { statement: 'Twitter offered $4B for Clubhouse.' }, reason: 'Exact figure.' }],
      [`/claims/${claimId}/retraction`, t.keys.editor, { reason: 'The outlet withdrew it.' }],
    ];
    for (const [path, key, body] of writes) expect({ path, statements: (await counted('POST', path, key, body)).statements.length }).toEqual({ path, statements: 2 });
  });
});
