import type { ExecutionContext } from '@nestjs/common';
import { httpRequestOf, httpResponseOf } from '../../core/http-arguments';
import type { MaybePromise } from '../../core/maybe-promise';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import type { Authenticator } from '../authenticator.interface';
import { rememberResponse } from './install-passport-session-manager';
import type { AuthenticatedSession, SessionService } from './session.service';

/**
 * Session-cookie authentication, last in the fixed order (mTLS, bearer, session). Only the
 * configured cookie name counts; a session id in the URL, the body or another header is never
 * read. It also remembers each request's response for the passport session manager that
 * `installPassportSessionManager()` gives every request, so `req.login()` from an app's own
 * passport strategy starts a Rampart session (no express-session needed).
 */
export class SessionAuthenticator implements Authenticator {
  readonly method = 'session' as const;
  /** Browsers show no dialog for cookies: no challenge. */
  readonly challenge = undefined;

  constructor(private readonly sessions: SessionService) {}

  prepare(request: SecurityRequest, response: unknown): void {
    // For the request's passport session manager (installPassportSessionManager).
    rememberResponse(request, response);
  }

  presentsCredentials(request: SecurityRequest): boolean {
    return this.sessions.presentsCookie(request);
  }

  /** Synchronous when the session service is (a cached session; see its `authenticate()`). */
  authenticate(context: ExecutionContext): MaybePromise<Principal> {
    const result = this.sessions.authenticate(
      httpRequestOf<SecurityRequest>(context),
      httpResponseOf(context),
    );
    return result instanceof Promise ? result.then(principalOf) : result.principal;
  }
}

function principalOf(result: AuthenticatedSession): Principal {
  return result.principal;
}
