import { DataSource } from 'typeorm';
import { DealProjectionRebuilder } from '@app/newsroom';
import { dumpReadModels } from '../support/read-models';
import { startTestApp, TestApp } from '../support/test-app';

const source = (outlet: string, day: number) => ({ outlet, publishedAt: `2021-04-${String(day).padStart(2, '0')}` });
const FAR_FUTURE = encodeURIComponent('2999-01-01T00:00:00Z');

describe('rebuilding the deal read models', () => {
  let t: TestApp;
  let dataSource: DataSource;
  const deals: string[] = [];

  const post = async (path: string, body: unknown, key: string) => {
    const res = await t.request('POST', path, { key, body });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    const kinds = ['talks_reported', 'offer_made', 'agreement_reached', 'deal_announced', 'deal_completed', 'statement'];
    for (let d = 0; d < 4; d++) {
      const deal = (await post('/deals', { title: `Deal ${d}`, kind: 'acquisition', parties: [{ name: `Buyer ${d}`, role: 'acquirer' }, { name: `Target ${d}`, role: 'target' }] }, t.keys.editor)).id;
      deals.push(deal);
      const claims: string[] = [];
      for (let i = 0; i < 8; i++) {
        const kind = kinds[(i + d) % kinds.length];
        const body: Record<string, unknown> = {
          kind,
          statement: `claim ${i} of deal ${d}`,
          occurredAt: `2021-${String(1 + (i % 12)).padStart(2, '0')}`,
          sources: [source(i % 2 ? 'Bloomberg' : 'Reuters', 1 + i)],
        };
        if (kind === 'agreement_reached') body.agreementLevel = 'verbal';
        if (kind !== 'statement') body.amount = { value: String(1000 + i * 10 + d), currency: 'USD', qualifier: i % 3 ? 'exact' : 'approximate' };
        claims.push((await post(`/deals/${deal}/claims`, body, t.keys.editor)).claimId);
      }
      await post(`/deals/${deal}/claims`, { kind: 'denial', contradicts: claims[0], statement: 'denied', occurredAt: '2021-06', sources: [source('AFP', 9)] }, t.keys.editor);
      await post(`/claims/${claims[1]}/verdicts`, { verdict: 'false', rationale: 'no' }, t.keys.fact_checker);
      await post(`/claims/${claims[2]}/verdicts`, { verdict: 'disputed', rationale: 'maybe' }, t.keys.fact_checker);
      await post(`/claims/${claims[3]}/corrections`, { changes: { occurredAt: '2021-11' }, reason: 'date' }, t.keys.editor);
      await post(`/claims/${claims[4]}/retraction`, { reason: 'wrong' }, t.keys.editor);
      await post(`/claims/${claims[5]}/sources`, { source: source('The Verge', 20) }, t.keys.editor);
    }
  });

  afterAll(async () => {
    await t.close();
  });

  const dump = () => dumpReadModels(dataSource);

  it('replays the log into exactly the rows the inline projection wrote', async () => {
    const before = await dump();
    expect(before.deals).toHaveLength(4);
    const result = await t.app.get(DealProjectionRebuilder).rebuild();
    expect(result.deals).toBe(4);
    expect(await dump()).toEqual(before);
  });

  it('keeps every write made while it runs, and serves throughout', async () => {
    const rebuilding = t.app.get(DealProjectionRebuilder).rebuild();
    const writes = Promise.all(
      deals.flatMap((deal, d) =>
        [0, 1, 2].map((i) =>
          t.request('POST', `/deals/${deal}/claims`, {
            key: t.keys.editor,
            body: { kind: 'statement', statement: `during rebuild ${d}.${i}`, occurredAt: '2022', sources: [source('Reuters', 1)] },
          }),
        ),
      ),
    );
    const reads = Promise.all(deals.map((deal) => t.request('GET', `/deals/${deal}`, { key: t.keys.reader })));
    const [written, read] = await Promise.all([writes, reads, rebuilding]);
    expect(written.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(read.map((r) => r.status)).toEqual(Array(4).fill(200));

    const lag = await dataSource.query(
      `select s.stream_id from es_streams s left join deals d on 'deal-' || d.deal_id = s.stream_id
        where s.stream_id like 'deal-%' and s.version is distinct from d.version`,
    );
    expect(lag).toEqual([]);
    for (const deal of deals) {
      const projected = await t.request('GET', `/deals/${deal}`, { key: t.keys.reader });
      const folded = await t.request('GET', `/deals/${deal}?knownAt=${FAR_FUTURE}`, { key: t.keys.reader });
      expect({ ...projected.body, asOf: null }).toEqual({ ...folded.body, asOf: null });
      const timeline = await t.request('GET', `/deals/${deal}/timeline?axis=recorded`, { key: t.keys.reader });
      expect(timeline.body.entries.map((e: { version: number }) => e.version)).toEqual(
        Array.from({ length: projected.body.version }, (_, i) => i + 1),
      );
    }
  });
});
