import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, Observable, of, switchMap } from 'rxjs';
import { DataSource } from 'typeorm';
import { canonicalJson } from './canonical-json';
import { ProblemError } from './problem';

export interface IdempotencyContext {
  /** The client's key, scoped to the acting API key. */
  key: string;
  /** Fingerprint of method, path and body. */
  requestHash: string;
}

type IdempotentRequest = FastifyRequest & { actor?: { keyId: string }; idempotency?: IdempotencyContext };

/** Fields never kept in a stored response: secrets are shown once. */
const SECRET_FIELDS = ['key'];

/**
 * `Idempotency-Key` on a POST: the same key with the same request replays the
 * first response and runs nothing; with another request it is a 422. Commands
 * also hand the key to the event store, so two racing requests still write once.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly dataSource: DataSource) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined) return next.handle();
    const raw = Array.isArray(header) ? header[0] : header;
    if (!/^[\x21-\x7e]{1,200}$/.test(raw)) {
      throw new ProblemError(400, 'invalid-idempotency-key', 'Bad Request', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [
        { field: 'Idempotency-Key', message: 'must be 1 to 200 visible ASCII characters' },
      ]);
    }
    const key = `${request.actor?.keyId ?? 'public'}:${raw}`;
    const requestHash = createHash('sha256')
      .update(canonicalJson({ method: request.method, url: request.url, body: request.body ?? null }))
      .digest('hex');
    const stored: { request_hash: string; response: unknown }[] = await this.dataSource.query(
      'select request_hash, response from http_idempotency where key = $1',
      [key],
    );
    if (stored.length > 0) {
      if (stored[0].request_hash !== requestHash) throw reusedKey(raw);
      void reply.header('idempotent-replayed', 'true');
      return of(stored[0].response);
    }
    request.idempotency = { key, requestHash };
    return next.handle().pipe(
      switchMap((body: unknown) =>
        from(
          this.dataSource
            .query(
              `insert into http_idempotency (key, request_hash, response) values ($1, $2, $3::jsonb) on conflict (key) do nothing`,
              [key, requestHash, JSON.stringify(redact(body) ?? null)],
            )
            .then(() => body),
        ),
      ),
    );
  }
}

export function reusedKey(key: string): ProblemError {
  return new ProblemError(
    422,
    'idempotency-key-reused',
    'Unprocessable Content',
    `Idempotency-Key ${key} was already used with a different request`,
  );
}

function redact(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([field]) => !SECRET_FIELDS.includes(field)));
}
