import { DataSource } from 'typeorm';
import type { TestApp, TestResponse } from '../support/test-app';

/** Valid request bodies and event-log probes shared by the API specs. */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

export interface CreatedKey {
  id: string;
  key: string;
  roles: string[];
}

export const validDeal = (title = 'Twitter / Clubhouse') => ({
  title,
  kind: 'acquisition',
  parties: [
    { name: 'Twitter', role: 'bidder' },
    { name: 'Clubhouse', role: 'target' },
  ],
});

export const validSource = (overrides: Record<string, unknown> = {}) => ({
  outlet: 'Bloomberg',
  url: 'https://www.bloomberg.com/news/articles/2021-04-07/twitter-clubhouse-talks',
  publishedAt: '2021-04-07',
  via: [{ outlet: 'Clubic' }, { outlet: 'The Verge', publishedAt: '2021-04-07' }],
  ...overrides,
});

export const validClaim = (overrides: Record<string, unknown> = {}) => ({
  kind: 'offer_made',
  statement: 'Twitter offered about $4B to buy Clubhouse.',
  occurredAt: '2021-03',
  amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
  sources: [validSource()],
  ...overrides,
});

export const validVerdict = (overrides: Record<string, unknown> = {}) => ({
  verdict: 'confirmed',
  rationale: 'Two independent outlets report the same figure.',
  ...overrides,
});

/** Creates a key through POST /api-keys (as the admin) so its id is known. */
export async function createKey(t: TestApp, roles: string[], name = `key ${roles.join('+')}`): Promise<CreatedKey> {
  const res = await t.request('POST', '/api-keys', { body: { name, roles } });
  if (res.status !== 201) throw new Error(`POST /api-keys answered ${res.status}: ${res.text}`);
  return { id: res.body.id, key: res.body.key, roles: res.body.roles };
}

export async function openDeal(t: TestApp, key: string, title?: string): Promise<string> {
  const res = await t.request('POST', '/deals', { key, body: validDeal(title) });
  if (res.status !== 201) throw new Error(`POST /deals answered ${res.status}: ${res.text}`);
  return res.body.id;
}

export async function recordClaim(t: TestApp, key: string, dealId: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await t.request('POST', `/deals/${dealId}/claims`, { key, body: validClaim(overrides) });
  if (res.status !== 201) throw new Error(`POST /deals/${dealId}/claims answered ${res.status}: ${res.text}`);
  return res.body.claimId;
}

export interface EventRow {
  position: string;
  stream_id: string;
  version: string;
  type: string;
  data: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  metadata: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  recorded_at: Date;
  hash: string;
}

export const dataSource = (t: TestApp): DataSource => t.app.get(DataSource);

/** The deal's stream, in version order. */
export async function streamEvents(t: TestApp, dealId: string): Promise<EventRow[]> {
  return dataSource(t).query(
    'select position, stream_id, version, type, data, metadata, recorded_at, hash from es_events where stream_id = $1 order by version',
    [`deal-${dealId}`],
  );
}

export async function countEvents(t: TestApp): Promise<number> {
  const rows: { n: string }[] = await dataSource(t).query('select count(*) as n from es_events');
  return Number(rows[0].n);
}

export function expectProblem(res: TestResponse, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toMatchObject({
    status,
    body: { status, type: code ? `/problems/${code}` : expect.stringMatching(/^\/problems\/[a-z-]+$/), title: expect.any(String) },
  });
  expect(res.headers.get('content-type')).toContain('application/problem+json');
}

export function fieldsOf(res: TestResponse): string[] {
  return Array.isArray(res.body?.errors) ? res.body.errors.map((e: { field: string }) => e.field) : [];
}
