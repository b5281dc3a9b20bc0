import type { Principal } from '../../core/principal.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { ACCEPTED_ACCESS_TOKEN_TYPES } from './jwt.constants';
import type { JwtKeyRing } from './jwt-key-ring';
import type { JwtVerifierConfig, VerifiedClaims } from './jwt-verifier-config.interface';
import type { ResolvedJwtOptions } from './resolved-jwt-options.interface';

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * The principal carried by a Rampart access token: `sub`, `preferred_username` (falls back to
 * `sub`) and `roles` (an array of strings; anything else is refused).
 *
 * @example
 * principalFromRampartClaims({ sub: 'u-1', roles: ['user'], ... });
 */
export function principalFromRampartClaims(claims: VerifiedClaims): Principal {
  const roles = claims.roles ?? [];
  if (!isStringArray(roles)) throw new InvalidTokenException();
  const username =
    typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
  return { id: claims.sub, username, roles: Object.freeze([...roles]), authMethod: 'jwt' };
}

/**
 * The verifier of Rampart's own access tokens: the configured issuer and audience, the key ring,
 * `typ: at+jwt`.
 */
export function rampartVerifierConfig(
  options: ResolvedJwtOptions,
  keyRing: JwtKeyRing,
  toPrincipal: JwtVerifierConfig['toPrincipal'] = principalFromRampartClaims,
): JwtVerifierConfig {
  return {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: keyRing.algorithms,
    clockSkewSeconds: options.clockSkewSeconds,
    acceptedTypes: ACCEPTED_ACCESS_TOKEN_TYPES,
    keySource: {
      verificationKey: (kid, alg) => {
        const key = keyRing.verificationKey(kid);
        return key?.algorithm === alg ? key.verificationKey : undefined;
      },
    },
    toPrincipal,
  };
}
