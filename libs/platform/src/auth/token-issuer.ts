import { JwtService } from '@nestjs/jwt';
import { principalSchema, type Principal } from './principal';

/** Signs access tokens. Used by the dev token command and by tests; production tokens come from the identity provider. */
export function issueToken(secret: string, principal: Principal, expiresIn: `${number}${'m' | 'h' | 'd'}` = '8h'): string {
  return new JwtService({ secret }).sign(principalSchema.parse(principal), { algorithm: 'HS256', expiresIn });
}
