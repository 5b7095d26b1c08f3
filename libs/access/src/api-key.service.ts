import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { Actor, Role } from './roles';

export interface CreatedApiKey {
  id: string;
  name: string;
  roles: Role[];
  /** The secret, shown once: only its SHA-256 is stored. */
  key: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** API keys: random secrets stored as SHA-256 hashes, each with one or more roles. */
@Injectable()
export class ApiKeyService {
  private readonly cache = new Map<string, { actor: Actor | null; until: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async create(name: string, roles: Role[], id: string = randomUUID()): Promise<CreatedApiKey> {
    const key = `nfk_${randomBytes(32).toString('base64url')}`;
    await this.dataSource.getRepository(ApiKeyEntity).insert({ id, name, roles: [...new Set(roles)], keyHash: hashApiKey(key) });
    return { id, name, roles: [...new Set(roles)], key };
  }

  /** Makes sure `key` exists with at least `roles` (BOOTSTRAP_ADMIN_KEY, demo keys); returns its id. */
  async ensure(key: string, name: string, roles: Role[]): Promise<string> {
    const rows: { id: string }[] = await this.dataSource.query(
      `insert into api_keys (id, name, roles, key_hash) values ($1, $2, $3, $4)
       on conflict (key_hash) do update
         set roles = (select array_agg(distinct r) from unnest(api_keys.roles || excluded.roles) r), revoked_at = null
       returning id`,
      [randomUUID(), name, roles, hashApiKey(key)],
    );
    this.cache.clear();
    return rows[0].id;
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(ApiKeyEntity).count();
  }

  /** The actor behind a key, or null for an unknown or revoked key. Answers are cached for a few seconds. */
  async authenticate(key: string): Promise<Actor | null> {
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.actor;
    const row = await this.dataSource
      .getRepository(ApiKeyEntity)
      .findOne({ where: { keyHash: hash } });
    const actor = row && !row.revokedAt ? { keyId: row.id, name: row.name, roles: row.roles } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { actor, until: now + 5_000 });
    return actor;
  }
}
