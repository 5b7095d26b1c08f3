import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError } from '@app/platform';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './access.decorators';
import { ApiKeyService, bearerToken } from './api-key.service';
import type { Actor, Role } from './roles';

/** Every route needs a known key unless marked @Public(); @Roles() narrows who may call it. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; actor?: Actor }>();
    if (bearerToken(request.headers.authorization) === undefined) {
      throw new ProblemError(401, 'missing-api-key', 'Unauthorized', 'send an API key as "Authorization: Bearer <key>"');
    }
    const actor = await this.keys.authenticateRequest(request);
    if (!actor) throw new ProblemError(401, 'invalid-api-key', 'Unauthorized', 'the API key is unknown or revoked');
    request.actor = actor;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !required.some((role) => actor.roles.includes(role))) {
      throw new ProblemError(403, 'forbidden-role', 'Forbidden', `this route needs one of the roles: ${required.join(', ')}`);
    }
    return true;
  }
}
