import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_OIDC_FAILED`: an OpenID Connect callback was refused: missing, unknown, expired,
 * replayed or foreign state; a nonce, signature or claim check failed; or the provider answered
 * with an error. The message is fixed: nothing the provider or the URL said is echoed.
 *
 * @example
 * throw new OidcFailedException();
 */
export class OidcFailedException extends SecurityException {
  readonly code = 'SECURITY_OIDC_FAILED' as const;

  constructor(options?: { cause?: unknown }) {
    super(
      'The sign-in with the identity provider could not be completed.',
      HttpStatus.UNAUTHORIZED,
    );
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
