import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { TokenExpiredError } from 'jsonwebtoken';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { SecurityException } from '../../errors/security.exception';
import { TokenExpiredException } from '../../errors/token-expired.exception';
import type { Authenticator } from '../authenticator.interface';
import type { JwtStrategy } from './jwt.strategy';

const BEARER = /^bearer /i;

/**
 * Bearer-token authentication through @nestjs/passport's `AuthGuard` and {@link JwtStrategy}.
 * Any failure becomes a 401 with `WWW-Authenticate: Bearer error="invalid_token"`; the reason is
 * not disclosed, except that an expired (but genuine) token says so.
 */
export class JwtAuthenticator implements Authenticator {
  readonly method = 'jwt' as const;
  readonly challenge = 'Bearer';
  private readonly guard: IAuthGuard;

  constructor(strategy: JwtStrategy) {
    const PassportGuard = AuthGuard(strategy.strategyName);
    class RampartJwtGuard extends PassportGuard {
      override handleRequest<TUser>(error: unknown, user: TUser, info: unknown): TUser {
        if (error instanceof SecurityException) throw error;
        if (info instanceof TokenExpiredError) throw new TokenExpiredException();
        if (error !== null && error !== undefined) throw new InvalidTokenException();
        if (user === false || user === null || user === undefined)
          throw new InvalidTokenException();
        return user;
      }
    }
    this.guard = new RampartJwtGuard();
  }

  presentsCredentials(request: SecurityRequest): boolean {
    const header = request.headers.authorization;
    return header !== undefined && BEARER.test(header);
  }

  async authenticate(context: ExecutionContext): Promise<Principal> {
    await this.guard.canActivate(context);
    const principal = context.switchToHttp().getRequest<SecurityRequest>().user;
    if (principal === undefined) throw new InvalidTokenException();
    return principal;
  }
}
