import { get as httpGet, type IncomingMessage } from 'node:http';
import { EventStore } from '@app/event-store';
import { DEAL_EVENT_SCHEMA_VERSIONS, DealProjectionRebuilder } from '@app/newsroom';
import { startTestApp, TestApp } from '../support/test-app';

const source = (outlet: string, publishedAt: string, via: string[] = []) => ({
  outlet,
  publishedAt,
  ...(via.length ? { via: via.map((o) => ({ outlet: o })) } : {}),
});
const usd = (value: string, qualifier = 'exact') => ({ value, currency: 'USD', qualifier });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('deal state and history on two time axes', () => {
  let t: TestApp;
  let editor: string;
  let checker: string;

  beforeAll(async () => {
    t = await startTestApp();
    editor = t.keys.editor;
    checker = t.keys.fact_checker;
  });

  afterAll(async () => {
    await t.close();
  });

  const openDeal = async (title: string, parties: [string, string][]) => {
    const res = await t.request('POST', '/deals', {
      key: editor,
      body: { title, kind: 'acquisition', parties: parties.map(([name, role]) => ({ name, role })) },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const claim = async (dealId: string, body: Record<string, unknown>) => {
    const res = await t.request('POST', `/deals/${dealId}/claims`, { key: editor, body });
    expect(res.status).toBe(201);
    return res.body.claimId as string;
  };
  const state = async (dealId: string, query = '') => {
    const res = await t.request('GET', `/deals/${dealId}${query}`, { key: t.keys.reader });
    expect(res.status).toBe(200);
    return res.body;
  };

  it('Facebook and Instagram: completed at $715M, but announced at about $1B as of May 2012', async () => {
    const deal = await openDeal('Facebook / Instagram', [
      ['Facebook', 'acquirer'],
      ['Instagram', 'target'],
    ]);
    await claim(deal, {
      kind: 'deal_announced',
      statement: 'Facebook announced it would buy Instagram for about $1B.',
      occurredAt: '2012-04',
      amount: usd('1000000000', 'approximate'),
      sources: [source('The New York Times', '2012-04-09')],
    });
    const completed = await claim(deal, {
      kind: 'deal_completed',
      statement: 'Facebook paid $715M when the deal closed, its share price having fallen.',
      occurredAt: '2012-09',
      amount: usd('715000000'),
      sources: [source('The New York Times', '2012-12-17')],
    });
    const verdict = await t.request('POST', `/claims/${completed}/verdicts`, {
      key: checker,
      body: { verdict: 'confirmed', rationale: 'Facebook filings give the closing price.' },
    });
    expect(verdict.status).toBe(201);

    const now = await state(deal);
    expect(now).toMatchObject({ status: 'completed', statusSince: '2012-09', price: { value: '715000000', currency: 'USD' } });
    expect(now.claimCounts).toMatchObject({ total: 2, confirmed: 1, unreviewed: 1 });
    const may = await state(deal, '?validAt=2012-05-01');
    expect(may).toMatchObject({ status: 'announced', price: { value: '1000000000', qualifier: 'approximate' } });
    expect(may.asOf).toEqual({ validAt: '2012-05-01', knownAt: null });

    // the projection and a fold of the log agree
    const folded = await state(deal, `?knownAt=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect({ ...folded, asOf: null }).toEqual({ ...now, asOf: null });
  });

  it('Twitter and Clubhouse: talks ended, with the ~$4B offer still listed', async () => {
    const deal = await openDeal('Twitter / Clubhouse', [
      ['Twitter', 'bidder'],
      ['Clubhouse', 'target'],
    ]);
    const offer = await claim(deal, {
      kind: 'offer_made',
      statement: 'Twitter offered about $4B for Clubhouse.',
      occurredAt: '2021-03',
      amount: usd('4000000000', 'approximate'),
      sources: [source('Bloomberg', '2021-04-07', ['Clubic', 'The Verge'])],
    });
    await claim(deal, {
      kind: 'talks_ended',
      statement: 'The talks stopped.',
      occurredAt: '2021-04',
      sources: [source('Bloomberg', '2021-04-07', ['Clubic', 'The Verge'])],
    });
    const s = await state(deal);
    expect(s.status).toBe('talks_ended');
    expect(s.offers).toEqual([expect.objectContaining({ claimId: offer, value: '4000000000', qualifier: 'approximate' })]);
    const claims = await t.request('GET', `/deals/${deal}/claims`, { key: t.keys.reader });
    expect(claims.body.items).toHaveLength(2);
    expect(claims.body.items[0]).toMatchObject({ claimId: offer, independentSources: 1, verdict: 'unreviewed' });
    expect(claims.body.items[0].sources[0].via).toEqual([{ outlet: 'Clubic' }, { outlet: 'The Verge' }]);
    expect(claims.body.nextCursor).toBeNull();

    // a page at a time, in recording order
    const first = await t.request('GET', `/deals/${deal}/claims?limit=1`, { key: t.keys.reader });
    expect(first.body.items.map((c: { claimId: string }) => c.claimId)).toEqual([offer]);
    const second = await t.request('GET', `/deals/${deal}/claims?limit=1&cursor=${first.body.nextCursor}`, { key: t.keys.reader });
    expect(second.body.items.map((c: { kind: string }) => c.kind)).toEqual(['talks_ended']);
    expect(second.body.nextCursor).toBeNull();
    const badLimit = await t.request('GET', `/deals/${deal}/claims?limit=0`, { key: t.keys.reader });
    expect(badLimit.status).toBe(400);
    const unknown = await t.request('GET', `/deals/${offer}/claims`, { key: t.keys.reader });
    expect(unknown.status).toBe(404);
  });

  it('Twitter and Instagram: the term sheet and Systrom’s sworn statement stand in open conflict', async () => {
    const deal = await openDeal('Twitter / Instagram', [
      ['Twitter', 'bidder'],
      ['Instagram', 'target'],
    ]);
    const termSheet = await claim(deal, {
      kind: 'agreement_reached',
      agreementLevel: 'term_sheet',
      statement: 'Twitter sent Kevin Systrom a term sheet.',
      occurredAt: '2012-Q1',
      sources: [source('The New York Times', '2012-12-17')],
    });
    const denial = await claim(deal, {
      kind: 'denial',
      contradicts: termSheet,
      statement: 'Systrom stated under oath that he had received no formal offer before Facebook.',
      occurredAt: '2012-08',
      sources: [source('The New York Times', '2012-12-17')],
    });
    const s = await state(deal);
    expect(s.conflicts).toEqual([{ claimIds: [termSheet, denial], reason: 'denial' }]);

    // the conflict closes when one side stops counting
    const retracted = await t.request('POST', `/claims/${denial}/retraction`, { key: checker, body: { reason: 'test' } });
    expect(retracted.status).toBe(201);
    expect((await state(deal)).conflicts).toEqual([]);
  });

  it('a retraction recorded after T leaves knownAt=T unchanged and changes the present', async () => {
    const deal = await openDeal('Yahoo / Summly', [
      ['Yahoo', 'acquirer'],
      ['Summly', 'target'],
    ]);
    const bought = await claim(deal, {
      kind: 'deal_completed',
      statement: 'Yahoo bought Summly for 30 million euros.',
      occurredAt: '2013-03',
      amount: { value: '30000000', currency: 'EUR' },
      sources: [source('TechCrunch', '2013-03-25')],
    });
    await sleep(20);
    const before = await state(deal);
    const T = new Date(Date.now()).toISOString();
    await sleep(20);
    const res = await t.request('POST', `/claims/${bought}/retraction`, { key: editor, body: { reason: 'wrong deal' } });
    expect(res.status).toBe(201);

    const present = await state(deal);
    expect(present.status).toBe('unknown');
    expect(present.price).toBeNull();
    expect(present.claimCounts).toMatchObject({ total: 1, retracted: 1 });
    const past = await state(deal, `?knownAt=${encodeURIComponent(T)}`);
    expect(past).toMatchObject({ status: 'completed', price: { value: '30000000', currency: 'EUR' }, version: before.version });

    const recorded = await t.request('GET', `/deals/${deal}/timeline?axis=recorded`, { key: t.keys.reader });
    expect(recorded.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // the retraction's entry shows the claim's sources, as the recording's did
    expect(recorded.body.entries[2].sources).toEqual(recorded.body.entries[1].sources);
    expect(recorded.body.entries[1].sources.length).toBeGreaterThan(0);
    expect(recorded.body.entries.map((e: { eventType: string }) => e.eventType)).toEqual([
      'DealOpened',
      'ClaimRecorded',
      'ClaimRetracted',
    ]);
    expect(recorded.body.entries[2].changes).toEqual(
      expect.arrayContaining([{ field: 'status', from: 'completed', to: 'unknown' }]),
    );
    const valid = await t.request('GET', `/deals/${deal}/timeline?axis=valid`, { key: t.keys.reader });
    expect(valid.body.entries).toEqual([]);
  });

  it('lists deals with filters and a cursor that stays stable while claims are added', async () => {
    const all = await t.request('GET', '/deals?limit=2', { key: t.keys.reader });
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    const firstIds = all.body.items.map((d: { id: string }) => d.id);
    // a claim on the first deal must not move it
    await claim(firstIds[0], {
      kind: 'statement',
      statement: 'Another report.',
      occurredAt: '2012',
      sources: [source('Reuters', '2012-05-01')],
    });
    const next = await t.request('GET', `/deals?limit=2&cursor=${all.body.nextCursor}`, { key: t.keys.reader });
    expect(next.body.items.map((d: { id: string }) => d.id)).not.toContain(firstIds[0]);
    expect(next.body.items.map((d: { id: string }) => d.id)).not.toContain(firstIds[1]);
    const ended = await t.request('GET', '/deals?status=talks_ended', { key: t.keys.reader });
    expect(ended.body.items.map((d: { title: string }) => d.title)).toEqual(['Twitter / Clubhouse']);
    const byParty = await t.request('GET', '/deals?party=instagram', { key: t.keys.reader });
    expect(byParty.body.items).toHaveLength(2);
    const byText = await t.request('GET', '/deals?q=summly', { key: t.keys.reader });
    expect(byText.body.items.map((d: { title: string }) => d.title)).toEqual(['Yahoo / Summly']);
    const investment = await t.request('POST', '/deals', {
      key: editor,
      body: { title: 'Sequoia / Clubhouse', kind: 'investment', parties: [{ name: 'Sequoia', role: 'investor' }, { name: 'Clubhouse', role: 'target' }] },
    });
    const byKind = await t.request('GET', '/deals?kind=investment', { key: t.keys.reader });
    expect(byKind.body.items.map((d: { id: string }) => d.id)).toEqual([investment.body.id]);
    const acquisitions = await t.request('GET', '/deals?kind=acquisition&limit=500', { key: t.keys.reader });
    expect(acquisitions.body.items.length).toBeGreaterThan(1);
    expect(acquisitions.body.items.every((d: { kind: string }) => d.kind === 'acquisition')).toBe(true);
    const bad = await t.request('GET', '/deals?cursor=nonsense', { key: t.keys.reader });
    expect(bad.status).toBe(400);
    const badStatus = await t.request('GET', '/deals?status=sold', { key: t.keys.reader });
    expect(badStatus.status).toBe(400);
  });

  it('streams a long deal\'s recorded timeline past its first page, and pages its audit trail, every event once and in order', async () => {
    const deal = await openDeal('Oracle / Sphere', [
      ['Oracle', 'acquirer'],
      ['Sphere', 'target'],
    ]);
    const claimId = await claim(deal, {
      kind: 'offer_made',
      statement: 'Oracle offered $1B for Sphere.',
      occurredAt: '2021-06',
      amount: usd('1000000000'),
      sources: [source('Reuters', '2021-06-02')],
    });
    // 5,200 verdicts (the last one "confirmed"), appended at once: more than a page of the timeline (5,000), eleven of the audit trail (500)
    const verdicts = ['confirmed', 'disputed', 'unverifiable'] as const;
    const events = Array.from({ length: 5_200 }, (_, i) => ({
      type: 'VerdictGiven',
      schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS.VerdictGiven,
      data: { claimId, verdict: verdicts[i % 3] as string, rationale: `Check ${i}.`, claimRevision: 1, givenBy: 'checker-long-deal' },
    }));
    await t.app.get(EventStore).append(`deal-${deal}`, 'any', events, { metadata: { actorId: 'checker-long-deal' } });
    // events appended past the commands reach the read models by a rebuild
    await t.app.get(DealProjectionRebuilder).rebuild();

    const timeline = await t.request('GET', `/deals/${deal}/timeline?axis=recorded`, { key: t.keys.reader });
    expect(timeline.status).toBe(200);
    expect(timeline.headers.get('content-type')).toMatch(/^application\/json/);
    const entries = timeline.body.entries as { version: number; verdict: string; sources: { outlet: string }[] }[];
    expect(entries.map((e) => e.version)).toEqual(Array.from({ length: 5_202 }, (_, i) => i + 1));
    expect(entries[5_201]).toMatchObject({ verdict: 'confirmed', sources: [{ outlet: 'Reuters' }] });
    expect((await state(deal)).claimCounts).toMatchObject({ total: 1, confirmed: 1 });

    const audit: { version: number }[] = [];
    let pages = 0;
    for (let cursor: string | null = ''; cursor !== null; pages++) {
      const page = await t.request('GET', `/audit/deals/${deal}?limit=500${cursor ? `&cursor=${cursor}` : ''}`, { key: t.keys.reader });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(500);
      audit.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    expect(pages).toBe(11);
    expect(audit.map((e) => e.version)).toEqual(Array.from({ length: 5_202 }, (_, i) => i + 1));
    expect(audit[5_201]).toMatchObject({ type: 'VerdictGiven', data: { rationale: 'Check 5199.' } });

    const first = await t.request('GET', `/audit/deals/${deal}`, { key: t.keys.reader });
    expect(first.body.items.map((e: { version: number }) => e.version)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(typeof first.body.nextCursor).toBe('string');
    const tooMany = await t.request('GET', `/audit/deals/${deal}?limit=501`, { key: t.keys.reader });
    expect(tooMany.status).toBe(400);
    const badCursor = await t.request('GET', `/audit/deals/${deal}?cursor=nonsense`, { key: t.keys.reader });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
  });

  it('serves recorded timelines whole while their buffers serve one response after another', async () => {
    const deals: string[] = [];
    for (const [i, checks] of [1_500, 1_500, 40].entries()) {
      const deal = await openDeal(`Buyer ${i} / Target ${i}`, [
        [`Buyer ${i}`, 'acquirer'],
        [`Target ${i}`, 'target'],
      ]);
      const claimId = await claim(deal, {
        kind: 'offer_made',
        statement: `Buyer ${i} offered $${i + 1}B for Target ${i}.`,
        occurredAt: '2022-03',
        amount: usd(`${i + 1}000000000`),
        sources: [source('Reuters', '2022-03-02')],
      });
      // long rationales: the first two timelines are megabytes, more than a socket takes before its reader reads
      const events = Array.from({ length: checks }, (_, n) => ({
        type: 'VerdictGiven',
        schemaVersion: DEAL_EVENT_SCHEMA_VERSIONS.VerdictGiven,
        data: { claimId, verdict: 'disputed', rationale: `Deal ${i}, check ${n}: ${'é'.repeat(1_000 + (n % 7))}`, claimRevision: 1, givenBy: 'checker-side-by-side' },
      }));
      await t.app.get(EventStore).append(`deal-${deal}`, 'any', events, { metadata: { actorId: 'checker-side-by-side' } });
      deals.push(deal);
    }
    await t.app.get(DealProjectionRebuilder).rebuild();
    const path = (deal: string) => `/deals/${deal}/timeline?axis=recorded`;
    const alone = new Map<string, string>();
    for (const deal of deals) alone.set(deal, (await t.request('GET', path(deal), { key: t.keys.reader })).text);
    expect(JSON.parse(alone.get(deals[0] as string) as string).entries).toHaveLength(1_502);

    // a reader that takes its time: the big timeline waits in the socket while others are served
    const slow = await new Promise<IncomingMessage>((resolve) => {
      httpGet(`${t.url}${path(deals[0] as string)}`, { headers: { authorization: `Bearer ${t.keys.reader}` } }, (response) => {
        response.pause();
        resolve(response);
      });
    });
    for (const deal of [...deals, ...deals]) expect((await t.request('GET', path(deal), { key: t.keys.reader })).text).toBe(alone.get(deal));
    const chunks: Buffer[] = [];
    for await (const chunk of slow) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(alone.get(deals[0] as string));

    // and many at once
    const order = Array.from({ length: 12 }, (_, n) => deals[n % deals.length] as string);
    const responses = await Promise.all(order.map((deal) => t.request('GET', path(deal), { key: t.keys.reader })));
    responses.forEach((response, n) => expect(response.text).toBe(alone.get(order[n] as string)));
  });

  it('serves the fact-check queue oldest first, a claim with its history, and the audit trail', async () => {
    const queue = await t.request('GET', '/claims?verdict=unreviewed&limit=100', { key: t.keys.reader });
    expect(queue.status).toBe(200);
    const positions = queue.body.items.map((c: { position: number }) => c.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(queue.body.items.every((c: { verdict: string }) => c.verdict === 'unreviewed')).toBe(true);

    // the same queue two claims a page, from cursor to cursor: the same claims in the same order
    expect(positions.length).toBeGreaterThan(4);
    const paged: number[] = [];
    for (let cursor: string | null = ''; cursor !== null; ) {
      const page = await t.request('GET', `/claims?verdict=unreviewed&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: t.keys.reader });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.items.map((c: { position: number }) => c.position));
      cursor = page.body.nextCursor;
    }
    expect(paged).toEqual(positions);

    // by first-reporting outlet, whatever its spelling
    const bloomberg = await t.request('GET', '/claims?outlet=BLOOMBERG&limit=500', { key: t.keys.reader });
    expect(bloomberg.body.items.length).toBeGreaterThan(0);
    for (const c of bloomberg.body.items as { sources: { outlet: string }[] }[]) {
      expect(c.sources.map((source) => source.outlet.toLowerCase())).toContain('bloomberg');
    }
    const nowhere = await t.request('GET', '/claims?outlet=Le%20Petit%20Journal', { key: t.keys.reader });
    expect(nowhere.body).toEqual({ items: [], nextCursor: null });

    const first = queue.body.items[0];
    const detail = await t.request('GET', `/claims/${first.claimId}`, { key: t.keys.reader });
    expect(detail.status).toBe(200);
    expect(detail.body.history[0]).toMatchObject({ type: 'ClaimRecorded' });

    const audit = await t.request('GET', `/audit/deals/${first.dealId}`, { key: t.keys.reader });
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ type: 'DealOpened', version: 1, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const verify = await t.request('GET', '/audit/verify', { key: checker });
    expect(verify.body).toMatchObject({ ok: true, broken: [] });
    const forbidden = await t.request('GET', '/audit/verify', { key: t.keys.reader });
    expect(forbidden.status).toBe(403);
    const missing = await t.request('GET', `/deals/${first.claimId}`, { key: t.keys.reader });
    expect(missing.status).toBe(404);
  });
});
