import { DataSource } from 'typeorm';
import { EventStore } from '@app/event-store';
import { DealNotFoundError, DealReadModel, foldDeal, validTimeline, type DealCut, type RecordedDealEvent } from '@app/newsroom';
import { DealEventCache } from '@app/newsroom/projections/deal-event.cache';
import { openDeal, recordClaim, streamEvents, validVerdict } from '../api/api-fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const FUTURE = () => new Date(Date.now() + 3_600_000).toISOString();

/** What a read gives: the value, or the error's class and message. */
async function outcome(read: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await read() };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

describe('as-of reads through the deal event cache', () => {
  let t: TestApp;
  let cache: DealEventCache;
  let reads: DealReadModel;

  /** A read model of its own, as another API process would have, with a cache of the given size (0: none). */
  const readModel = (maxEvents: number) => {
    const events = new DealEventCache(maxEvents);
    return { events, reads: new DealReadModel(t.app.get(DataSource), t.app.get(EventStore), events) };
  };

  /** Every event the store holds for the deal, read without the read model. */
  const storedEvents = async (dealId: string) => {
    const stored = await t.app.get(EventStore).readStream(`deal-${dealId}`);
    return stored.map((e) => ({
      type: e.type,
      data: e.data,
      position: e.position,
      version: e.version,
      recordedAt: e.recordedAt.toISOString(),
    })) as unknown as RecordedDealEvent[];
  };
  const folded = async (dealId: string, cut: DealCut) => {
    const state = foldDeal(await storedEvents(dealId), cut);
    if (state === null) throw new DealNotFoundError(dealId);
    return state;
  };

  const verdict = async (claimId: string, body: Record<string, unknown> = {}) => {
    const res = await t.request('POST', `/claims/${claimId}/verdicts`, { key: t.keys.fact_checker, body: validVerdict(body) });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    t = await startTestApp();
    cache = t.app.get(DealEventCache);
    reads = t.app.get(DealReadModel);
  });

  afterAll(async () => {
    await t.close();
  });

  it('the API keeps a deal’s events after an as-of read and uses them again without fetching', async () => {
    const deal = await openDeal(t, t.keys.editor);
    await recordClaim(t, t.keys.editor, deal);
    expect(cache.has(`deal-${deal}`)).toBe(false);

    const res = await t.request('GET', `/deals/${deal}?knownAt=${encodeURIComponent(FUTURE())}`, { key: t.keys.reader });
    expect(res.status).toBe(200);
    const held = cache.get(`deal-${deal}`);
    expect(held.map((e) => e.version)).toEqual([1, 2]);

    await reads.state(deal, { validAt: '2021' });
    expect(cache.get(`deal-${deal}`)).toBe(held);
  });

  it('an as-of read after a new append sees the new event, in this process and in another one', async () => {
    const other = readModel(1_000);
    const deal = await openDeal(t, t.keys.editor);
    const first = await recordClaim(t, t.keys.editor, deal, { amount: { value: '4000000000', currency: 'USD', qualifier: 'exact' } });
    const before = await reads.state(deal, { knownAt: FUTURE() });
    await other.reads.state(deal, { knownAt: FUTURE() });
    expect(before).toMatchObject({ version: 2, claimCounts: { total: 1, unreviewed: 1 } });

    await recordClaim(t, t.keys.editor, deal, { amount: { value: '5000000000', currency: 'USD', qualifier: 'exact' } });
    await verdict(first);
    const events = await streamEvents(t, deal);
    for (const model of [reads, other.reads]) {
      const after = await model.state(deal, { knownAt: FUTURE() });
      expect(after).toMatchObject({ version: events.length, claimCounts: { total: 2, confirmed: 1, unreviewed: 1 } });
      expect(after.conflicts).toEqual([expect.objectContaining({ reason: 'amount_mismatch' })]);
      expect(await model.timeline(deal, 'valid')).toEqual(validTimeline(await storedEvents(deal)));
    }
    expect(cache.get(`deal-${deal}`).map((e) => e.version)).toEqual(events.map((e) => Number(e.version)));
  });

  it('a knownAt cut on cached events equals the uncached result, at every event and between them', async () => {
    const deal = await openDeal(t, t.keys.editor);
    const claims: string[] = [];
    for (const occurredAt of ['2020-01', '2020-06', '2021-Q1', '2019']) {
      await sleep(5);
      claims.push(await recordClaim(t, t.keys.editor, deal, { occurredAt }));
    }
    await sleep(5);
    await verdict(claims[1] as string, { verdict: 'false' });
    await sleep(5);
    const res = await t.request('POST', `/claims/${claims[0]}/retraction`, { key: t.keys.editor, body: { reason: 'withdrawn' } });
    expect(res.status).toBe(201);

    const recorded = (await streamEvents(t, deal)).map((e) => e.recorded_at.getTime());
    const instants = new Set<number>();
    for (const at of recorded) for (const delta of [-1, 0, 1]) instants.add(at + delta);
    const cuts: { knownAt?: string; validAt?: string }[] = [...instants]
      .sort((a, b) => a - b)
      .map((at) => new Date(at).toISOString())
      .flatMap((knownAt) => [{ knownAt }, { knownAt, validAt: '2020-03' }]);
    cuts.push(
      { knownAt: new Date(recorded[0] as number).toISOString().slice(0, 10) }, // a date: the end of that UTC day
      { knownAt: '2000-01-01T00:00:00Z' }, // before the deal: not found
      { knownAt: `${new Date(recorded[2] as number).toISOString().slice(0, 23)}999Z` }, // finer than the store's milliseconds
      { knownAt: 'yesterday' }, // does not parse
      { validAt: '2020' },
    );

    // the app's cache holds the whole stream; a second cache is filled by the cuts themselves, in turn
    await reads.state(deal, { knownAt: FUTURE() });
    expect(cache.get(`deal-${deal}`)).toHaveLength(recorded.length);
    const filledByCuts = readModel(1_000);
    const uncached = readModel(0);
    for (const cut of cuts) {
      const expected = await outcome(() => folded(deal, cut));
      expect({ cut, got: await outcome(() => uncached.reads.state(deal, cut)) }).toEqual({ cut, got: expected });
      expect({ cut, got: await outcome(() => reads.state(deal, cut)) }).toEqual({ cut, got: expected });
      expect({ cut, got: await outcome(() => filledByCuts.reads.state(deal, cut)) }).toEqual({ cut, got: expected });
    }
    expect(uncached.events.size).toBe(0);
    expect(filledByCuts.events.size).toBe(recorded.length);

    // cuts from late to early on a cache that first held only a prefix
    const prefixFirst = readModel(1_000);
    const early = { knownAt: new Date(recorded[2] as number).toISOString() };
    expect(await prefixFirst.reads.state(deal, early)).toEqual(await folded(deal, early));
    expect(prefixFirst.events.size).toBeGreaterThanOrEqual(3);
    expect(prefixFirst.events.size).toBeLessThan(recorded.length);
    for (const cut of [...cuts].reverse()) {
      expect({ cut, got: await outcome(() => prefixFirst.reads.state(deal, cut)) }).toEqual({
        cut,
        got: await outcome(() => folded(deal, cut)),
      });
    }
  });

  it('eviction of the least recently used deals keeps every result right', async () => {
    const small = readModel(6);
    const deals: string[] = [];
    for (let i = 0; i < 3; i++) {
      const deal = await openDeal(t, t.keys.editor, `Deal ${i}`);
      await recordClaim(t, t.keys.editor, deal);
      await recordClaim(t, t.keys.editor, deal, { occurredAt: '2021-05' });
      deals.push(deal);
    }
    const [a, b, c] = deals as [string, string, string];
    const lengths = await Promise.all(deals.map(async (deal) => (await streamEvents(t, deal)).length));
    expect(lengths).toEqual([3, 3, 3]);
    const check = async (deal: string) => {
      for (const cut of [{ knownAt: FUTURE() }, { validAt: '2021-03' }]) {
        expect(await small.reads.state(deal, cut)).toEqual(await folded(deal, cut));
      }
      expect(await small.reads.timeline(deal, 'valid')).toEqual(validTimeline(await storedEvents(deal)));
    };
    const held = () => deals.filter((deal) => small.events.has(`deal-${deal}`));

    await check(a);
    await check(b);
    expect(held()).toEqual([a, b]);
    await check(c); // 9 events: the least recently used goes
    expect(held()).toEqual([b, c]);
    await check(b);
    await check(a); // c is now the least recently used
    expect(held()).toEqual([a, b]);
    expect(small.events.size).toBe(6);

    await recordClaim(t, t.keys.editor, b, { occurredAt: '2021-02' });
    await check(b); // 4 events of b after 3 of a: a goes
    expect(held()).toEqual([b]);
    expect(small.events.size).toBe(4);
    expect((await small.reads.state(b, { knownAt: FUTURE() })).claimCounts.total).toBe(3);

    // a stream longer than the bound is not kept, and still read right
    for (let i = 0; i < 4; i++) await recordClaim(t, t.keys.editor, b, { occurredAt: `2022-0${i + 1}` });
    await check(b);
    expect(small.events.has(`deal-${b}`)).toBe(false);
    expect(small.events.size).toBeLessThanOrEqual(6);
    expect((await small.reads.state(b, { knownAt: FUTURE() })).claimCounts.total).toBe(7);
  });

  it('a stream the store no longer holds (a database emptied under the process) is not read from the cache', async () => {
    const model = readModel(1_000);
    const deal = await openDeal(t, t.keys.editor);
    await recordClaim(t, t.keys.editor, deal);
    expect((await model.reads.state(deal, { knownAt: FUTURE() })).version).toBe(2);
    expect(model.events.has(`deal-${deal}`)).toBe(true);

    const db = t.app.get(DataSource);
    await db.query('delete from es_events where stream_id = $1', [`deal-${deal}`]);
    await db.query('delete from es_streams where stream_id = $1', [`deal-${deal}`]);
    await expect(model.reads.state(deal, { knownAt: FUTURE() })).rejects.toBeInstanceOf(DealNotFoundError);
    expect(model.events.has(`deal-${deal}`)).toBe(false);
  });
});
