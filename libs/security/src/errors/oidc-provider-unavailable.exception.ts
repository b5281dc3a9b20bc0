import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 502 `SECURITY_OIDC_PROVIDER_UNAVAILABLE`: the identity provider (token, UserInfo or JWKS
 * endpoint) did not answer in time, or answered with a server error; no session was created.
 *
 * @example
 * throw new OidcProviderUnavailableException();
 */
export class OidcProviderUnavailableException extends SecurityException {
  readonly code = 'SECURITY_OIDC_PROVIDER_UNAVAILABLE' as const;

  constructor(options?: { cause?: unknown }) {
    super(
      'The identity provider is unavailable; try signing in again shortly.',
      HttpStatus.BAD_GATEWAY,
      { 'Retry-After': '5' },
    );
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
