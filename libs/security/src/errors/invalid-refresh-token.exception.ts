import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_INVALID_REFRESH_TOKEN`: the refresh token is unknown, expired, revoked, already
 * used (which revokes its whole family), or not a refresh token at all. One message for every
 * case, so a caller learns nothing about which.
 *
 * @example
 * throw new InvalidRefreshTokenException();
 */
export class InvalidRefreshTokenException extends SecurityException {
  readonly code = 'SECURITY_INVALID_REFRESH_TOKEN' as const;

  constructor() {
    super('The refresh token is invalid.', HttpStatus.UNAUTHORIZED);
  }
}
