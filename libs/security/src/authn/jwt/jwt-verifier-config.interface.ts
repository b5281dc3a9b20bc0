import type { KeyObject } from 'node:crypto';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';

/**
 * Where a verifier finds the key for a token: configured keys only (Rampart's key ring, an
 * identity provider's JWKS), never anything the token carries (`jwk`, `jku`, `x5u`).
 */
export interface JwtKeySource {
  /**
   * The key that verifies tokens with this `kid` and `alg`, or `undefined` when there is none.
   * Must never return a symmetric key for an asymmetric `alg` or the reverse.
   */
  verificationKey(kid: string, alg: string): KeyObject | undefined | Promise<KeyObject | undefined>;
}

/** Claims of a token whose signature, `iss`, `aud`, `exp`, `nbf`, `iat`, `typ` and `sub` checked out. */
export interface VerifiedClaims extends Readonly<Record<string, unknown>> {
  readonly sub: string;
  readonly exp: number;
  readonly iss: string;
}

/**
 * One trusted issuer of bearer tokens: Rampart itself, or an external identity provider
 * (resource-server mode). The bearer authenticator routes a token to the verifier of its `iss`.
 */
export interface JwtVerifierConfig {
  readonly issuer: string;
  /** A token must name at least one of these in `aud`. */
  readonly audience: readonly string[];
  /** Algorithm allow-list. */
  readonly algorithms: readonly string[];
  /** Tolerance on `exp`, `nbf`, `iat`, in seconds. */
  readonly clockSkewSeconds: number;
  /** Accepted header `typ` values, lower case (e.g. `at+jwt`). */
  readonly acceptedTypes: readonly string[];
  readonly keySource: JwtKeySource;
  /**
   * Turns verified claims into a principal, or throws a 401 SecurityException (revoked, bound to
   * another certificate, malformed roles...).
   */
  toPrincipal(claims: VerifiedClaims, request: SecurityRequest): Principal | Promise<Principal>;
}
