import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 401 `SECURITY_INVALID_CERTIFICATE`: the request presented a client certificate (on its TLS
 * connection, or forwarded by a trusted proxy) that is not accepted: it does not chain to a
 * trusted CA, cannot be parsed, is outside its validity period, or maps to no user. The message
 * does not say which, nor echo the certificate.
 *
 * @example
 * throw new InvalidCertificateException();
 */
export class InvalidCertificateException extends SecurityException {
  readonly code = 'SECURITY_INVALID_CERTIFICATE' as const;

  constructor() {
    super('The client certificate is not accepted.', HttpStatus.UNAUTHORIZED);
  }
}
