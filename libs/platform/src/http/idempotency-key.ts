import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { ProblemError } from './problem';

export interface IdempotencyContext {
  /** The client's key, scoped to the acting API key. */
  key: string;
  /** Fingerprint of method, path and body. */
  requestHash: string;
}

/**
 * A POST's `Idempotency-Key`, scoped to the acting key, with a fingerprint of
 * the request; undefined without one. The writes keep it with what they
 * write, in the same transaction (the event store's idempotency keys), so a
 * repeat replays the first result and two racing requests write once.
 */
export function idempotencyOf(
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined>; body?: unknown },
  actorId: string,
): IdempotencyContext | undefined {
  const header = request.headers['idempotency-key'];
  if (request.method !== 'POST' || header === undefined) return undefined;
  const raw = Array.isArray(header) ? (header[0] ?? '') : header;
  if (!/^[\x21-\x7e]{1,200}$/.test(raw)) {
    throw new ProblemError(400, 'invalid-idempotency-key', 'Bad Request', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
    ]);
  }
  const requestHash = createHash('sha256')
    .update(canonicalJson({ method: request.method, url: request.url, body: request.body ?? null }))
    .digest('hex');
  return { key: `${actorId}:${raw}`, requestHash };
}
