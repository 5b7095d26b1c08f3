import { createParamDecorator, ExecutionContext, ParseUUIDPipe } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '@app/access';
import { idempotencyOf, ProblemError } from '@app/platform';
import type { CommandContext } from '../application/command-context';

type ApiRequest = FastifyRequest & { actor?: Actor };

/** Path ids are UUIDs: anything else is a 400 naming the parameter. */
export const uuid = new ParseUUIDPipe();

/** `If-Match: 3` or `If-Match: "3"`: the deal version the client last saw. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header).trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (!/^\d{1,15}$/.test(value)) {
    throw new ProblemError(400, 'invalid-if-match', 'Bad Request', 'If-Match must be a deal version, such as 3 or "3"', [
      { field: 'If-Match', message: 'must be a deal version (a non-negative integer)' },
    ]);
  }
  return Number(value);
}

/** The acting key, the client's If-Match and Idempotency-Key, and the request id, as a command context. */
export const Context = createParamDecorator((_: unknown, execution: ExecutionContext): CommandContext => {
  const request = execution.switchToHttp().getRequest<ApiRequest>();
  if (!request.actor) throw new Error('a command route must not be public');
  const reply = execution.switchToHttp().getResponse<FastifyReply>();
  return {
    actor: { keyId: request.actor.keyId, roles: request.actor.roles },
    expectedVersion: parseIfMatch(request.headers['if-match']),
    idempotency: idempotencyOf(request, request.actor.keyId),
    correlationId: String(request.id),
    onReplay: () => void reply.header('idempotent-replayed', 'true'),
  };
});
