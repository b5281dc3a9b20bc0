import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 400 `SECURITY_OIDC_INVALID_LOGOUT_TOKEN`: a back-channel logout request carried no logout
 * token, or one that failed verification (signature, `typ`, `iss`, `aud`, `iat`/`exp`, `events`,
 * `sid`/`sub`, a `nonce`, or a `jti` already used). Nothing was revoked.
 *
 * @example
 * throw new InvalidLogoutTokenException();
 */
export class InvalidLogoutTokenException extends SecurityException {
  readonly code = 'SECURITY_OIDC_INVALID_LOGOUT_TOKEN' as const;

  constructor(options?: { cause?: unknown }) {
    super('The logout token is missing or invalid.', HttpStatus.BAD_REQUEST);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
