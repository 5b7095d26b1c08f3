import type { IncomingMessage } from 'node:http';
import { Injectable, NestMiddleware } from '@nestjs/common';

const taken = new WeakMap<IncomingMessage, string | string[]>();

/**
 * Takes the `Idempotency-Key` of `POST /api-keys` out of the request headers
 * before the generic HTTP idempotency layer sees it: that layer replays a
 * stored response, and a new key's secret must never be stored. The route
 * handles the header itself, in the transaction that creates the key.
 */
@Injectable()
export class KeyIdempotencyMiddleware implements NestMiddleware {
  use(request: IncomingMessage, _response: unknown, next: () => void): void {
    const header = request.headers['idempotency-key'];
    if (header !== undefined) {
      taken.set(request, header);
      delete request.headers['idempotency-key'];
    }
    next();
  }
}

/** The `Idempotency-Key` sent with `POST /api-keys`, if any. */
export function takenIdempotencyKey(request: IncomingMessage): string | string[] | undefined {
  return taken.get(request) ?? request.headers['idempotency-key'];
}
