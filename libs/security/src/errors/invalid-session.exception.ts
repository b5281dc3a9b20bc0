import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401: the session cookie names no live session (unknown, malformed, revoked or logged out). The
 * response also clears the cookie.
 *
 * @example
 * throw new InvalidSessionException();
 */
export class InvalidSessionException extends SecurityException {
  readonly code = 'SECURITY_INVALID_SESSION' as const;

  constructor() {
    super('The session is not valid; sign in again.', HttpStatus.UNAUTHORIZED);
  }
}
