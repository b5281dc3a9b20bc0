import type { ExecutionContext } from '@nestjs/common';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { TokenExpiredError } from 'jsonwebtoken';
import { httpRequestOf } from '../../core/http-arguments';
import { isPromiseLike, type MaybePromise } from '../../core/maybe-promise';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { SecurityException } from '../../errors/security.exception';
import { TokenExpiredException } from '../../errors/token-expired.exception';
import type { Authenticator } from '../authenticator.interface';
import { peekIssuer } from './jose-header';
import { VERIFIED_TOKEN_CACHE_MAX_ENTRIES } from './jwt.constants';
import type { JwtStrategy } from './jwt.strategy';
import { VerifiedTokenCache } from './verified-token-cache';

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
 *
 * A token that verified in full is remembered (at most `maxCachedTokens`, oldest out first), so
 * that its next use skips the signature check, the costliest step (as fast-jwt's verifier cache
 * does). Only the signature, `iss`, `aud`, `typ` and `sub` checks are skipped; `exp`, `nbf`,
 * `iat`, the key still being configured, and the issuer's `toPrincipal` (revocation, certificate
 * binding) run on every request. Only successful verifications are remembered, and an entry whose
 * use fails in any way is forgotten.
 */
export class JwtAuthenticator implements Authenticator {
  readonly method = 'jwt' as const;
  readonly challenge = 'Bearer';
  private readonly guards: ReadonlyMap<string, { strategy: JwtStrategy; guard: IAuthGuard }>;
  private readonly verified: VerifiedTokenCache<JwtStrategy>;

  constructor(
    strategies: readonly JwtStrategy[],
    maxCachedTokens: number = VERIFIED_TOKEN_CACHE_MAX_ENTRIES,
  ) {
    this.guards = new Map(
      strategies.map((strategy) => [strategy.issuer, { strategy, guard: guardFor(strategy) }]),
    );
    this.verified = new VerifiedTokenCache(maxCachedTokens);
  }

  presentsCredentials(request: SecurityRequest): boolean {
    const header = request.headers.authorization;
    return header !== undefined && /^bearer /i.test(header);
  }

  /**
   * A token verified before is accepted again synchronously when its strategy answers so (see
   * {@link JwtStrategy.reaccept}); any other is verified in full, through passport.
   */
  authenticate(context: ExecutionContext): MaybePromise<Principal> {
    const request = httpRequestOf<SecurityRequest>(context);
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) throw new InvalidTokenException();
    const cached = this.verified.get(token);
    if (cached === undefined) return this.verifyInFull(context, request, token);
    let reaccepted: MaybePromise<Principal | undefined>;
    try {
      reaccepted = cached.owner.reaccept(cached.verified, request);
    } catch (error) {
      this.verified.forget(token);
      throw error;
    }
    if (isPromiseLike(reaccepted)) {
      return reaccepted.then(
        (principal) => this.afterReaccept(context, request, token, principal),
        (error: unknown) => {
          this.verified.forget(token);
          throw error;
        },
      );
    }
    return this.afterReaccept(context, request, token, reaccepted);
  }

  private afterReaccept(
    context: ExecutionContext,
    request: SecurityRequest,
    token: string,
    principal: Principal | undefined,
  ): MaybePromise<Principal> {
    if (principal !== undefined) {
      request.user = principal;
      return principal;
    }
    // The key it verified with is gone or replaced: verify it again, in full.
    this.verified.forget(token);
    return this.verifyInFull(context, request, token);
  }

  private async verifyInFull(
    context: ExecutionContext,
    request: SecurityRequest,
    token: string,
  ): Promise<Principal> {
    const issuer = peekIssuer(token);
    const entry = issuer === undefined ? undefined : this.guards.get(issuer);
    if (entry === undefined) throw new InvalidTokenException();
    await entry.guard.canActivate(context);
    const principal = request.user;
    if (principal === undefined) throw new InvalidTokenException();
    const verified = entry.strategy.verifiedTokenOf(request);
    if (verified !== undefined) this.verified.remember(token, entry.strategy, verified);
    return principal;
  }
}
