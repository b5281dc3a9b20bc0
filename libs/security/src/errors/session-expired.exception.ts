import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401: the session passed its idle timeout or its absolute lifetime. The response also clears the
 * cookie.
 *
 * @example
 * throw new SessionExpiredException();
 */
export class SessionExpiredException extends SecurityException {
  readonly code = 'SECURITY_SESSION_EXPIRED' as const;

  constructor() {
    super('The session has expired; sign in again.', HttpStatus.UNAUTHORIZED);
  }
}
