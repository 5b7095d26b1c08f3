import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProblemError } from '@app/platform';
import { API_KEYS_CHANNEL, API_KEYS_LISTENER_NAME, ApiKeyCache } from './api-key.cache';
import { Actor, Role } from './roles';

export interface CreatedApiKey {
  id: string;
  name: string;
  roles: Role[];
  /** The secret, shown once: only its SHA-256 is stored. */
  key: string;
}

/** A key as `GET /api-keys` lists it: never its secret or hash. */
export interface ApiKeySummary {
  id: string;
  name: string;
  roles: Role[];
  createdAt: Date;
  revokedAt: Date | null;
}

export interface ApiKeyPage {
  items: ApiKeySummary[];
  nextCursor: string | null;
}

/** An `Idempotency-Key` on key creation, already scoped to the acting key. */
export interface KeyIdempotency {
  /** The client's own key, as sent, for messages. */
  given: string;
  /** The stored key, scoped to the acting key (see `idempotencyOf`). */
  key: string;
  requestHash: string;
}

/** `es_idempotency.stream_id` of the keys created with an Idempotency-Key. */
const IDEMPOTENCY_STREAM = 'api-keys';

/** How long a revocation waits for the instances to say they have emptied their cache. */
const ACKNOWLEDGEMENT_TIMEOUT_MS = 2000;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return /^Bearer\s+(\S+)\s*$/i.exec(value ?? '')?.[1];
}

