import { Api } from './api';

/** Roles as the API names them. */
export type Role = 'editor' | 'fact_checker' | 'reader' | 'admin';

const KEY = 'newsroom-console-key';
const NIL = '00000000-0000-0000-0000-000000000000';

/** The key lives in sessionStorage only: it is gone when the browser tab closes. */
export function savedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * What a key may do, learnt from what the API answers (listing keys is itself
 * admin-only): writes to a claim that does not exist with an empty body are
 * refused with 403 when the role is missing, and with 400 before writing
 * anything when it is there.
 */
export async function discoverRoles(api: Api): Promise<Role[] | null> {
  const [read, admin, checker, editor] = await Promise.all([
    api.probe('GET', '/deals?limit=1'),
    api.probe('GET', '/api-keys?limit=1'),
    api.probe('POST', `/claims/${NIL}/verdicts`, {}),
    api.probe('POST', `/deals/${NIL}/claims`, {}),
  ]);
  if (read === 401) return null;
  const roles: Role[] = [];
  if (editor !== 403 && editor !== 401) roles.push('editor');
  if (checker !== 403 && checker !== 401) roles.push('fact_checker');
  if (admin === 200) roles.push('admin');
  if (roles.length === 0) roles.push('reader');
  return roles;
}
