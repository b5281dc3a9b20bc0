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

/**
 * What follows `Bearer` (any case) and the spaces after it, or `undefined` when the header does
 * not start so. Unlike BEARER, it does not check that the rest is one token: see `authenticate`.
 */
function afterBearerScheme(header: string): string | undefined {
  // `| 0x20` lower-cases an ASCII letter, and maps no other character onto one: the same
  // case-insensitivity as BEARER's `i` flag (without `u`) for these six letters.
  if (
    header.length < 8 ||
    (header.charCodeAt(0) | 0x20) !== 0x62 || // b
    (header.charCodeAt(1) | 0x20) !== 0x65 || // e
    (header.charCodeAt(2) | 0x20) !== 0x61 || // a
    (header.charCodeAt(3) | 0x20) !== 0x72 || // r
    (header.charCodeAt(4) | 0x20) !== 0x65 || // e
    (header.charCodeAt(5) | 0x20) !== 0x72 || // r
    header.charCodeAt(6) !== 0x20
  ) {
    return undefined;
  }
  let start = 7;
  while (header.charCodeAt(start) === 0x20) start += 1;
  return start < header.length ? header.slice(start) : undefined;
}

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
    const header = request.headers.authorization ?? '';
    // A token verified before is looked up without running BEARER over the whole header: every
    // token in the cache was captured by BEARER, so a header whose text after `Bearer` and its
    // spaces equals one is a header BEARER captures that same token from.
    const candidate = afterBearerScheme(header);
    const cached = candidate === undefined ? undefined : this.verified.get(candidate);
    if (candidate === undefined || cached === undefined) {
      const token = BEARER.exec(header)?.[1];
      if (token === undefined) throw new InvalidTokenException();
      return this.verifyInFull(context, request, token);
    }
    const token = candidate;
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
    // `request.user` is the guard's to set: a second store of it on an Express request, whose
    // hidden class is new after the first, misses V8's caches (see `RequestSlot`).
    if (principal !== undefined) return principal;
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
