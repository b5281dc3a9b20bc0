import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 403: a cookie-authenticated unsafe request (or a login) failed the CSRF checks: a cross-site
 * `Sec-Fetch-Site`, a foreign `Origin`, or a missing or wrong CSRF token.
 *
 * @example
 * throw new CsrfRejectedException();
 */
export class CsrfRejectedException extends SecurityException {
  readonly code = 'SECURITY_CSRF_REJECTED' as const;

  constructor() {
    super(
      'The request was refused by CSRF protection: send it from this site with the CSRF token of the session.',
      HttpStatus.FORBIDDEN,
    );
  }
}
