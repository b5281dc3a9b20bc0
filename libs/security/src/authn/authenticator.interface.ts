import type { ExecutionContext } from '@nestjs/common';
import type { MaybePromise } from '../core/maybe-promise';
import type { AuthMethod, Principal } from '../core/principal.interface';
import type { SecurityRequest } from '../core/security-request.interface';

/**
 * One authentication method in the guard's fixed order (mTLS, bearer JWT, session). The first
 * authenticator whose credentials are present decides the request.
 */
export interface Authenticator {
  readonly method: AuthMethod;
  /** `WWW-Authenticate` challenge for a 401 when no credentials were presented, if any. */
  readonly challenge: string | undefined;
  /** Called for every HTTP request before any authenticator decides (request set-up). */
  prepare?(request: SecurityRequest, response: unknown): void;
  /** Whether the request carries this method's credentials (valid or not). Cheap and synchronous. */
  presentsCredentials(request: SecurityRequest): boolean;
  /**
   * Verifies the credentials: a principal, or a 401 SecurityException thrown. Synchronous when
   * nothing has to be awaited (a bearer token verified before); otherwise a promise of the same.
   */
  authenticate(context: ExecutionContext): MaybePromise<Principal>;
}
