import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import { openDeal, recordClaim, validVerdict } from '../api/api-fixtures';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/test-app';

/**
 * Each tamper scenario runs on a copy of one database holding two deals and
 * two signed checkpoints: the service is started on the copy, the copy is
 * tampered with as the superuser (lifting the append-only triggers the way
 * only migrations should), and GET /audit/verify must report exactly what was done.
 */

interface Served {
  request(method: string, path: string, key?: string): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  sql(text: string, parameters?: unknown[]): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

interface Finding {
  streamId?: string;
  position?: number;
  checkpointId?: number;
  reason: string;
}

let fixture: TestApp;
let keyDir: string;
let keyFile: string;
let dealA: string;
let dealB: string;
let clones = 0;

function adminUrl(database: string): string {
  const u = new URL(process.env.TEST_ADMIN_URL as string);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The service on a copy of the fixture database, and a superuser connection to tamper with it. */
async function serveCopy(): Promise<Served> {
  const name = `${fixture.db.name}_copy${++clones}`;
  const admin = new Client({ connectionString: adminUrl('postgres') });
  await admin.connect();
  await admin.query(`create database ${name} template ${fixture.db.name}`);
  await admin.end();
  const app: NestFastifyApplication = await createApp(
    loadConfig({
      DATABASE_URL: adminUrl(name),
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      DEMO_DATA: 'false',
      LOG_LEVEL: 'error',
      CHECKPOINT_KEY_FILE: keyFile,
      CHECKPOINT_INTERVAL_SECONDS: '0',
    }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const superuser = new Client({ connectionString: adminUrl(name) });
  await superuser.connect();
  // what only migrations do: lift the append-only triggers for this session
  await superuser.query(`set newsroom.log_rewrite = 'on'`);
  return {
    async request(method, path, key = ADMIN_KEY) {
      const response = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${key}` } });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async sql(text, parameters = []) {
      return (await superuser.query(text, parameters)).rows;
    },
    async close() {
      await superuser.end();
      await app.close();
      const c = new Client({ connectionString: adminUrl('postgres') });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The findings of GET /audit/verify, without their explanatory text. */
async function verify(served: Served): Promise<{ ok: boolean; broken: Finding[]; drift: { dealId: string; fields: string[] }[] }> {
  const res = await served.request('GET', '/audit/verify');
  expect(res.status).toBe(200);
  const broken = (res.body.broken as (Finding & { detail?: string; version?: number })[]).map(
    ({ streamId, position, checkpointId, reason }) => ({
      ...(streamId !== undefined ? { streamId } : {}),
      ...(position !== undefined ? { position } : {}),
      ...(checkpointId !== undefined ? { checkpointId } : {}),
      reason,
    }),
  );
  return { ok: res.body.ok, broken, drift: res.body.drift };
}

async function event(served: Served, dealId: string, version: number): Promise<{ position: number; hash: string }> {
  const [row] = await served.sql(`select position, hash from es_events where stream_id = $1 and version = $2`, [`deal-${dealId}`, version]);
  return { position: Number(row.position), hash: row.hash };
}

/** Recomputes the stream's chain from `fromVersion` on with the database's own es_event_hash, and its head. */
async function rechain(served: Served, dealId: string): Promise<void> {
  const rows = await served.sql(`select position from es_events where stream_id = $1 order by version`, [`deal-${dealId}`]);
  for (const { position } of rows) {
    await served.sql(
      `update es_events e set hash = es_event_hash(coalesce((select p.hash from es_events p where p.stream_id = e.stream_id and p.version = e.version - 1), ''),
         e.position, e.tx_id, e.stream_id, e.version, e.type, e.schema_version, e.data, e.metadata, e.recorded_at)
        where position = $1`,
      [position],
    );
  }
  await served.sql(
    `update es_streams s set version = e.version, last_hash = e.hash
       from (select version, hash from es_events where stream_id = $1 order by version desc limit 1) e where s.stream_id = $1`,
    [`deal-${dealId}`],
  );
}

const stream = (dealId: string) => `deal-${dealId}`;

beforeAll(async () => {
  keyDir = await mkdtemp(join(tmpdir(), 'newsroom-key-'));
  keyFile = join(keyDir, 'checkpoint-key.pem');
  fixture = await startTestApp({ CHECKPOINT_KEY_FILE: keyFile, CHECKPOINT_INTERVAL_SECONDS: '0' });
  const { editor, fact_checker } = fixture.keys;
  // deal A: opened, two claims, a verdict (versions 1-4); checkpoint 1
  dealA = await openDeal(fixture, editor, 'Deal A');
  const claim = await recordClaim(fixture, editor, dealA);
  await recordClaim(fixture, editor, dealA, { kind: 'talks_reported', statement: 'The two are in talks.', occurredAt: '2021-02' });
  const verdict = await fixture.request('POST', `/claims/${claim}/verdicts`, { key: fact_checker, body: validVerdict() });
  expect(verdict.status).toBe(201);
  expect((await fixture.request('POST', '/audit/checkpoints')).status).toBe(201);
  // deal B: opened, one claim; deal A: a third claim (version 5); checkpoint 2 covers all seven events
  dealB = await openDeal(fixture, editor, 'Deal B');
  await recordClaim(fixture, editor, dealB);
  await recordClaim(fixture, editor, dealA, { statement: 'A second offer.', occurredAt: '2021-04' });
  const second = await fixture.request('POST', '/audit/checkpoints');
  expect(second.status).toBe(201);
  expect(second.body).toMatchObject({ id: 2, treeSize: 7 });
  await fixture.app.close();
});

afterAll(async () => {
  await fixture.db.drop();
  await rm(keyDir, { recursive: true, force: true });
});

describe('tampering with the log is reported by GET /audit/verify', () => {
  let served: Served;
  beforeEach(async () => {
    served = await serveCopy();
  });
  afterEach(async () => {
    await served.close();
  });

  it('an untouched copy verifies: every chain, both checkpoints, every deal', async () => {
    const res = await served.request('GET', '/audit/verify');
    expect(res.body).toMatchObject({ ok: true, checked: 7, checkpoint: { id: 2, treeSize: 7 }, broken: [], drift: [] });
  });

  it('(1) an event whose data changed', async () => {
    const target = await event(served, dealA, 3);
    await served.sql(`update es_events set data = jsonb_set(data, '{statement}', '"They never talked."') where position = $1`, [target.position]);
    expect(await verify(served)).toEqual({
      ok: false,
      broken: [{ streamId: stream(dealA), position: target.position, reason: 'hash_mismatch' }],
      drift: [],
    });
  });

  it('(2) an event whose metadata changed', async () => {
    const target = await event(served, dealA, 2);
    await served.sql(`update es_events set metadata = metadata || '{"actorId": "someone else"}' where position = $1`, [target.position]);
    expect(await verify(served)).toEqual({
      ok: false,
      broken: [{ streamId: stream(dealA), position: target.position, reason: 'hash_mismatch' }],
      drift: [],
    });
  });

  it('(3) an event whose recorded_at changed', async () => {
    const target = await event(served, dealA, 2);
    await served.sql(`update es_events set recorded_at = recorded_at - interval '1 day' where position = $1`, [target.position]);
    expect(await verify(served)).toEqual({
      ok: false,
      broken: [{ streamId: stream(dealA), position: target.position, reason: 'hash_mismatch' }],
      drift: [],
    });
  });

  it('(4) a middle event deleted', async () => {
    const target = await event(served, dealA, 3);
    const next = await event(served, dealA, 4);
    await served.sql(`delete from es_events where position = $1`, [target.position]);
    const result = await verify(served);
    expect(result.broken).toEqual([
      { streamId: stream(dealA), position: next.position, reason: 'version_gap' },
      { checkpointId: 2, reason: 'checkpoint_mismatch' },
    ]);
    expect(result.drift).toEqual([{ dealId: dealA, fields: expect.arrayContaining(['claimCounts']) }]);
  });

  it('(5) the last event deleted', async () => {
    const target = await event(served, dealA, 5);
    await served.sql(`delete from es_events where position = $1`, [target.position]);
    const result = await verify(served);
    expect(result.broken).toEqual([
      { streamId: stream(dealA), position: (await event(served, dealA, 4)).position, reason: 'head_mismatch' },
      { checkpointId: 2, reason: 'checkpoint_mismatch' },
    ]);
    expect(result.drift).toEqual([{ dealId: dealA, fields: expect.arrayContaining(['version']) }]);
  });

  it('(6) two events with their versions swapped', async () => {
    const second = await event(served, dealA, 2);
    const third = await event(served, dealA, 3);
    await served.sql(`update es_events set version = -2 where position = $1`, [second.position]);
    await served.sql(`update es_events set version = 2 where position = $1`, [third.position]);
    await served.sql(`update es_events set version = 3 where position = $1`, [second.position]);
    expect(await verify(served)).toEqual({
      ok: false,
      broken: [{ streamId: stream(dealA), position: third.position, reason: 'hash_mismatch' }],
      drift: [],
    });
    expect(second.position).toBeLessThan(third.position);
  });

  it('(7) an event rewritten and its chain recomputed with es_event_hash', async () => {
    const target = await event(served, dealA, 3);
    await served.sql(`update es_events set data = jsonb_set(data, '{statement}', '"They never talked."') where position = $1`, [target.position]);
    await rechain(served, dealA);
    expect(await verify(served)).toEqual({ ok: false, broken: [{ checkpointId: 2, reason: 'checkpoint_mismatch' }], drift: [] });
  });

  it('(8) the last event deleted and the stream head moved back', async () => {
    const target = await event(served, dealA, 5);
    await served.sql(`delete from es_events where position = $1`, [target.position]);
    await rechain(served, dealA);
    const result = await verify(served);
    expect(result.broken).toEqual([{ checkpointId: 2, reason: 'checkpoint_mismatch' }]);
    expect(result.drift).toEqual([{ dealId: dealA, fields: expect.arrayContaining(['version']) }]);
  });

  it('(9) a whole stream deleted, its head and its read models too', async () => {
    await served.sql(`delete from es_events where stream_id = $1`, [stream(dealB)]);
    await served.sql(`delete from es_streams where stream_id = $1`, [stream(dealB)]);
    for (const table of ['deals', 'deal_claims', 'deal_timeline']) await served.sql(`delete from ${table} where deal_id = $1`, [dealB]);
    expect(await verify(served)).toEqual({ ok: false, broken: [{ checkpointId: 2, reason: 'checkpoint_mismatch' }], drift: [] });
  });

  it('(10) two events with their global positions swapped', async () => {
    const a = await event(served, dealA, 5);
    const b = await event(served, dealB, 2);
    await served.sql(`update es_events set position = -1 where position = $1`, [a.position]);
    await served.sql(`update es_events set position = $1 where position = $2`, [a.position, b.position]);
    await served.sql(`update es_events set position = $1 where position = -1`, [b.position]);
    // both chains break, and the checkpoint's last event is no longer at the position it signed
    expect((await verify(served)).broken).toEqual([
      ...[
        { streamId: stream(dealA), position: b.position, reason: 'hash_mismatch' },
        { streamId: stream(dealB), position: a.position, reason: 'hash_mismatch' },
      ].sort((x, y) => (x.streamId < y.streamId ? -1 : 1)),
      { checkpointId: 2, reason: 'checkpoint_mismatch' },
    ]);
  });

  it('(11) an event forged into the checkpointed part of the log, with a valid chain and head', async () => {
    const first = await served.sql(`select tx_id::text as tx_id from es_events order by tx_id, position limit 1`);
    await served.sql(
      `insert into es_streams (stream_id, version, last_hash, last_recorded_at) values ('deal-forged', 1, '', now())`,
    );
    await served.sql(
      `insert into es_events (position, tx_id, stream_id, version, type, schema_version, data, metadata, recorded_at, hash)
       values (100000, $1::xid8, 'deal-forged', 1, 'Note', 1, '{}', '{}', now(),
               es_event_hash('', 100000, $1::xid8, 'deal-forged', 1, 'Note', 1, '{}', '{}', now()))`,
      [first[0].tx_id],
    );
    await served.sql(`update es_streams set last_hash = (select hash from es_events where stream_id = 'deal-forged') where stream_id = 'deal-forged'`);
    expect(await verify(served)).toEqual({ ok: false, broken: [{ checkpointId: 2, reason: 'checkpoint_mismatch' }], drift: [] });
  });

  it('a projection row edited: readers are served what the events do not say', async () => {
    await served.sql(`update deals set status = 'completed' where deal_id = $1`, [dealB]);
    const listed = await served.request('GET', '/deals?status=completed');
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([dealB]);
    expect(await verify(served)).toEqual({ ok: false, broken: [], drift: [{ dealId: dealB, fields: ['status'] }] });
  });

  it("a checkpoint's signature replaced: the log is checked against the newest checkpoint still signed", async () => {
    const [other] = await served.sql(`select signature from es_log_checkpoints where id = 1`);
    await served.sql(`update es_log_checkpoints set signature = $1 where id = 2`, [other.signature]);
    const res = await served.request('GET', '/audit/verify');
    expect(res.body.checkpoint).toMatchObject({ id: 1 });
    expect(await verify(served)).toEqual({ ok: false, broken: [{ checkpointId: 2, reason: 'signature_invalid' }], drift: [] });
  });

  it('a checkpoint between two others deleted: the next one is no longer proved an extension', async () => {
    expect((await served.request('POST', '/audit/checkpoints')).status).toBe(201);
    await served.sql(`delete from es_log_checkpoints where id = 2`);
    expect(await verify(served)).toEqual({ ok: false, broken: [{ checkpointId: 3, reason: 'checkpoint_inconsistent' }], drift: [] });
  });
});
