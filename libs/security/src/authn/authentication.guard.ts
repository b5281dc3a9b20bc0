import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { httpRequestOf, httpResponseOf } from '../core/http-arguments';
import { isPromiseLike, type MaybePromise } from '../core/maybe-promise';
import type { Principal } from '../core/principal.interface';
import { routeMetadata } from '../core/route-metadata';
import { SECURITY_AUTHENTICATORS } from '../core/security.tokens';
import type { SecurityRequest } from '../core/security-request.interface';
import { AuthenticationRequiredException } from '../errors/authentication-required.exception';
import { InvalidSessionException } from '../errors/invalid-session.exception';
import { SessionExpiredException } from '../errors/session-expired.exception';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import type { HeaderTarget } from '../hardening/headers/header-plan';
import { markNoStore } from '../hardening/headers/no-store';
import type { Authenticator } from './authenticator.interface';
import { PublicMetadata } from './public.decorator';

/**
 * The global authentication guard, deny by default. It asks the enabled authenticators in their
 * fixed order; the first whose credentials are present decides: valid credentials put the
 * principal on `request.user`, invalid ones answer 401 (never falling through to another method).
 * With no credentials, `@Public()` routes proceed anonymously and every other route answers 401.
 * When the security store is unreachable, credentials cannot be checked: protected routes answer
 * 503, `@Public()` routes proceed anonymously (nothing is treated as authenticated). A stale
 * session cookie on a `@Public()` route (a login form, say) is cleared and the request proceeds
 * anonymously; on other routes it is a 401.
 *
 * Subclass it and override the `protected` hooks to adapt it; register the subclass as `APP_GUARD`
 * in place of this one.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly challenge: string | undefined;
  /**
   * `authenticators`, in an array of the guard's own that is not frozen: V8's optimised code
   * walks a frozen array's iterator through a call per element.
   */
  private readonly inOrder: Authenticator[];

  constructor(
    protected readonly reflector: Reflector,
    @Inject(SECURITY_AUTHENTICATORS) protected readonly authenticators: readonly Authenticator[],
  ) {
    const challenges = authenticators.flatMap((authenticator) => authenticator.challenge ?? []);
    this.challenge = challenges.length === 0 ? undefined : challenges.join(', ');
    this.inOrder = [...authenticators];
  }

  /**
   * Synchronous when the deciding authenticator answers synchronously (a bearer token verified
   * before): Nest then runs the next guard without waiting for a promise.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    // Only HTTP is supported; any other transport is refused rather than waved through.
    if (context.getType() !== 'http') return false;
    const request = httpRequestOf<SecurityRequest>(context);
    const response = httpResponseOf<HeaderTarget>(context);
    for (const authenticator of this.inOrder) authenticator.prepare?.(request, response);
    for (const authenticator of this.inOrder) {
      if (!authenticator.presentsCredentials(request)) continue;
      let principal: MaybePromise<Principal>;
      try {
        principal = authenticator.authenticate(context);
      } catch (error) {
        return this.refused(context, authenticator, error);
      }
      if (isPromiseLike(principal)) {
        return principal.then(
          (resolved) => this.authenticated(request, response, resolved),
          (error: unknown) => this.refused(context, authenticator, error),
        );
      }
      return this.authenticated(request, response, principal);
    }
    if (this.isPublic(context)) return true;
    throw new AuthenticationRequiredException(this.challenge);
  }

  private authenticated(
    request: SecurityRequest,
    response: HeaderTarget,
    principal: Principal,
  ): true {
    request.user = principal;
    markNoStore(response);
    return true;
  }

  /** A failed authentication: anonymous on a `@Public()` route where that is allowed, else thrown. */
  private refused(context: ExecutionContext, authenticator: Authenticator, error: unknown): true {
    if (this.isPublic(context) && this.mayProceedAnonymously(authenticator, error)) return true;
    throw error;
  }

  /**
   * On a `@Public()` route, whether a failed authentication may still run anonymously: when the
   * store is unreachable (public routes stay up), and for a session cookie that is no longer
   * valid (browsers send cookies ambiently; the response clears it). A bad bearer token or
   * certificate, sent on purpose, is still a 401.
   */
  protected mayProceedAnonymously(authenticator: Authenticator, error: unknown): boolean {
    if (error instanceof StoreUnavailableException) return true;
    return (
      authenticator.method === 'session' &&
      (error instanceof InvalidSessionException || error instanceof SessionExpiredException)
    );
  }

  /** Whether the route accepts anonymous requests. */
  protected isPublic(context: ExecutionContext): boolean {
    return routeMetadata(this.reflector, PublicMetadata, context) === true;
  }
}
