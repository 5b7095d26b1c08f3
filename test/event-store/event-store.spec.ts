import { DataSource } from 'typeorm';
import {
  EventStore,
  IdempotencyKeyReusedError,
  START,
  StoredEvent,
  SubscriptionRunner,
  WrongExpectedVersionError,
  RESERVE_COLUMNS,
} from '@app/event-store';
import { createTestDatabase, openDataSource, TestDatabase } from '../support/test-database';

const claim = (n: number) => ({ type: 'ClaimRecorded', data: { n, statement: `claim ${n}` } });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('EventStore on PostgreSQL', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url, 60);
    store = new EventStore(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const count = async (streamId?: string): Promise<number> => {
    const rows: { n: string }[] = streamId
      ? await dataSource.query('select count(*) as n from es_events where stream_id = $1', [streamId])
      : await dataSource.query('select count(*) as n from es_events');
    return Number(rows[0].n);
  };

  describe('append', () => {
    it('numbers events from 1 and returns the next expected version', async () => {
      const first = await store.append('deal-a', 'no_stream', [claim(1), claim(2)]);
      expect(first).toMatchObject({ streamId: 'deal-a', fromVersion: 1, toVersion: 2, duplicate: false });
      const second = await store.append('deal-a', 2, [claim(3)]);
      expect(second).toMatchObject({ fromVersion: 3, toVersion: 3 });
      const events = await store.readStream('deal-a');
      expect(events.map((e) => [e.version, e.data.n])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      expect(events.every((e, i) => i === 0 || e.position > events[i - 1].position)).toBe(true);
    });

    it('refuses no_stream on an existing stream and a stale version, with a typed error', async () => {
      await store.append('deal-b', 'no_stream', [claim(1)]);
      await expect(store.append('deal-b', 'no_stream', [claim(2)])).rejects.toBeInstanceOf(WrongExpectedVersionError);
      const stale = await store.append('deal-b', 0, [claim(2)]).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(WrongExpectedVersionError);
      expect((stale as WrongExpectedVersionError).actual).toBe(1);
      await expect(store.append('deal-missing', 4, [claim(1)])).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await count('deal-b')).toBe(1);
    });

    it("appends with 'any' whatever the version", async () => {
      await store.append('deal-any', 'any', [claim(1)]);
      const r = await store.append('deal-any', 'any', [claim(2)]);
      expect(r.toVersion).toBe(2);
    });

    it('lets exactly one of 50 concurrent appends with the same expected version win', async () => {
      await store.append('deal-race', 'no_stream', [claim(0)]);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => store.append('deal-race', 1, [claim(i), claim(i + 100)])),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(49);
      expect(lost.every((o) => o.reason instanceof WrongExpectedVersionError)).toBe(true);
      // nothing half-written: the initial event and one whole batch of two
      expect(await count('deal-race')).toBe(3);
      expect(await store.streamVersion('deal-race')).toBe(3);
      const [, a, b] = await store.readStream('deal-race');
      expect((b.data.n as number) - (a.data.n as number)).toBe(100);
    });

    it('runs inline writes in the append statement, rolls back with it, and skips them for a replay', async () => {
      await dataSource.query('create table if not exists hook_probe (stream_id text, version int)');
      const probe = (version: number) => (first: number) => ({
        ctes: `probe as (insert into hook_probe select 'deal-hook', $${first}::int from fresh)`,
        parameters: [version],
      });
      await store.append('deal-hook', 'no_stream', [claim(1)], { alsoWrite: probe(1), idempotencyKey: 'hook-1' });
      await store.append('deal-hook', 'any', [claim(1)], { alsoWrite: probe(99), idempotencyKey: 'hook-1' });
      await expect(
        store.append('deal-hook', 1, [claim(2)], {
          alsoWrite: () => ({ ctes: `probe as (insert into hook_probe select 'deal-hook', 1 / 0 from fresh)`, parameters: [] }),
        }),
      ).rejects.toThrow('division by zero');
      expect(await count('deal-hook')).toBe(1);
      expect(await dataSource.query('select * from hook_probe')).toEqual([{ stream_id: 'deal-hook', version: 1 }]);
    });

    it('stores events at the positions and instant reserved for them, and refuses an instant before the stream\'s last', async () => {
      const [reserved] = await dataSource.query(`select ${RESERVE_COLUMNS}`);
      const first = await store.append('deal-reserved', 'no_stream', [claim(1)], {
        reserved: { positions: [Number(reserved.reserved_position)], recordedAt: reserved.reserved_at },
      });
      expect(first.positions).toEqual([Number(reserved.reserved_position)]);
      expect(first.recordedAt.toISOString()).toBe(reserved.reserved_at);
      const [later] = await dataSource.query(`select ${RESERVE_COLUMNS}`);
      const earlier = new Date(first.recordedAt.getTime() - 1000).toISOString();
      await expect(
        store.append('deal-reserved', 1, [claim(2)], {
          reserved: { positions: [Number(later.reserved_position)], recordedAt: earlier },
        }),
      ).rejects.toBeInstanceOf(WrongExpectedVersionError);
      expect(await count('deal-reserved')).toBe(1);
    });
  });

  describe('idempotency', () => {
    it('returns the first result for a repeated key and writes nothing, also after a restart', async () => {
      const first = await store.append('deal-idem', 'any', [claim(1)], { idempotencyKey: 'key-1' });
      const again = await store.append('deal-idem', 'any', [claim(1)], { idempotencyKey: 'key-1' });
      expect(again).toMatchObject({ ...first, duplicate: true, recordedAt: first.recordedAt });
      expect(await count('deal-idem')).toBe(1);

      // a new process: a new connection pool and a new store instance
      const restarted = await openDataSource(db.url, 2);
      try {
        const afterRestart = await new EventStore(restarted).append('deal-idem', 'any', [claim(1)], {
          idempotencyKey: 'key-1',
        });
        expect(afterRestart).toMatchObject({ fromVersion: first.fromVersion, toVersion: first.toVersion, duplicate: true });
      } finally {
        await restarted.destroy();
      }
      expect(await count('deal-idem')).toBe(1);
    });

    it('refuses the same key with a different request', async () => {
      await store.append('deal-idem2', 'any', [claim(1)], { idempotencyKey: 'key-2' });
      await expect(store.append('deal-idem2', 'any', [claim(9)], { idempotencyKey: 'key-2' })).rejects.toBeInstanceOf(
        IdempotencyKeyReusedError,
      );
      expect(await count('deal-idem2')).toBe(1);
    });

    it('writes once when the same key races itself', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.append('deal-idem3', 'any', [claim(1)], { idempotencyKey: 'key-3' })),
      );
      expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
      expect(await count('deal-idem3')).toBe(1);
    });

    it('does not keep the key of an append that failed', async () => {
      await store.append('deal-idem4', 'no_stream', [claim(1)]);
      await expect(store.append('deal-idem4', 0, [claim(2)], { idempotencyKey: 'key-4' })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      const retried = await store.append('deal-idem4', 1, [claim(2)], { idempotencyKey: 'key-4' });
      expect(retried).toMatchObject({ duplicate: false, toVersion: 2 });
    });
  });

  describe('reading', () => {
    it('reads a stream by version range and by recorded time', async () => {
      await store.append('deal-read', 'no_stream', [claim(1), claim(2)]);
      await sleep(20);
      const cut = new Date();
      await sleep(20);
      await store.append('deal-read', 2, [claim(3)]);
      expect((await store.readStream('deal-read', { fromVersion: 2 })).map((e) => e.version)).toEqual([2, 3]);
      expect((await store.readStream('deal-read', { toVersion: 1 })).map((e) => e.version)).toEqual([1]);
      expect((await store.readStream('deal-read', { recordedUpTo: cut })).map((e) => e.version)).toEqual([1, 2]);
    });

    it('upcasts old schema versions on read without rewriting the stored event', async () => {
      await store.append('deal-upcast', 'no_stream', [{ type: 'PriceReported', schemaVersion: 1, data: { amount: 715 } }]);
      const upcasting = new EventStore(dataSource);
      upcasting.upcasters
        .register('PriceReported', 1, (d) => ({ amount: { value: String(d.amount), currency: 'USD' } }))
        .register('PriceReported', 2, (d) => ({ ...d, qualifier: 'exact' }));
      const [event] = await upcasting.readStream('deal-upcast');
      expect(event.schemaVersion).toBe(3);
      expect(event.data).toEqual({ amount: { value: '715', currency: 'USD' }, qualifier: 'exact' });
      const [raw] = await dataSource.query(`select schema_version, data from es_events where stream_id = 'deal-upcast'`);
      expect(raw).toEqual({ schema_version: 1, data: { amount: 715 } });
    });
  });

  describe('hash chain', () => {
    it('verifies an untouched log and names the first tampered event of each stream', async () => {
      await store.append('deal-chain', 'no_stream', [claim(1), claim(2), claim(3)]);
      await store.append('deal-chain-2', 'no_stream', [claim(1), claim(2)]);
      const clean = await store.verify();
      expect(clean.ok).toBe(true);
      expect(clean.checked).toBe(await count());

      const [target] = await dataSource.query(
        `select position from es_events where stream_id = 'deal-chain' and version = 2`,
      );
      // the log is append-only: tampering takes the setting only migrations set
      await dataSource.transaction(async (m) => {
        await m.query(`set local newsroom.log_rewrite = 'on'`);
        await m.query(`update es_events set data = jsonb_set(data, '{statement}', '"claim 2 (edited)"') where position = $1`, [
          target.position,
        ]);
        await m.query(`delete from es_events where stream_id = 'deal-chain-2' and version = 2`);
      });
      const result = await store.verify();
      expect(result.ok).toBe(false);
      expect(result.broken).toEqual([
        { streamId: 'deal-chain', version: 2, position: Number(target.position), reason: 'hash_mismatch' },
        expect.objectContaining({ streamId: 'deal-chain-2', reason: 'head_mismatch' }),
      ]);
    });
  });

  describe('global order and subscriptions', () => {
    it('delivers every event exactly once, in increasing order, while writers hold transactions open', async () => {
      await dataSource.query('create table if not exists hook_probe (stream_id text, version int)');
      const seen: StoredEvent[] = [];
      const runner = new SubscriptionRunner(store, dataSource, 'race-reader', async (events) => {
        seen.push(...events.filter((e) => e.streamId.startsWith('race-')));
      }, { batchSize: 7, pollIntervalMs: 5 });
      runner.start();
      const writers = Array.from({ length: 6 }, async (_, w) => {
        for (let i = 0; i < 15; i++) {
          const slow = w % 2 === 0 && i % 3 === 0;
          await store.append(`race-${w}`, 'any', [claim(i), claim(i + 1000)], {
            // some writers keep their transaction open after taking positions
            alsoWrite: slow
              ? (first) => ({ ctes: `slow as (insert into hook_probe select 'slow', 0 from fresh, pg_sleep($${first}))`, parameters: [(30 + ((w * 7 + i) % 40)) / 1000] })
              : undefined,
          });
        }
      });
      await Promise.all(writers);
      const deadline = Date.now() + 20000;
      while (seen.length < 180 && Date.now() < deadline) await sleep(20);
      await runner.stop();

      const written = await dataSource.query(`select count(*)::int as n from es_events where stream_id like 'race-%'`);
      expect(written[0].n).toBe(180);
      expect(seen).toHaveLength(180);
      expect(new Set(seen.map((e) => e.position)).size).toBe(180);
      for (let i = 1; i < seen.length; i++) {
        const a = seen[i - 1];
        const b = seen[i];
        const increasing = BigInt(b.txId) > BigInt(a.txId) || (b.txId === a.txId && b.position > a.position);
        expect(increasing).toBe(true);
      }
      // per stream, versions arrive in order
      for (let w = 0; w < 6; w++) {
        const versions = seen.filter((e) => e.streamId === `race-${w}`).map((e) => e.version);
        expect(versions).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      }
    });

    it('resumes a stopped subscriber from its checkpoint without loss or duplication', async () => {
      for (let i = 0; i < 40; i++) await store.append(`resume-${i % 4}`, 'any', [claim(i)]);
      const seen: number[] = [];
      let failAfter = 3;
      const handler = async (events: StoredEvent[]) => {
        const mine = events.filter((e) => e.streamId.startsWith('resume-'));
        if (mine.length > 0 && failAfter-- === 0) throw new Error('crash in the middle of a batch');
        seen.push(...mine.map((e) => e.position));
      };
      const first = new SubscriptionRunner(store, dataSource, 'resumer', handler, { batchSize: 5 });
      // the horizon (see below) can hold the first catch-up short of the batch that crashes:
      // catch up again until it does
      let crash: unknown;
      const crashDeadline = Date.now() + 20_000;
      while (crash === undefined && Date.now() < crashDeadline) {
        crash = await first.catchUp().then(() => sleep(50), (error: unknown) => error ?? null);
      }
      expect(crash).toBeInstanceOf(Error);
      expect((crash as Error).message).toContain('crash');
      const afterCrash = seen.length;
      expect(afterCrash).toBeGreaterThan(0);

      const second = new SubscriptionRunner(store, dataSource, 'resumer', handler, { batchSize: 5 });
      await second.catchUp();
      for (let i = 40; i < 50; i++) await store.append(`resume-${i % 4}`, 'any', [claim(i)]);
      // a subscriber reads below the oldest running transaction of the whole server, and other
      // test files' transactions run beside this one: catch up until that horizon has passed
      const deadline = Date.now() + 20_000;
      await second.catchUp();
      while (seen.length < 50 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        await second.catchUp();
      }

      const all: { position: string }[] = await dataSource.query(
        `select position from es_events where stream_id like 'resume-%' order by tx_id, position`,
      );
      expect(seen).toEqual(all.map((r) => Number(r.position)));
      expect(await second.checkpoint()).not.toEqual(START);
    });

    it('keeps one active runner per subscriber name', async () => {
      const a = new SubscriptionRunner(store, dataSource, 'exclusive', async () => undefined, { pollIntervalMs: 10 });
      a.start();
      const b = new SubscriptionRunner(store, dataSource, 'exclusive', async () => undefined);
      // b may catch up before a has taken the lock (a slow machine): until a holds it
      let refused: unknown;
      const deadline = Date.now() + 20_000;
      while (refused === undefined && Date.now() < deadline) {
        refused = await b.catchUp().then(() => sleep(20).then(() => undefined), (error: unknown) => error ?? null);
      }
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain('running elsewhere');
      await a.stop();
      await expect(b.catchUp()).resolves.toBeGreaterThanOrEqual(0);
    });
  });
});
