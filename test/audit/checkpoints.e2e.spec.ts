import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadConfig } from '@app/platform';
import { createApp } from '../../apps/api/src/app.factory';
import { openDeal, recordClaim, validDeal } from '../api/api-fixtures';
import { createTestDatabase } from '../support/test-database';
import { ADMIN_KEY, startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

const RUNTIME_ROLE = 'newsroom_test_runtime';
const RUNTIME_PASSWORD = 'runtime-password-for-tests';

/** A login role in the group role the migrations grant the service's rights to. */
async function ensureRuntimeRole(): Promise<void> {
  const admin = new Client({ connectionString: process.env.TEST_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`
      do $$
      begin
        if not exists (select 1 from pg_roles where rolname = '${RUNTIME_ROLE}') then
          create role ${RUNTIME_ROLE} login password '${RUNTIME_PASSWORD}' in role newsroom_app;
        end if;
      exception when duplicate_object or unique_violation then null;
      end
      $$`);
  } finally {
    await admin.end();
  }
}

function asRole(url: string, role: string, password: string): string {
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return u.toString();
}

/** The shell-free Node script of docs/audit.md that checks an inclusion proof. */
async function outsiderScript(): Promise<string> {
  const doc = await readFile(join(process.cwd(), 'docs/audit.md'), 'utf8');
  const blocks = [...doc.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks).toHaveLength(1);
  return blocks[0];
}

let t: TestApp;
let keyDir: string;

beforeAll(async () => {
  await ensureRuntimeRole();
  keyDir = await mkdtemp(join(tmpdir(), 'newsroom-key-'));
  t = await startTestApp({ CHECKPOINT_KEY_FILE: join(keyDir, 'checkpoint-key.pem'), CHECKPOINT_INTERVAL_SECONDS: '0' });
});

afterAll(async () => {
  await t.close();
  await rm(keyDir, { recursive: true, force: true });
});

describe('checkpoints over HTTP', () => {
  it('signs on demand (admin only), lists newest first with a cursor, serves the latest, each proved an extension of the one before', async () => {
    expect((await t.request('GET', '/audit/checkpoints/latest')).status).toBe(404);
    expect((await t.request('POST', '/audit/checkpoints', { key: t.keys.editor })).status).toBe(403);
    const dealId = await openDeal(t, t.keys.editor);
    const first = await t.request('POST', '/audit/checkpoints');
    expect(first.status).toBe(201);
    const key = await t.request('GET', '/audit/key', { key: t.keys.reader });
    expect(first.body).toEqual({
      id: expect.any(Number),
      treeSize: 1,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      lastPosition: expect.any(Number),
      createdAt: expect.any(String),
      keyId: key.body.keyId,
      signature: expect.any(String),
    });
    await recordClaim(t, t.keys.editor, dealId);
    const second = (await t.request('POST', '/audit/checkpoints')).body;
    const third = (await t.request('POST', '/audit/checkpoints')).body;
    expect([second.treeSize, third.treeSize]).toEqual([2, 2]);

    const page1 = await t.request('GET', '/audit/checkpoints?limit=2', { key: t.keys.reader });
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((c: { id: number }) => c.id)).toEqual([third.id, second.id]);
    const page2 = await t.request('GET', `/audit/checkpoints?limit=2&cursor=${page1.body.nextCursor}`, { key: t.keys.reader });
    expect(page2.body).toEqual({ items: [first.body], nextCursor: null });
    expect((await t.request('GET', '/audit/checkpoints?cursor=abc')).status).toBe(400);
    expect((await t.request('GET', '/audit/checkpoints/latest', { key: t.keys.reader })).body).toEqual(third);

    const verify = await t.request('GET', '/audit/verify', { key: t.keys.fact_checker });
    expect(verify.body).toMatchObject({ ok: true, checked: 2, checkpoint: third, broken: [], drift: [] });
    expect((await t.request('GET', '/audit/verify', { key: t.keys.reader })).status).toBe(403);
  });

  it('proves one event included, in a way an outsider checks with the docs script and the public key alone', async () => {
    const dealId = await openDeal(t, t.keys.editor, 'Proved deal');
    const checkpoint = (await t.request('POST', '/audit/checkpoints')).body;
    const [opened]: { position: string }[] = await t.app
      .get(DataSource)
      .query(`select position from es_events where stream_id = $1 and version = 1`, [`deal-${dealId}`]);
    const proof = await t.request('GET', `/audit/events/${opened.position}/proof?checkpoint=${checkpoint.id}`, { key: t.keys.reader });
    expect(proof.status).toBe(200);
    expect(proof.body).toMatchObject({ position: Number(opened.position), streamId: `deal-${dealId}`, treeSize: checkpoint.treeSize, checkpoint });
    const publicKey = (await t.request('GET', '/audit/key', { key: t.keys.reader })).body.publicKey;

    const dir = await mkdtemp(join(tmpdir(), 'newsroom-outsider-'));
    try {
      await writeFile(join(dir, 'check-proof.mjs'), await outsiderScript());
      await writeFile(join(dir, 'public-key.pem'), publicKey);
      const check = async (body: unknown) => {
        await writeFile(join(dir, 'proof.json'), JSON.stringify(body));
        return run(process.execPath, ['check-proof.mjs', 'proof.json', 'public-key.pem'], { cwd: dir }).then(
          ({ stdout }) => ({ code: 0, stdout }),
          (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
        );
      };
      expect(await check(proof.body)).toEqual({ code: 0, stdout: `ok: event ${opened.position} is in checkpoint ${checkpoint.id}\n` });
      // the event's content, a node of the path, the root, and the signature: any change fails the check
      const title = proof.body.canonical.replace('Proved deal', 'Proved deaL');
      expect((await check({ ...proof.body, canonical: title })).code).toBe(1);
      const path = [...proof.body.auditPath];
      path[0] = `${path[0][0] === '0' ? '1' : '0'}${path[0].slice(1)}`;
      expect((await check({ ...proof.body, auditPath: path })).code).toBe(1);
      const root = `${checkpoint.rootHash[0] === '0' ? '1' : '0'}${checkpoint.rootHash.slice(1)}`;
      expect((await check({ ...proof.body, checkpoint: { ...checkpoint, rootHash: root } })).code).toBe(1);
      expect((await check({ ...proof.body, checkpoint: { ...checkpoint, treeSize: checkpoint.treeSize + 1 } })).code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('answers 404 for an event a checkpoint does not cover, 400 for a bad position', async () => {
    const checkpoint = (await t.request('POST', '/audit/checkpoints')).body;
    const later = await openDeal(t, t.keys.editor, 'Later deal');
    const [row]: { position: string }[] = await t.app
      .get(DataSource)
      .query(`select position from es_events where stream_id = $1`, [`deal-${later}`]);
    expect((await t.request('GET', `/audit/events/${row.position}/proof?checkpoint=${checkpoint.id}`)).status).toBe(404);
    expect((await t.request('GET', `/audit/events/1/proof?checkpoint=999999`)).status).toBe(404);
    expect((await t.request('GET', '/audit/events/abc/proof')).status).toBe(400);
  });

  it('signs after a rewrite only as an extension of the checkpoint before it, which verify then holds the log to; refuses a tampered frontier', async () => {
    const before = (await t.request('POST', '/audit/checkpoints')).body;
    const admin = new Client({ connectionString: t.db.url });
    await admin.connect();
    try {
      await admin.query(`set newsroom.log_rewrite = 'on'`);
      const [row] = (await admin.query(`select position from es_events order by tx_id, position limit 1`)).rows;
      await admin.query(`update es_events set hash = repeat('0', 64) where position = $1`, [row.position]);
      await openDeal(t, t.keys.editor, 'After the rewrite');
      const after = await t.request('POST', '/audit/checkpoints');
      expect(after.status).toBe(201);
      expect(after.body.treeSize).toBe(before.treeSize + 1);
      const verify = await t.request('GET', '/audit/verify');
      expect(verify.body.broken).toEqual([
        expect.objectContaining({ position: Number(row.position), reason: 'hash_mismatch' }),
        expect.objectContaining({ checkpointId: after.body.id, reason: 'checkpoint_mismatch' }),
      ]);
      expect((await t.request('GET', `/audit/events/${row.position}/proof`)).status).toBe(409);

      await admin.query(`update es_log_checkpoints set frontier = array[repeat('0', 64)] where id = $1`, [after.body.id]);
      const refused = await t.request('POST', '/audit/checkpoints');
      expect(refused.status).toBe(409);
      expect(refused.body.type).toBe('/problems/log-differs-from-checkpoint');
    } finally {
      await admin.end();
    }
  });
});

describe('the runtime role', () => {
  it('serves requests and signs checkpoints, but may not rewrite the log; the triggers refuse even the superuser', async () => {
    const db = await createTestDatabase();
    const app = await createApp(
      loadConfig({
        DATABASE_URL: db.url,
        DATABASE_RUNTIME_URL: asRole(db.url, RUNTIME_ROLE, RUNTIME_PASSWORD),
        BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        DEMO_DATA: 'false',
        LOG_LEVEL: 'error',
        CHECKPOINT_KEY_FILE: join(keyDir, 'checkpoint-key.pem'),
        CHECKPOINT_INTERVAL_SECONDS: '0',
      }),
      { logger: false },
    );
    try {
      await app.listen(0, '127.0.0.1');
      const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const post = (path: string, body?: unknown) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const [{ role }] = await app.get(DataSource).query('select current_user as role');
      expect(role).toBe(RUNTIME_ROLE);
      const editor = (await (await post('/api-keys', { name: 'editor', roles: ['editor'] })).json()) as { key: string };
      const opened = await fetch(`${url}/deals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${editor.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(validDeal()),
      });
      expect(opened.status).toBe(201);
      expect((await post('/audit/checkpoints')).status).toBe(201);
      const verify = await fetch(`${url}/audit/verify`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      expect(await verify.json()).toMatchObject({ ok: true, checked: 1 });

      const runtime = new Client({ connectionString: asRole(db.url, RUNTIME_ROLE, RUNTIME_PASSWORD) });
      await runtime.connect();
      try {
        await runtime.query(`set newsroom.log_rewrite = 'on'`);
        for (const sql of [
          `update es_events set data = '{}'`,
          `delete from es_events`,
          `truncate es_events`,
          `insert into es_events (stream_id, version, type, schema_version, data, metadata, recorded_at, hash)
           values ('deal-x', 1, 'T', 1, '{}', '{}', now(), '')`,
          `update es_streams set version = 0`,
          `delete from es_streams`,
          `update es_log_checkpoints set signature = ''`,
        ]) {
          await expect(runtime.query(sql)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/^permission denied/) });
        }
      } finally {
        await runtime.end();
      }
      const superuser = new Client({ connectionString: db.url });
      await superuser.connect();
      try {
        // every other table, those of later migrations included, is the runtime role's to write
        const unwritable = await superuser.query(
          `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')
              and c.relname not in ('es_events', 'es_streams', 'es_log_checkpoints', 'migrations')
              and not (has_table_privilege('newsroom_app', c.oid, 'insert') and has_table_privilege('newsroom_app', c.oid, 'update'))`,
        );
        expect(unwritable.rows).toEqual([]);
        for (const sql of [`update es_events set data = '{}'`, `delete from es_events`, `truncate es_events`, `delete from es_streams`]) {
          await expect(superuser.query(sql)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/is append-only/) });
        }
      } finally {
        await superuser.end();
      }
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
