import type { AccessTokenInfo, Principal } from '../../core/principal.interface';
import type { RevocableToken } from '../tokens/revocation.service';
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
  const token: AccessTokenInfo = {
    id: typeof claims.jti === 'string' ? claims.jti : '',
    ...(typeof claims.fid === 'string' ? { familyId: claims.fid } : {}),
    ...(typeof claims.sid === 'string' ? { sessionId: claims.sid } : {}),
    expiresAt: claims.exp,
  };
  return { id: claims.sub, username, roles: Object.freeze([...roles]), authMethod: 'jwt', token };
}

/**
 * What the revocation check needs of Rampart's token claims. `iat_ms` (set by TokenService) gives
 * the issue time to the millisecond; without it, the end of the `iat` second is assumed.
 */
export function revocableFromRampartClaims(claims: VerifiedClaims): RevocableToken {
  const iat = typeof claims.iat === 'number' ? claims.iat : 0;
  const issuedAtMs =
    typeof claims.iat_ms === 'number' && Math.floor(claims.iat_ms / 1000) === iat
      ? claims.iat_ms
      : iat * 1000 + 999;
  return {
    id: typeof claims.jti === 'string' ? claims.jti : undefined,
    familyId: typeof claims.fid === 'string' ? claims.fid : undefined,
    sessionId: typeof claims.sid === 'string' ? claims.sid : undefined,
    userId: claims.sub,
    issuedAtMs,
  };
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
