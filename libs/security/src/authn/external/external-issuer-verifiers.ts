import type { Principal } from '../../core/principal.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import type { JwtVerifierConfig, VerifiedClaims } from '../jwt/jwt-verifier-config.interface';
import { JwksKeySource, type JwksKeySourceDependencies } from './jwks-key-source';
import type { ResolvedExternalIssuer } from './resolve-external-issuers-options';

type ClaimReader = (claims: VerifiedClaims) => unknown;

/** Claims that OpenID Connect puts in ID tokens only. */
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash'] as const;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a claim by name: the top-level claim of exactly that name when there is one (Auth0's
 * `https://acme.com/roles`), else the dotted path through nested objects (`realm_access.roles`).
 * Own properties only, so `__proto__` or `constructor` never resolve to anything inherited.
 */
function claimReader(name: string): ClaimReader {
  const segments = name.split('.');
  return (claims) => {
    if (Object.hasOwn(claims, name)) return claims[name];
    let value: unknown = claims;
    for (const segment of segments) {
      if (!isRecord(value) || !Object.hasOwn(value, segment)) return undefined;
      value = value[segment];
    }
    return value;
  };
}

/**
 * Whether verified claims are those of an OpenID Connect ID token rather than an access token:
 * a `nonce`, `at_hash` or `c_hash` claim, Keycloak's `typ: 'ID'` claim, or an `aud` made only of
 * the issuer's client ids.
 *
 * @example
 * isIdToken({ sub: 'u', iss: 'https://idp', exp: 1, aud: 'web', nonce: 'n' }, []); // true
 */
export function isIdToken(claims: VerifiedClaims, clientIds: readonly string[]): boolean {
  if (ID_TOKEN_CLAIMS.some((claim) => Object.hasOwn(claims, claim))) return true;
  if (typeof claims.typ === 'string' && claims.typ.toLowerCase() === 'id') return true;
  if (clientIds.length === 0) return false;
  const audience = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  return (
    Array.isArray(audience) &&
    audience.length > 0 &&
    audience.every((value) => typeof value === 'string' && clientIds.includes(value))
  );
}

/**
 * The `toPrincipal` of one external issuer: refuses ID tokens, then maps `sub` to `id`, the
 * username claim (else `sub`) to `username`, the roles claim (an array of strings, else `[]`)
 * to `roles`. A username claim that is not a non-empty string, or a roles claim that is not an
 * array of strings, refuses the token.
 *
 * @example
 * const toPrincipal = externalPrincipalMapper(resolved[0]);
 * toPrincipal({ sub: 'u-1', iss, exp, realm_access: { roles: ['user'] } });
 */
export function externalPrincipalMapper(
  issuer: Pick<ResolvedExternalIssuer, 'clientIds' | 'usernameClaim' | 'rolesClaim'>,
): (claims: VerifiedClaims) => Principal {
  const readUsername = claimReader(issuer.usernameClaim);
  const readRoles = claimReader(issuer.rolesClaim);
  const clientIds = issuer.clientIds;
  return (claims) => {
    if (isIdToken(claims, clientIds)) throw new InvalidTokenException();
    const claimed = readUsername(claims);
    const username = claimed === undefined ? claims.sub : claimed;
    if (typeof username !== 'string' || username === '') throw new InvalidTokenException();
    const granted = readRoles(claims);
    const roles = granted === undefined ? [] : granted;
    if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
      throw new InvalidTokenException();
    }
    return {
      id: claims.sub,
      username,
      roles: Object.freeze([...roles]),
      authMethod: 'jwt',
    };
  };
}

/**
 * One bearer-token verifier per external issuer (resource-server mode): its `iss`, `aud`,
 * algorithm allow-list, accepted `typ` values and clock skew, keys from a {@link JwksKeySource}
 * on its JWKS URL, and {@link externalPrincipalMapper} for the principal.
 *
 * @param dependencies clock, logger and `fetch` of the key sources (tests replace them).
 * @example
 * const verifiers = createExternalIssuerVerifiers(resolved.externalIssuers);
 * const strategies = verifiers.map((config) => new JwtStrategy(config));
 */
export function createExternalIssuerVerifiers(
  issuers: readonly ResolvedExternalIssuer[],
  dependencies: JwksKeySourceDependencies = {},
): readonly JwtVerifierConfig[] {
  return Object.freeze(
    issuers.map((issuer): JwtVerifierConfig =>
      Object.freeze({
        issuer: issuer.issuer,
        audience: issuer.audience,
        algorithms: issuer.algorithms,
        clockSkewSeconds: issuer.clockSkewSeconds,
        acceptedTypes: issuer.acceptedTypes,
        keySource: new JwksKeySource(
          {
            issuer: issuer.issuer,
            jwksUri: issuer.jwksUri,
            cacheSeconds: issuer.jwksCacheSeconds,
            minRefetchIntervalSeconds: issuer.jwksMinRefetchIntervalSeconds,
            timeoutMs: issuer.jwksTimeoutMs,
          },
          dependencies,
        ),
        toPrincipal: externalPrincipalMapper(issuer),
      }),
    ),
  );
}
