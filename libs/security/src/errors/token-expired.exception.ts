import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_TOKEN_EXPIRED`: a bearer token with a valid signature whose `exp` (plus the
 * allowed clock skew) has passed. Clients refresh and retry.
 *
 * @example
 * throw new TokenExpiredException();
 */
export class TokenExpiredException extends SecurityException {
  readonly code = 'SECURITY_TOKEN_EXPIRED' as const;

  constructor() {
    super('The access token has expired.', HttpStatus.UNAUTHORIZED, {
      'WWW-Authenticate':
        'Bearer error="invalid_token", error_description="The access token expired"',
    });
  }
}
