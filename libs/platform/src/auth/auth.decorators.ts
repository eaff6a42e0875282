import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from './principal';

export const PUBLIC_ROUTE = 'ansinh:public';
export const ALLOWED_ROLES = 'ansinh:roles';

/** Opens a route to anyone: health, metrics and documentation only. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The roles that may call a route. A route without it is refused to everybody (deny by default). */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => context.switchToHttp().getRequest().principal,
);
