import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_INVALID_CREDENTIALS`: the username or the password is wrong. The same body for
 * both cases, so a caller cannot learn which accounts exist.
 *
 * @example
 * throw new InvalidCredentialsException();
 */
export class InvalidCredentialsException extends SecurityException {
  readonly code = 'SECURITY_INVALID_CREDENTIALS' as const;

  constructor() {
    super('Invalid username or password.', HttpStatus.UNAUTHORIZED);
  }
}
