import { withQuery, type Api } from './api';
import { discoverRoles } from './session';

/** A client whose probes answer as the API would for a key holding `roles`. */
function keyWith(roles: string[] | null): Api {
  const probe = async (method: string, path: string) => {
    if (roles === null) return 401;
    if (path.startsWith('/api-keys')) return roles.includes('admin') ? 200 : 403;
    if (path.endsWith('/verdicts')) return roles.includes('fact_checker') ? 400 : 403;
    if (method === 'POST' && path.endsWith('/claims')) return roles.includes('editor') ? 400 : 403;
    return 200;
  };
  return { probe } as unknown as Api;
}

describe('what a key may do, learnt from what the API answers', () => {
  it('names each role whose write is validated rather than refused', async () => {
    await expect(discoverRoles(keyWith(['editor', 'fact_checker']))).resolves.toEqual(['editor', 'fact_checker']);
    await expect(discoverRoles(keyWith(['admin']))).resolves.toEqual(['admin']);
    await expect(discoverRoles(keyWith(['reader']))).resolves.toEqual(['reader']);
  });

  it('refuses an unknown key', async () => {
    await expect(discoverRoles(keyWith(null))).resolves.toBeNull();
  });
});

describe('query strings', () => {
  it('leave out empty filters', () => {
    expect(withQuery('/deals', { q: 'Insta gram', party: '', status: undefined, limit: 20, cursor: null })).toBe('/deals?q=Insta+gram&limit=20');
    expect(withQuery('/deals', {})).toBe('/deals');
  });
});
