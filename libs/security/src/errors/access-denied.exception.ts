import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 403 `SECURITY_FORBIDDEN`: authenticated, but lacking a required role or failing a policy. The
 * message does not name the missing role.
 *
 * @example
 * throw new AccessDeniedException();
 */
export class AccessDeniedException extends SecurityException {
  readonly code = 'SECURITY_FORBIDDEN' as const;

  constructor() {
    super('You do not have permission to access this resource.', HttpStatus.FORBIDDEN);
  }
}
