import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiProblem } from '@app/platform';
import type { Actor, Role } from './roles';

export const PUBLIC_ROUTE = 'access:public';
export const REQUIRED_ROLES = 'access:roles';

/** The route needs no API key. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The route needs a key holding one of these roles (admin does not imply the others). */
export const Roles = (...roles: Role[]) =>
  applyDecorators(SetMetadata(REQUIRED_ROLES, roles), ApiProblem(403, `forbidden-role: the key has none of the roles ${roles.join(', ')}.`));

/** The acting key, set by the guard. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) throw new Error('CurrentActor used on a public route');
  return request.actor;
});
