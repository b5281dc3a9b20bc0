import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 404: no session of the caller has that id (another user's session answers the same).
 *
 * @example
 * throw new SessionNotFoundException();
 */
export class SessionNotFoundException extends SecurityException {
  readonly code = 'SECURITY_SESSION_NOT_FOUND' as const;

  constructor() {
    super('No such session.', HttpStatus.NOT_FOUND);
  }
}
