import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKeyService } from '@app/access';
import { demoDataPath, NdjsonImporter } from '@app/newsroom';
import { startTestApp, TestApp } from '../support/test-app';

interface Source {
  outlet: string;
  url?: string;
  title?: string;
  author?: string;
  publishedAt: string;
  quote?: string;
  via?: { outlet: string; url?: string; publishedAt?: string }[];
}

interface Line {
  op: string;
  ref?: string;
  body: {
    kind?: string;
    agreementLevel?: string;
    statement?: string;
    amount?: { qualifier?: string };
    sources?: Source[];
    source?: Source;
    evidence?: Source[];
  };
}

const lines: Line[] = readFileSync(demoDataPath(), 'utf8')
  .split('\n')
  .filter((text) => text.trim() !== '')
  .map((text) => JSON.parse(text));
const sources = lines.flatMap((line) => [...(line.body.sources ?? []), ...(line.body.source ? [line.body.source] : []), ...(line.body.evidence ?? [])]);
const sourcesDoc = readFileSync(join(process.cwd(), 'docs/demo-sources.md'), 'utf8');

/** The outlets the seed articles name, and their own sites, which they do not name. */
const NAMED_BY_THE_SEEDS = ['Bloomberg', 'The Verge', 'TechCrunch', 'The New York Times', 'Sphere (blog)'];
const UNKNOWN_SITES = ['unknown French site (seed 000)', 'unknown French site (seed 001)', 'unknown French site (seed 004)'];

describe('the demo data says only what the seed articles say', () => {
  it('names only outlets the articles name, and their own sites as unknown', () => {
    const outlets = new Set(sources.flatMap((s) => [s.outlet, ...(s.via ?? []).map((v) => v.outlet)]));
    expect([...outlets].filter((outlet) => !NAMED_BY_THE_SEEDS.includes(outlet) && !UNKNOWN_SITES.includes(outlet))).toEqual([]);
    // every chain reaches us through the site that published the article: the nearest relay, or the source itself
    for (const source of sources) {
      const nearest = source.via?.length ? source.via[0].outlet : source.outlet;
      expect([source.outlet, nearest]).toEqual([source.outlet, expect.stringMatching(/^unknown French site \(seed \d{3}\)$/)]);
    }
  });

  it('gives no URL, author, or title the articles do not print', () => {
    expect(sources.filter((s) => s.url !== undefined || (s.via ?? []).some((v) => v.url !== undefined))).toEqual([]);
    expect(sources.filter((s) => s.author !== undefined)).toEqual([]);
    expect(new Set(sources.filter((s) => s.title !== undefined).map((s) => s.title))).toEqual(new Set(['Instagram a failli passer chez Twitter']));
  });

  it('gives each story one date', () => {
    const dates = new Map<string, Set<string>>();
    for (const source of sources) dates.set(source.outlet, (dates.get(source.outlet) ?? new Set()).add(source.publishedAt));
    const stories = [...dates].filter(([, days]) => days.size > 1).map(([outlet, days]) => `${outlet}: ${[...days].join(', ')}`);
    expect(stories).toEqual([]);
  });

  it('records the term sheet as an offer and the flat "4 milliards" as exact', () => {
    expect(lines.filter((line) => line.body.agreementLevel === 'term_sheet')).toEqual([]);
    const termSheet = lines.find((line) => line.ref === 'ti-term-sheet')!;
    expect(termSheet.body.kind).toBe('offer_made');
    expect(lines.filter((line) => line.body.amount?.qualifier === 'approximate').map((line) => line.ref)).toEqual([]);
  });

  it('quotes every claim in the articles’ words, each quote shown in docs/demo-sources.md', () => {
    const claims = lines.filter((line) => line.op === 'record_claim');
    expect(claims.length).toBeGreaterThan(0);
    for (const claim of claims) for (const source of claim.body.sources!) expect([claim.ref, sourcesDoc.includes(source.quote ?? '<no quote>')]).toEqual([claim.ref, true]);
    for (const claim of claims) expect(sourcesDoc).toContain(`\`${claim.ref}\``);
  });
});

describe('the deals the demo data gives', () => {
  let t: TestApp;
  const deals = new Map<string, any>(); // eslint-disable-line @typescript-eslint/no-explicit-any

  beforeAll(async () => {
    t = await startTestApp();
    const service = t.app.get(ApiKeyService);
    const actor = async (key: string) => {
      const found = (await service.authenticate(key))!;
      return { keyId: found.keyId, roles: found.roles };
    };
    const report = await t.app
      .get(NdjsonImporter)
      .importFile(demoDataPath(), { actors: { editor: await actor(t.keys.editor), fact_checker: await actor(t.keys.fact_checker) } });
    for (const [ref, id] of Object.entries(report.ids)) {
      const res = await t.request('GET', `/deals/${id}`, { key: t.keys.reader });
      if (res.status === 200) deals.set(ref, res.body);
    }
  });

  afterAll(async () => {
    await t.close();
  });

  it('Twitter / Clubhouse: an offer of exactly $4 billion, talks ended, Clubhouse valued at $4 billion', () => {
    const deal = deals.get('twitter-clubhouse');
    expect(deal.status).toBe('talks_ended');
    expect(deal.offers).toEqual([expect.objectContaining({ kind: 'offer_made', value: '4000000000', currency: 'USD', qualifier: 'exact', party: 'Twitter' })]);
    expect(deal.valuations).toEqual([expect.objectContaining({ party: 'Clubhouse', value: '4000000000', qualifier: 'exact' })]);
    expect(deal.funding).toEqual([]);
    expect(deal.claimCounts).toMatchObject({ total: 6, retracted: 1, unverifiable: 1 });
  });

  it('Twitter / Instagram: the term sheet an offer, the sworn denial against it, a disputed verbal agreement', () => {
    const deal = deals.get('twitter-instagram');
    expect(deal.status).toBe('talks_ended');
    expect(deal.statusSince).toBe('2012-Q2');
    expect(deal.offers).toEqual([]);
    expect(deal.price).toMatchObject({ value: '525000000', kind: 'agreement_reached' });
    expect(deal.conflicts).toEqual([expect.objectContaining({ reason: 'denial' })]);
    expect(deal.claimCounts).toMatchObject({ total: 6, disputed: 1 });
  });

  it('Facebook / Instagram: an offer of a little over $1 billion, completed at $715 million', () => {
    const deal = deals.get('facebook-instagram');
    expect(deal).toMatchObject({ status: 'completed', statusSince: '2012-09', price: expect.objectContaining({ value: '715000000', currency: 'USD' }) });
    expect(deal.offers).toEqual([expect.objectContaining({ party: 'Facebook', value: '1000000000', qualifier: 'at_least', occurredAt: '2012-Q2' })]);
    expect(deal.claimCounts).toMatchObject({ total: 2, confirmed: 2 });
  });

  it('Twitter / Sphere and Yahoo / Summly: completed, with no price the articles do not give', () => {
    expect(deals.get('twitter-sphere')).toMatchObject({ status: 'completed', statusSince: '2021-10', price: null });
    expect(deals.get('twitter-sphere').funding).toEqual([
      expect.objectContaining({ party: 'Sphere', rounds: [expect.objectContaining({ amount: { value: '30000000', currency: 'USD', qualifier: 'at_least' } })] }),
    ]);
    expect(deals.get('yahoo-summly')).toMatchObject({ status: 'completed', price: expect.objectContaining({ value: '30000000', currency: 'EUR' }) });
  });
});
