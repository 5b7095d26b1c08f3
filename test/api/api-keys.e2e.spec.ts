import { DataSource } from 'typeorm';
import { API_KEYS_LISTENER_NAME, ApiKeyCache, ApiKeyService, hashApiKey } from '@app/access';
import { startAppInstance, type AppInstance } from '../support/app-instance';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';
import { createKey, UNKNOWN_ID, UUID } from './api-fixtures';

describe('API keys: list, revoke, idempotent creation', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t.close();
  });

  const keyCount = async () => Number((await db.query('select count(*) as n from api_keys'))[0].n);
  const revokedAt = async (id: string): Promise<Date | null> =>
    (await db.query('select revoked_at from api_keys where id = $1', [id]))[0].revoked_at;
  const listenerPids = async (): Promise<number[]> =>
    (
      await db.query('select pid from pg_stat_activity where application_name = $1 and datname = current_database() order by pid', [
        API_KEYS_LISTENER_NAME,
      ])
    ).map((row: { pid: number }) => row.pid);
  const until = async (what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  describe('GET /api-keys', () => {
    it('lists every key with id, name, roles, createdAt and revokedAt, never a secret or a hash', async () => {
      const created = await createKey(t, ['editor', 'reader'], 'Listed desk');
      const res = await t.request('GET', '/api-keys?limit=500');
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(['items', 'nextCursor']);
      expect(res.body.nextCursor).toBeNull();
      const item = res.body.items.find((i: { id: string }) => i.id === created.id);
      expect(item).toEqual({ id: created.id, name: 'Listed desk', roles: ['editor', 'reader'], createdAt: expect.any(String), revokedAt: null });
      expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
      for (const listed of res.body.items) expect(Object.keys(listed).sort()).toEqual(['createdAt', 'id', 'name', 'revokedAt', 'roles']);
      const hashes: { key_hash: string }[] = await db.query('select key_hash from api_keys');
      for (const { key_hash } of hashes) expect(res.text).not.toContain(key_hash);
      for (const secret of [created.key, ADMIN_KEY, t.keys.editor, t.keys.reader]) expect(res.text).not.toContain(secret);
      expect(res.body.items).toHaveLength(await keyCount());
    });

    it('pages with limit and cursor: oldest first, each key once, stable while keys are added', async () => {
      for (let i = 0; i < 5; i++) await createKey(t, ['reader'], `paged ${i}`);
      const all: { id: string }[] = await db.query('select id from api_keys order by created_at, id');
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.request('GET', `/api-keys?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
        // a key created mid-way comes last: it is on a later page, not a repeat
        if (pages === 0) all.push({ id: (await createKey(t, ['reader'], 'added while paging')).id });
        pages += 1;
      } while (cursor && pages < 50);
      expect(seen).toEqual(all.map((row) => row.id));
      expect(pages).toBeGreaterThan(3);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from(JSON.stringify({ after: ['2020-01-01', 'x'] })).toString('base64url')}`, 'cursor'],
    ])('answers %s with a 400 naming the parameter', async (query, field) => {
      const res = await t.request('GET', `/api-keys?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });

    it.each(['editor', 'reader', 'fact_checker'] as const)('refuses a %s key with 403, and no key with 401', async (role) => {
      expect((await t.request('GET', '/api-keys', { key: t.keys[role] })).status).toBe(403);
      expect((await t.request('GET', '/api-keys', { key: null })).status).toBe(401);
    });
  });

  describe('DELETE /api-keys/{id}', () => {
    it('revokes a key: 204, then 401 from the next request on, and the list shows when', async () => {
      const victim = await createKey(t, ['reader']);
      expect((await t.request('GET', '/deals', { key: victim.key })).status).toBe(200);
      const res = await t.request('DELETE', `/api-keys/${victim.id}`);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const refused = await t.request('GET', '/deals', { key: victim.key });
      expect(refused.status).toBe(401);
      expect(refused.body.type).toBe('/problems/invalid-api-key');
      const first = await revokedAt(victim.id);
      expect(first).toBeInstanceOf(Date);
      const listed = (await t.request('GET', '/api-keys?limit=500')).body.items.find((i: { id: string }) => i.id === victim.id);
      expect(listed.revokedAt).toBe(first!.toISOString());
      // revoking again changes nothing
      expect((await t.request('DELETE', `/api-keys/${victim.id}`)).status).toBe(204);
      expect(await revokedAt(victim.id)).toEqual(first);
    });

    it('answers an unknown id with a problem+json 404 and a malformed one with a 400', async () => {
      const unknown = await t.request('DELETE', `/api-keys/${UNKNOWN_ID}`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');
      expect(unknown.body).toMatchObject({ status: 404, type: '/problems/api-key-not-found' });
      const malformed = await t.request('DELETE', '/api-keys/not-a-uuid');
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toContain('application/problem+json');
    });

    it('lets only an admin revoke', async () => {
      const victim = await createKey(t, ['reader']);
      expect((await t.request('DELETE', `/api-keys/${victim.id}`, { key: t.keys.editor })).status).toBe(403);
      expect((await t.request('DELETE', `/api-keys/${victim.id}`, { key: victim.key })).status).toBe(403);
      expect((await t.request('DELETE', `/api-keys/${victim.id}`, { key: null })).status).toBe(401);
      expect(await revokedAt(victim.id)).toBeNull();
    });
  });

  describe('the key cache', () => {
    it('answers a key it has seen from memory: a change made in SQL behind the API’s back is not read', async () => {
      const known = await createKey(t, ['reader']);
      expect((await t.request('GET', '/deals', { key: known.key })).status).toBe(200);
      await db.query('update api_keys set revoked_at = now() where id = $1', [known.id]);
      expect((await t.request('GET', '/deals', { key: known.key })).status).toBe(200);
      // what the API itself changes is announced, and every cached key is read again
      const other = await createKey(t, ['reader']);
      expect((await t.request('DELETE', `/api-keys/${other.id}`)).status).toBe(204);
      expect((await t.request('GET', '/deals', { key: known.key })).status).toBe(401);
    });

    it('reads every key from the database while its listener is down, and starts empty once it is back', async () => {
      const known = await createKey(t, ['reader']);
      expect((await t.request('GET', '/deals', { key: known.key })).status).toBe(200);
      const [before] = await listenerPids();
      expect(before).toEqual(expect.any(Number));
      const cache = t.app.get(ApiKeyCache);
      await db.query('select pg_terminate_backend($1, 5000)', [before]);
      await until('the listener to be seen down or replaced', async () => !cache.isListening || !(await listenerPids()).includes(before));
      // revoked without a notification: only a cache that is bypassed or was emptied sees it
      await db.query('update api_keys set revoked_at = now() where id = $1', [known.id]);
      expect((await t.request('GET', '/deals', { key: known.key })).status).toBe(401);

      await until('the listener to be back', async () => cache.isListening && (await listenerPids()).length === 1);
      expect(await listenerPids()).not.toContain(before);
      // back in use: a key is answered from memory again, and a revocation is heard again
      const again = await createKey(t, ['reader']);
      expect((await t.request('GET', '/deals', { key: again.key })).status).toBe(200);
      await db.query('update api_keys set revoked_at = now() where id = $1', [again.id]);
      expect((await t.request('GET', '/deals', { key: again.key })).status).toBe(200);
      const other = await createKey(t, ['reader']);
      expect((await t.request('DELETE', `/api-keys/${other.id}`)).status).toBe(204);
      expect((await t.request('GET', '/deals', { key: again.key })).status).toBe(401);
    });
  });

  describe('two API instances on one database', () => {
    let second: AppInstance;

    beforeAll(async () => {
      second = await startAppInstance(t.db);
    });

    afterAll(async () => {
      await second.close();
    });

    it.each([
      ['revoked through the first is refused by the second', () => t.request, () => second.request],
      ['revoked through the second is refused by the first', () => second.request, () => t.request],
    ])('a key %s on the next request', async (_, revoker, checker) => {
      const victim = await createKey(t, ['reader']);
      // both instances have the key in memory
      for (let i = 0; i < 2; i++) {
        expect((await t.request('GET', '/deals', { key: victim.key })).status).toBe(200);
        expect((await second.request('GET', '/deals', { key: victim.key })).status).toBe(200);
      }
      expect((await revoker()('DELETE', `/api-keys/${victim.id}`)).status).toBe(204);
      const refused = await checker()('GET', '/deals', { key: victim.key });
      expect(refused.status).toBe(401);
      expect(refused.body.type).toBe('/problems/invalid-api-key');
    });
  });

  describe('BOOTSTRAP_ADMIN_KEY', () => {
    it('makes an admin key at start-up, and a restart never revives it once revoked', async () => {
      const bootstrapKey = `bootstrap-${'x'.repeat(24)}-${Date.now()}`;
      const first = await startAppInstance(t.db, { BOOTSTRAP_ADMIN_KEY: bootstrapKey });
      try {
        const made = await first.request('POST', '/api-keys', { key: bootstrapKey, body: { name: 'made by bootstrap', roles: ['reader'] } });
        expect(made.status).toBe(201);
      } finally {
        await first.close();
      }
      const [row]: { id: string; roles: string[] }[] = await db.query('select id, roles from api_keys where key_hash = $1', [hashApiKey(bootstrapKey)]);
      expect(row.roles).toEqual(['admin']);
      expect((await t.request('DELETE', `/api-keys/${row.id}`)).status).toBe(204);
      const revokedWhen = await revokedAt(row.id);

      const restarted = await startAppInstance(t.db, { BOOTSTRAP_ADMIN_KEY: bootstrapKey });
      try {
        const refused = await restarted.request('GET', '/api-keys', { key: bootstrapKey });
        expect(refused.status).toBe(401);
      } finally {
        await restarted.close();
      }
      expect((await t.request('GET', '/deals', { key: bootstrapKey })).status).toBe(401);
      expect(await revokedAt(row.id)).toEqual(revokedWhen);
      expect(await db.query('select count(*)::int as n from api_keys where key_hash = $1', [hashApiKey(bootstrapKey)])).toEqual([{ n: 1 }]);
    });

    it('adds the admin role to a live key that lacks it', async () => {
      const service = t.app.get(ApiKeyService);
      const reader = await service.create('reader to promote', ['reader']);
      expect(await service.ensure(reader.key, 'bootstrap admin', ['admin'])).toEqual({ id: reader.id, revoked: false });
      expect((await t.request('GET', '/api-keys', { key: reader.key })).status).toBe(200);
    });
  });

  describe('POST /api-keys with an Idempotency-Key', () => {
    it('makes one key out of 5 concurrent requests; the others learn its id, never a body without the key', async () => {
      const before = await keyCount();
      const headers = { 'idempotency-key': 'concurrent-key-1' };
      const body = { name: 'made once', roles: ['reader'] };
      const answers = await Promise.all(Array.from({ length: 5 }, () => t.request('POST', '/api-keys', { headers, body })));
      const created = answers.filter((res) => res.status === 201);
      expect(created).toHaveLength(1);
      expect(created[0].body).toEqual({ id: expect.stringMatching(UUID), name: 'made once', roles: ['reader'], key: expect.stringMatching(/^nfk_/) });
      const id = created[0].body.id;
      for (const res of answers.filter((r) => r.status !== 201)) {
        expect(res.status).toBe(409);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body).toMatchObject({ type: '/problems/key-already-shown', status: 409, id });
        expect(res.body.detail).toContain(id);
        expect(res.body.key).toBeUndefined();
      }
      expect(await keyCount()).toBe(before + 1);
      const stored: { stream_id: string; result: unknown }[] = await db.query('select stream_id, result from es_idempotency where key like $1', [
        '%:concurrent-key-1',
      ]);
      expect(stored).toEqual([{ stream_id: 'api-keys', result: { id } }]);
      // the key made works
      expect((await t.request('GET', '/deals', { key: created[0].body.key })).status).toBe(200);
    });

    it('answers a later replay with the same 409, and another body under the same key with a 422', async () => {
      const headers = { 'idempotency-key': 'replayed-key-1' };
      const first = await t.request('POST', '/api-keys', { headers, body: { name: 'once', roles: ['reader', 'editor'] } });
      expect(first.status).toBe(201);
      const before = await keyCount();
      const replay = await t.request('POST', '/api-keys', { headers, body: { roles: ['reader', 'editor'], name: 'once' } });
      expect(replay.status).toBe(409);
      expect(replay.body).toMatchObject({ type: '/problems/key-already-shown', id: first.body.id });
      expect(replay.text).not.toContain(first.body.key);
      const other = await t.request('POST', '/api-keys', { headers, body: { name: 'another', roles: ['reader'] } });
      expect(other.status).toBe(422);
      expect(other.headers.get('content-type')).toContain('application/problem+json');
      expect(other.body.type).toBe('/problems/idempotency-key-reused');
      expect(await keyCount()).toBe(before);
    });

    it('keeps Idempotency-Keys apart per acting admin key', async () => {
      const otherAdmin = await createKey(t, ['admin']);
      const headers = { 'idempotency-key': 'shared-name-1' };
      const body = { name: 'per admin', roles: ['reader'] };
      const mine = await t.request('POST', '/api-keys', { headers, body });
      const theirs = await t.request('POST', '/api-keys', { key: otherAdmin.key, headers, body });
      expect([mine.status, theirs.status]).toEqual([201, 201]);
      expect(theirs.body.id).not.toBe(mine.body.id);
    });

    it.each([
      ['a space in it', 'has space'],
      ['201 characters', 'k'.repeat(201)],
    ])('refuses an Idempotency-Key with %s with a 400 and makes no key', async (_, given) => {
      const before = await keyCount();
      const res = await t.request('POST', '/api-keys', { headers: { 'idempotency-key': given }, body: { name: 'bad idem', roles: ['reader'] } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('Idempotency-Key');
      expect(await keyCount()).toBe(before);
    });
  });
});
