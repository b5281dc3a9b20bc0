import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { TokenExpiredError } from 'jsonwebtoken';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { SecurityException } from '../../errors/security.exception';
import { TokenExpiredException } from '../../errors/token-expired.exception';
import type { Authenticator } from '../authenticator.interface';
import { peekIssuer } from './jose-header';
import type { JwtStrategy } from './jwt.strategy';

const BEARER = /^bearer +(\S+)$/i;

function guardFor(strategy: JwtStrategy): IAuthGuard {
  const PassportGuard = AuthGuard(strategy.strategyName);
  class RampartJwtGuard extends PassportGuard {
    override handleRequest<TUser>(error: unknown, user: TUser, info: unknown): TUser {
      if (error instanceof SecurityException) throw error;
      if (info instanceof TokenExpiredError) throw new TokenExpiredException();
      if (error !== null && error !== undefined) throw new InvalidTokenException();
      if (user === false || user === null || user === undefined) throw new InvalidTokenException();
      return user;
    }
  }
  return new RampartJwtGuard();
}

/**
 * Bearer-token authentication through @nestjs/passport's `AuthGuard` and one {@link JwtStrategy}
 * per trusted issuer (Rampart's own, and external identity providers). The token goes to the
 * verifier of its `iss`; a token from no trusted issuer is refused. Any failure becomes a 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"`; the reason is not disclosed, except that an
 * expired (but genuine) token says so.
 */
export class JwtAuthenticator implements Authenticator {
  readonly method = 'jwt' as const;
  readonly challenge = 'Bearer';
  private readonly guards: ReadonlyMap<string, IAuthGuard>;

  constructor(strategies: readonly JwtStrategy[]) {
    this.guards = new Map(strategies.map((strategy) => [strategy.issuer, guardFor(strategy)]));
  }

  presentsCredentials(request: SecurityRequest): boolean {
    const header = request.headers.authorization;
    return header !== undefined && /^bearer /i.test(header);
  }

  async authenticate(context: ExecutionContext): Promise<Principal> {
    const request = context.switchToHttp().getRequest<SecurityRequest>();
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const issuer = token === undefined ? undefined : peekIssuer(token);
    const guard = issuer === undefined ? undefined : this.guards.get(issuer);
    if (guard === undefined) throw new InvalidTokenException();
    await guard.canActivate(context);
    const principal = request.user;
    if (principal === undefined) throw new InvalidTokenException();
    return principal;
  }
}
