import type { SecurityRequest } from '../../core/security-request.interface';
import type { VerifiedClaims } from '../jwt/jwt-verifier-config.interface';
import type { ResolvedMtlsOptions } from './resolve-mtls-options';

/**
 * Checks RFC 8705 certificate binding (`cnf.x5t#S256`) of a verified access token against the
 * request's client certificate; throws InvalidTokenException on mismatch. Scaffold.
 */
export function assertCertificateBinding(
  _claims: VerifiedClaims,
  _request: SecurityRequest,
  _options: ResolvedMtlsOptions | undefined,
): void {
  return;
}