/** API keys: random secrets stored as SHA-256 hashes, each with one or more roles. */
@Injectable()
export class ApiKeyService {
  /** One lookup per request, shared by the rate limiter and the guard. */
  private readonly lookups = new WeakMap<object, Promise<Actor | null>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: ApiKeyCache,
  ) {}

  /**
   * A new key. With `idempotency`, the key's claim in es_idempotency is written
   * in the same transaction as the key, so racing requests make one key; the
   * others, and every later replay, get a 409 naming its id (the secret was
   * shown once and is not kept), or a 422 when the request differs.
   */
  async create(name: string, roles: Role[], idempotency?: KeyIdempotency): Promise<CreatedApiKey> {
    const id = randomUUID();
    const key = `nfk_${randomBytes(32).toString('base64url')}`;
    const unique = [...new Set(roles)];
    await this.dataSource.transaction(async (manager) => {
      if (idempotency) {
        const claimed: unknown[] = await manager.query(
          `insert into es_idempotency (key, request_hash, stream_id, result) values ($1, $2, $3, jsonb_build_object('id', $4::text))
           on conflict (key) do nothing returning key`,
          [idempotency.key, idempotency.requestHash, IDEMPOTENCY_STREAM, id],
        );
        if (claimed.length === 0) {
          const [first]: { request_hash: string; result: { id?: string } | null }[] = await manager.query(
            'select request_hash, result from es_idempotency where key = $1',
            [idempotency.key],
          );
          if (first.request_hash !== idempotency.requestHash) throw idempotencyKeyReused(idempotency.given);
          throw keyAlreadyShown(idempotency.given, first.result?.id);
        }
      }
      await manager.query('insert into api_keys (id, name, roles, key_hash) values ($1, $2, $3, $4)', [id, name, unique, hashApiKey(key)]);
    });
    return { id, name, roles: unique, key };
  }

  /**
   * Makes sure `key` exists with at least `roles` (BOOTSTRAP_ADMIN_KEY). A
   * revoked key stays revoked: `revoked` tells the caller, and its roles are
   * left as they were.
   */
  async ensure(key: string, name: string, roles: Role[]): Promise<{ id: string; revoked: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const hash = hashApiKey(key);
      const written: { id: string }[] = await manager.query(
        `insert into api_keys (id, name, roles, key_hash) values ($1, $2, $3, $4)
         on conflict (key_hash) do update
           set roles = (select array_agg(distinct r) from unnest(api_keys.roles || excluded.roles) r)
           where api_keys.revoked_at is null
         returning id`,
        [randomUUID(), name, roles, hash],
      );
      if (written.length === 0) {
        const [revoked]: { id: string }[] = await manager.query('select id from api_keys where key_hash = $1', [hash]);
        return { id: revoked.id, revoked: true };
      }
      await manager.query('select pg_notify($1, $2)', [API_KEYS_CHANNEL, written[0].id]);
      return { id: written[0].id, revoked: false };
    });
  }

  async count(): Promise<number> {
    const [row]: { n: string }[] = await this.dataSource.query('select count(*) as n from api_keys');
    return Number(row.n);
  }

  /** A page of keys, oldest first, revoked ones included. */
  async list(page: { limit: number; cursor?: string }): Promise<ApiKeyPage> {
    const after = decodeKeyCursor(page.cursor);
    const rows: (ApiKeySummary & { at: string })[] = await this.dataSource.query(
      `select id, name, roles, created_at as "createdAt", revoked_at as "revokedAt",
              to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at
         from api_keys
        where $1::timestamptz is null or (created_at, id) > ($1::timestamptz, $2::uuid)
        order by created_at, id
        limit $3`,
      [after?.at ?? null, after?.id ?? null, page.limit + 1],
    );
    const items = rows.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items: items.map(({ at: _, ...item }) => item),
      nextCursor: rows.length > page.limit ? encodeKeyCursor(last.at, last.id) : null,
    };
  }

  /**
   * Revokes a key; false when there is none with this id. A key revoked before
   * keeps its first revocation time. Answers once every instance listening for
   * changes has emptied its cache (or after a short wait for one that does not
   * answer), so the key is refused everywhere from the next request on.
   */
  async revoke(id: string): Promise<boolean> {
    const nonce = randomUUID();
    const acknowledgements = this.cache.acknowledgements(nonce);
    try {
      const found = await this.dataSource.transaction(async (manager) => {
        const [rows]: [{ id: string }[], number] = await manager.query(
          'update api_keys set revoked_at = coalesce(revoked_at, now()) where id = $1 returning id',
          [id],
        );
        if (rows.length === 0) return false;
        await manager.query('select pg_notify($1, $2)', [API_KEYS_CHANNEL, `${id} ${nonce}`]);
        return true;
      });
      // without a listener of its own this instance cannot hear the others answer
      if (!found || !this.cache.isListening) return found;
      const [{ n }]: { n: number }[] = await this.dataSource.query(
        'select count(*)::int as n from pg_stat_activity where application_name = $1 and datname = current_database()',
        [API_KEYS_LISTENER_NAME],
      );
      await acknowledgements.wait(n, ACKNOWLEDGEMENT_TIMEOUT_MS);
      return true;
    } finally {
      acknowledgements.cancel();
    }
  }

  /** The actor behind a key, or null for an unknown or revoked key. A valid key is answered from memory after its first use. */
  async authenticate(key: string): Promise<Actor | null> {
    const hash = hashApiKey(key);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const stamp = this.cache.stamp();
    const rows: { id: string; name: string; roles: Role[] }[] = await this.dataSource.query(
      'select id, name, roles from api_keys where key_hash = $1 and revoked_at is null',
      [hash],
    );
    if (rows.length === 0) return null;
    const actor: Actor = { keyId: rows[0].id, name: rows[0].name, roles: rows[0].roles };
    this.cache.set(hash, actor, stamp);
    return actor;
  }

  /** The actor of a request's bearer key (null without one), looked up once per request. */
  authenticateRequest(request: { headers: Record<string, string | string[] | undefined> }): Promise<Actor | null> {
    let lookup = this.lookups.get(request);
    if (!lookup) {
      const token = bearerToken(request.headers.authorization);
      lookup = token === undefined ? Promise.resolve(null) : this.authenticate(token);
      this.lookups.set(request, lookup);
    }
    return lookup;
  }
}

function keyAlreadyShown(given: string, id: string | undefined): ProblemError {
  return new ProblemError(
    409,
    'key-already-shown',
    'Conflict',
    `the API key created for Idempotency-Key ${given} was shown once, in the response to the first request, and is not stored` +
      `${id ? ` (its id is ${id})` : ''}: revoke it and create another if the secret was lost`,
    undefined,
    id ? { id } : {},
  );
}

function idempotencyKeyReused(given: string): ProblemError {
  return new ProblemError(422, 'idempotency-key-reused', 'Unprocessable Content', `Idempotency-Key ${given} was already used with a different request`);
}

function encodeKeyCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify({ after: [at, id] })).toString('base64url');
}

function decodeKeyCursor(cursor: string | undefined): { at: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (
      Array.isArray(after) &&
      after.length === 2 &&
      typeof after[0] === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(after[0]) &&
      typeof after[1] === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(after[1])
    ) {
      return { at: after[0], id: after[1] };
    }
  } catch {
    // not base64url JSON: refused below
  }
  throw new ProblemError(400, 'invalid-cursor', 'Bad Request', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'must be a nextCursor value from a previous page' },
  ]);
}
