import { timingSafeEqual } from 'node:crypto';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import type { VerifiedClaims } from '../jwt/jwt-verifier-config.interface';
import { readClientCertificate } from './client-certificate';
import type { ResolvedMtlsOptions } from './resolve-mtls-options';

/** The RFC 8705 confirmation method Rampart verifies. */
const X5T_S256 = 'x5t#S256';

/**
 * Enforces RFC 8705 certificate binding on a verified access token. A token without `cnf` is not
 * bound and passes. A token with `cnf` passes only when:
 *
 * - `cnf` holds exactly one confirmation method, `x5t#S256`, a non-empty string (a token bound by
 *   a method Rampart cannot check, such as DPoP's `jkt`, is refused rather than used as a plain
 *   bearer token);
 * - mTLS is on (`options` defined): with mTLS off, no certificate can be checked, so every bound
 *   token is refused (fail closed);
 * - the request presents a verified client certificate (read exactly as the mTLS authenticator
 *   reads it: the TLS connection, or a trusted proxy's header) whose `x5t#S256` is the token's.
 *
 * Anything else throws {@link InvalidTokenException}: 401 `SECURITY_INVALID_TOKEN` with
 * `WWW-Authenticate: Bearer error="invalid_token"`, so a stolen bound token is useless without the
 * private key of its certificate.
 *
 * @example
 * // in a verifier's toPrincipal, after the signature and claims checked out
 * assertCertificateBinding(claims, request, resolvedOptions.mtls);
 */
export function assertCertificateBinding(
  claims: VerifiedClaims,
  request: SecurityRequest,
  options: ResolvedMtlsOptions | undefined,
): void {
  const { cnf } = claims;
  if (cnf === undefined) return;
  const expected = boundThumbprint(cnf);
  if (expected === undefined || options === undefined) throw new InvalidTokenException();
  const presented = readClientCertificate(request, options)?.x5tS256;
  if (presented === undefined || !sameThumbprint(presented, expected)) {
    throw new InvalidTokenException();
  }
}

/** `cnf.x5t#S256` when it is the one confirmation method and a non-empty string. */
function boundThumbprint(cnf: unknown): string | undefined {
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return undefined;
  const methods = Object.keys(cnf);
  const thumbprint = (cnf as Readonly<Record<string, unknown>>)[X5T_S256];
  return methods.length === 1 && typeof thumbprint === 'string' && thumbprint !== ''
    ? thumbprint
    : undefined;
}

function sameThumbprint(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
