import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_AUTHENTICATION_REQUIRED`: the route is not `@Public()` and the request presented
 * no credentials.
 *
 * @example
 * throw new AuthenticationRequiredException('Bearer');
 */
export class AuthenticationRequiredException extends SecurityException {
  readonly code = 'SECURITY_AUTHENTICATION_REQUIRED' as const;

  /** @param challenge `WWW-Authenticate` value, e.g. `Bearer`; omitted when no scheme applies. */
  constructor(challenge?: string) {
    super(
      'Authentication is required.',
      HttpStatus.UNAUTHORIZED,
      challenge === undefined ? {} : { 'WWW-Authenticate': challenge },
    );
  }
}
