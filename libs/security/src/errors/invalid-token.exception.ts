import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_INVALID_TOKEN`: a bearer token was presented and failed verification (signature,
 * algorithm, issuer, audience, type, key id, or shape). The message never says which check failed
 * nor echoes the token.
 *
 * @example
 * throw new InvalidTokenException();
 */
export class InvalidTokenException extends SecurityException {
  readonly code = 'SECURITY_INVALID_TOKEN' as const;

  constructor() {
    super('The access token is invalid.', HttpStatus.UNAUTHORIZED, {
      'WWW-Authenticate': 'Bearer error="invalid_token"',
    });
  }
}
