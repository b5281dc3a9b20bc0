import type { JwtVerifierConfig } from '../jwt/jwt-verifier-config.interface';
import type { ResolvedExternalIssuer } from './resolve-external-issuers-options';

/** One verifier per external issuer. Scaffold: resource-server mode is being built. */
export function createExternalIssuerVerifiers(
  issuers: readonly ResolvedExternalIssuer[],
): readonly JwtVerifierConfig[] {
  return issuers.length === 0 ? [] : [];
}
