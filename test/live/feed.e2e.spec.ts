import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { EventStore, RESERVE_COLUMNS } from '@app/event-store';
import { startAppInstance, type AppInstance } from '../support/app-instance';
import { startTestApp, type TestApp } from '../support/test-app';
import { dataSource, expectProblem, openDeal, recordClaim, validClaim, validDeal } from '../api/api-fixtures';
import { openFeed, type SseClient } from './sse-client';

/** Every event of the log, in its global order. */
async function logOrder(t: TestApp): Promise<number[]> {
  const rows: { position: string }[] = await dataSource(t).query('select position from es_events order by tx_id, position');
  return rows.map((row) => Number(row.position));
}

describe('GET /feed: the live feed (DESIGN 2.7)', () => {
  let t: TestApp;
  const open: SseClient[] = [];
  const feed = async (query = '', headers: Record<string, string> = {}, key = t.keys.reader) => {
    const client = await openFeed(`${t.url}/feed${query}`, key, headers);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestApp({ FEED_HEARTBEAT_MS: '300' });
  });

  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });

  afterAll(async () => {
    await t.close();
  });

  it('gives a recorded claim within a second of its 201, with the changes of the recorded timeline', async () => {
    const client = await feed();
    expect(client.status).toBe(200);
    const dealId = await openDeal(t, t.keys.editor);
    const res = await t.request('POST', `/deals/${dealId}/claims`, {
      key: t.keys.editor,
      body: validClaim(),
    });
    expect(res.status).toBe(201);
    const answered = Date.now();
    const event = await client.waitFor((e) => e.data.claimId === res.body.claimId, 1000);
    expect(event.receivedAt - answered).toBeLessThan(1000);

    const timeline = await t.request('GET', `/deals/${dealId}/timeline?axis=recorded`);
    const entry = timeline.body.entries.find((e: { claimId: string | null }) => e.claimId === res.body.claimId);
    expect(event.data).toEqual({
      position: entry.position,
      dealId,
      type: 'ClaimRecorded',
      claimId: res.body.claimId,
      recordedAt: entry.recordedAt,
      version: 2,
      changes: entry.changes,
    });
    expect(event.data.changes.length).toBeGreaterThan(0);
    expect(event.id).toBe(String(entry.position));
    // the deal's opening came first, without a claim id
    const opened = await client.waitFor((e) => e.data.dealId === dealId && e.data.type === 'DealOpened');
    expect(opened.data).not.toHaveProperty('claimId');
    expect(client.events.indexOf(opened)).toBeLessThan(client.events.indexOf(event));
  });

  it('resumed with Last-Event-ID while writers race, loses nothing and repeats nothing', async () => {
    const collected: number[] = [];
    let client = await feed('?after=0');
    const writers = Array.from({ length: 4 }, async (_, w) => {
      const dealId = await openDeal(t, t.keys.editor, `Race ${w}`);
      for (let i = 0; i < 12; i++) await recordClaim(t, t.keys.editor, dealId, { statement: `claim ${w}/${i}` });
    });
    const done = Promise.all(writers);
    let finished = false;
    void done.then(() => (finished = true));
    // drop the connection every few events and come back from the last id seen
    while (!finished || collected.length < (await logOrder(t)).length) {
      await new Promise((r) => setTimeout(r, 60));
      client.close();
      await client.ended;
      collected.push(...client.events.map((e) => Number(e.id)));
      const last = collected[collected.length - 1];
      client = await feed('?after=0', last === undefined ? {} : { 'last-event-id': String(last) });
      if (finished) await new Promise((r) => setTimeout(r, 200));
    }
    await done;
    expect(new Set(collected).size).toBe(collected.length);
    expect(collected).toEqual(await logOrder(t));
  });

  it('resumed after an event, gives one committed later with a lower position', async () => {
    // a writer reserves its place in the log, then appends after another writer has committed
    const [reserved]: { reserved_position: string; reserved_at: string }[] = await dataSource(t).query(`select ${RESERVE_COLUMNS}`);
    const client = await feed();
    const dealId = await openDeal(t, t.keys.editor, 'Committed first');
    const opened = await client.waitFor((e) => e.data.dealId === dealId);
    client.close();
    expect(Number(reserved.reserved_position)).toBeLessThan(opened.data.position);
    const late = await t.app.get(EventStore).append(`deal-${randomUUID()}`, 'no_stream', [{ type: 'ClaimSourceAdded', data: { claimId: randomUUID() } }], {
      reserved: { positions: [Number(reserved.reserved_position)], recordedAt: reserved.reserved_at },
    });
    const resumed = await feed('', { 'last-event-id': String(opened.data.position) });
    const event = await resumed.waitFor(() => true);
    expect(event.data.position).toBe(late.positions[0]);
  });

  it('filters by deal, by party (any spelling) and by claim kind', async () => {
    const byDeal = await feed('');
    const a = await openDeal(t, t.keys.editor, 'Filter A');
    const other = await t.request('POST', '/deals', {
      key: t.keys.editor,
      body: { ...validDeal('Filter B'), parties: [{ name: 'Spotify', role: 'bidder' }, { name: 'Anchor', role: 'target' }] },
    });
    const b = other.body.id as string;
    byDeal.close();
    const dealOnly = await feed(`?dealId=${b}&after=0`);
    const partyOnly = await feed(`?party=${encodeURIComponent('  SPOTIFY ')}&after=0`);
    const kindOnly = await feed('?kind=talks_reported&after=0');
    const claimA = await recordClaim(t, t.keys.editor, a, { kind: 'talks_reported', amount: undefined });
    const claimB1 = await recordClaim(t, t.keys.editor, b, { kind: 'talks_reported', amount: undefined });
    const claimB2 = await recordClaim(t, t.keys.editor, b);
    const verdict = await t.request('POST', `/claims/${claimB1}/verdicts`, {
      key: t.keys.fact_checker,
      body: { verdict: 'confirmed', rationale: 'Two outlets say so.' },
    });
    expect(verdict.status).toBe(201);

    await dealOnly.waitFor((e) => e.data.type === 'VerdictGiven');
    await partyOnly.waitFor((e) => e.data.type === 'VerdictGiven');
    await kindOnly.waitFor((e) => e.data.type === 'VerdictGiven');
    const summary = (client: SseClient) => client.events.map((e) => `${e.data.type}:${e.data.claimId ?? e.data.dealId}`);
    const expected = ['DealOpened:' + b, `ClaimRecorded:${claimB1}`, `ClaimRecorded:${claimB2}`, `VerdictGiven:${claimB1}`];
    expect(summary(dealOnly)).toEqual(expected);
    expect(summary(partyOnly)).toEqual(expected);
    // the talks_reported claims of any deal (and earlier ones from other tests would be offers: none)
    expect(summary(kindOnly)).toEqual([`ClaimRecorded:${claimA}`, `ClaimRecorded:${claimB1}`, `VerdictGiven:${claimB1}`]);
  });

  it('refuses a bad filter or a resume position that names no event', async () => {
    for (const query of ['?after=abc', '?after=-1', '?kind=gossip', '?dealId=42', '?after=999999999']) {
      const res = await t.request('GET', `/feed${query}`, { key: t.keys.reader });
      expectProblem(res, 400);
    }
    const res = await t.request('GET', '/feed', { key: t.keys.reader, headers: { 'last-event-id': '999999999' } });
    expectProblem(res, 400, 'invalid-feed-position');
    expect(res.body.errors).toEqual([{ field: 'Last-Event-ID', message: expect.stringContaining('names no event') }]);
    expect((await t.request('GET', '/feed', { key: null })).status).toBe(401);
  });

  it('sends a comment on every heartbeat', async () => {
    const client = await feed();
    await client.waitForComment((c) => c === 'heartbeat', 2000);
  });

  it('moves a filtered client’s Last-Event-ID past the events it skips, with the heartbeat', async () => {
    const quiet = await openDeal(t, t.keys.editor, 'Quiet deal');
    const [opening] = (await t.request('GET', `/deals/${quiet}/timeline?axis=recorded`)).body.entries;
    const client = await feed(`?dealId=${quiet}&after=${opening.position}`);
    const busy = await openDeal(t, t.keys.editor, 'Busy deal');
    const claimId = await recordClaim(t, t.keys.editor, busy);
    const [last] = (await t.request('GET', `/deals/${busy}/timeline?axis=recorded`)).body.entries.filter((e: { claimId: string }) => e.claimId === claimId);
    await client.waitForComment(() => client.lastEventId() === String(last.position), 3000);
    expect(client.events).toEqual([]);
    client.close();
    const resumed = await feed(`?dealId=${quiet}`, { 'last-event-id': client.lastEventId()! });
    const quietClaim = await recordClaim(t, t.keys.editor, quiet);
    const event = await resumed.waitFor(() => true);
    expect(event.data.claimId).toBe(quietClaim);
  });

  it('keeps a quiet connection open past the request timeouts, with heartbeats', async () => {
    const strict = await startAppInstance(t.db, { HTTP_REQUEST_TIMEOUT_MS: '1000', HTTP_HEADERS_TIMEOUT_MS: '1000', FEED_HEARTBEAT_MS: '200' });
    try {
      const client = await openFeed(`${strict.url}/feed`, t.keys.reader);
      open.push(client);
      let ended = false;
      void client.ended.then(() => (ended = true));
      await new Promise((r) => setTimeout(r, 2500));
      expect(ended).toBe(false);
      expect(client.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(8);
      const dealId = await openDeal(t, t.keys.editor, 'After a quiet spell');
      await client.waitFor((e) => e.data.dealId === dealId, 2000);
    } finally {
      await strict.close();
    }
  });

  it('cuts off a client that stops reading, saying where to resume, and the resumption misses nothing', async () => {
    const slow = await startAppInstance(t.db, { FEED_MAX_BUFFER_BYTES: '1024' });
    let response: IncomingMessage | undefined;
    try {
      const headPosition = Math.max(0, ...(await logOrder(t)));
      response = await new Promise<IncomingMessage>((resolve) => {
        get(`${slow.url}/feed?after=${headPosition}`, { headers: { authorization: `Bearer ${t.keys.reader}` } }, resolve);
      });
      expect(response.statusCode).toBe(200);
      response.pause();
      // events written straight to the log, in large appends: a client that reads nothing falls behind fast
      const store = t.app.get(EventStore);
      const stream = `deal-${randomUUID()}`;
      let cut = false;
      for (let batch = 0; batch < 60 && !cut; batch++) {
        const events = Array.from({ length: 2000 }, () => ({ type: 'ClaimSourceAdded', data: { claimId: randomUUID() } }));
        await store.append(stream, 'any', events);
        await new Promise((r) => setTimeout(r, 100));
        cut = (await slow.request('GET', '/metrics', { key: null })).text.includes('newsroom_feed_clients 0');
      }
      expect(cut).toBe(true);
      // the client reads what was buffered: events, then the last comment naming where to resume
      response.resume();
      let text = '';
      response.setEncoding('utf8');
      for await (const chunk of response) text += chunk;
      const resume = /: too slow[^\n]*resume with Last-Event-ID: (\d+)\n\n$/.exec(text);
      expect(resume).not.toBeNull();
      const got = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(got.length).toBeGreaterThan(0);
      const from = Number(resume![1]);
      expect(from).toBeGreaterThanOrEqual(got[got.length - 1]);
      const again = await openFeed(`${slow.url}/feed`, t.keys.reader, { 'last-event-id': String(from) });
      open.push(again);
      const order = (await logOrder(t)).filter((p) => p > headPosition);
      await again.waitForCount(order.length - got.length, 30_000);
      expect([...got, ...again.events.map((e) => Number(e.id))]).toEqual(order);
    } finally {
      response?.destroy();
      await slow.close();
    }
  });

  it('reaches the clients of another API process on the same database within a second', async () => {
    // looking on a timer is slowed right down: only the notification can be this quick
    const a = await startAppInstance(t.db, { LIVE_POLL_MS: '10000' });
    const b = await startAppInstance(t.db, { LIVE_POLL_MS: '10000' });
    const instances: AppInstance[] = [a, b];
    try {
      const onA = await openFeed(`${a.url}/feed`, t.keys.reader);
      const onB = await openFeed(`${b.url}/feed`, t.keys.reader);
      open.push(onA, onB);
      const viaA = await a.request('POST', '/deals', { key: t.keys.editor, body: validDeal('Written on A') });
      expect(viaA.status).toBe(201);
      const sentA = Date.now();
      const seenOnB = await onB.waitFor((e) => e.data.dealId === viaA.body.id, 1000);
      expect(seenOnB.receivedAt - sentA).toBeLessThan(1000);
      const viaB = await b.request('POST', `/deals/${viaA.body.id}/claims`, {
        key: t.keys.editor,
        body: validClaim({ kind: 'talks_reported', amount: undefined }),
      });
      expect(viaB.status).toBe(201);
      const sentB = Date.now();
      const seenOnA = await onA.waitFor((e) => e.data.claimId === viaB.body.claimId, 1000);
      expect(seenOnA.receivedAt - sentB).toBeLessThan(1000);
    } finally {
      for (const instance of instances) await instance.close();
    }
  });
});
