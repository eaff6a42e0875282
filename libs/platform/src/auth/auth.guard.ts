import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { RequestContext } from '../context/request-context';
import { DomainError } from '../errors/domain-error';
import { ALLOWED_ROLES, PUBLIC_ROUTE } from './auth.decorators';
import { principalSchema, type Role } from './principal';

/**
 * Global guard: every HTTP route needs a valid signed token and a role the route names, unless it is
 * marked @Public(). Area and bank checks depend on the data and happen in the service (see coversArea).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest();
    const [scheme, token] = String(request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw new DomainError('AUTH.UNAUTHENTICATED', 'Cần đăng nhập: thiếu mã truy cập (Bearer token).', 'unauthenticated');
    }
    let claims: unknown;
    try {
      claims = await this.jwt.verifyAsync(token, { algorithms: ['HS256'] });
    } catch {
      throw new DomainError('AUTH.INVALID_TOKEN', 'Mã truy cập không hợp lệ hoặc đã hết hạn.', 'unauthenticated');
    }
    const principal = principalSchema.safeParse(claims);
    if (!principal.success) throw new DomainError('AUTH.INVALID_TOKEN', 'Mã truy cập không đúng cấu trúc.', 'unauthenticated');

    const allowed = this.reflector.getAllAndOverride<Role[]>(ALLOWED_ROLES, targets) ?? [];
    if (!allowed.includes(principal.data.role)) {
      throw new DomainError('AUTH.ROLE_NOT_ALLOWED', 'Vai trò của bạn không được phép thực hiện thao tác này.', 'forbidden', { role: principal.data.role });
    }
    request.principal = principal.data;
    RequestContext.setActor(`${principal.data.role}:${principal.data.sub}`);
    return true;
  }
}
