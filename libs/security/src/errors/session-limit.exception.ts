import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 409: the user already has `session.maxPerUser` live sessions and `session.limitPolicy` is
 * `'reject-new'`. Signing out elsewhere resolves it.
 *
 * @example
 * throw new SessionLimitException();
 */
export class SessionLimitException extends SecurityException {
  readonly code = 'SECURITY_SESSION_LIMIT' as const;

  constructor() {
    super('Too many active sessions: sign out of another session first.', HttpStatus.CONFLICT);
  }
}
