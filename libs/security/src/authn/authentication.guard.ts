import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from '../core/route-metadata';
import { SECURITY_AUTHENTICATORS } from '../core/security.tokens';
import type { SecurityRequest } from '../core/security-request.interface';
import { AuthenticationRequiredException } from '../errors/authentication-required.exception';
import { InvalidSessionException } from '../errors/invalid-session.exception';
import { SessionExpiredException } from '../errors/session-expired.exception';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
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

  constructor(
    protected readonly reflector: Reflector,
    @Inject(SECURITY_AUTHENTICATORS) protected readonly authenticators: readonly Authenticator[],
  ) {
    const challenges = authenticators.flatMap((authenticator) => authenticator.challenge ?? []);
    this.challenge = challenges.length === 0 ? undefined : challenges.join(', ');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP is supported; any other transport is refused rather than waved through.
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<SecurityRequest>();
    const response: unknown = context.switchToHttp().getResponse();
    for (const authenticator of this.authenticators) authenticator.prepare?.(request, response);
    for (const authenticator of this.authenticators) {
      if (!authenticator.presentsCredentials(request)) continue;
      try {
        request.user = await authenticator.authenticate(context);
      } catch (error) {
        if (this.isPublic(context) && this.mayProceedAnonymously(authenticator, error)) return true;
        throw error;
      }
      markNoStore(context.switchToHttp().getResponse());
      return true;
    }
    if (this.isPublic(context)) return true;
    throw new AuthenticationRequiredException(this.challenge);
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
