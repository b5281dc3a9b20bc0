import { timingSafeEqual } from 'node:crypto';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ProviderUnreachableError } from './oidc-http';
import type { OidcAlgorithm } from './oidc-options.interface';

/** The event a back-channel logout token must carry (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** What an ID token or logout token of one provider must satisfy. */
export interface OidcTokenExpectations {
  readonly issuer: string;
  /** This client's id: the audience (and `azp`, when present). */
  readonly clientId: string;
  readonly algorithms: readonly OidcAlgorithm[];
  readonly clockSkewSeconds: number;
  /** Oldest accepted `iat`, in seconds before now. */
  readonly maxAgeSeconds: number;
  /** Now, in milliseconds since the epoch (the SecurityClock). */
  readonly nowMs: number;
}

/** Claims of a verified ID token. */
export interface VerifiedIdToken extends JWTPayload {
  readonly iss: string;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
}

/** Why a token was refused (for logs and tests; never shown to the client). */
export class OidcTokenRejectedError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'OidcTokenRejectedError';
  }
}

function sameString(actual: unknown, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** jose errors: the JWKS could not be fetched (provider down) vs the token is bad. */
function rethrow(error: unknown, what: string): never {
  if (
    error instanceof errors.JWKSTimeout ||
    (error instanceof TypeError && /fetch/i.test(error.message)) ||
    (error instanceof errors.JOSEError && /Expected 200 OK/.test(error.message))
  ) {
    throw new ProviderUnreachableError('the JWKS endpoint', { cause: error });
  }
  if (error instanceof errors.JOSEError) {
    throw new OidcTokenRejectedError(`${what}: ${error.code}`, { cause: error });
  }
  throw error;
}

async function verifySigned(
  token: string,
  keys: JWTVerifyGetKey,
  expect: OidcTokenExpectations,
  what: string,
  extra: { typ?: string; requiredClaims: string[] },
): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, keys, {
      issuer: expect.issuer,
      audience: expect.clientId,
      algorithms: [...expect.algorithms],
      clockTolerance: expect.clockSkewSeconds,
      currentDate: new Date(expect.nowMs),
      maxTokenAge: expect.maxAgeSeconds,
      requiredClaims: extra.requiredClaims,
      ...(extra.typ === undefined ? {} : { typ: extra.typ }),
    });
    return payload;
  } catch (error) {
    return rethrow(error, what);
  }
}

/** OpenID Connect Core §3.1.3.7 items 3 to 5: several audiences need `azp`; `azp` must be us. */
function assertAuthorizedParty(payload: JWTPayload, clientId: string, what: string): void {
  const { aud, azp } = payload;
  if (Array.isArray(aud) && aud.length > 1 && azp === undefined) {
    throw new OidcTokenRejectedError(`${what}: several audiences and no azp`);
  }
  if (azp !== undefined && azp !== clientId) {
    throw new OidcTokenRejectedError(`${what}: azp is another client`);
  }
}

/**
 * Verifies an ID token as OpenID Connect Core §3.1.3.7 asks, with jose: the signature against the
 * provider's JWKS with an algorithm of the allow-list (never `none`, never HMAC), `iss` exactly,
 * `aud` containing the client id, `azp` when there are several audiences (and always equal to the
 * client id), `exp` and `nbf` with bounded clock skew, `iat` present, not in the future and not
 * older than `maxAgeSeconds`, `sub` a non-empty string, and `nonce` equal to the one sent with
 * this login (compared in constant time).
 *
 * Rejects with {@link OidcTokenRejectedError} when the token is bad, and with
 * {@link ProviderUnreachableError} when the JWKS cannot be fetched.
 *
 * @example
 * const claims = await verifyIdToken(idToken, createRemoteJWKSet(new URL(jwksUri)), {
 *   issuer, clientId, algorithms: ['RS256'], clockSkewSeconds: 30, maxAgeSeconds: 600,
 *   nowMs: Date.now(), nonce,
 * });
 */
export async function verifyIdToken(
  token: string,
  keys: JWTVerifyGetKey,
  expect: OidcTokenExpectations & { readonly nonce: string },
): Promise<VerifiedIdToken> {
  const payload = await verifySigned(token, keys, expect, 'ID token', {
    requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
  });
  if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub.length > 255) {
    throw new OidcTokenRejectedError('ID token: sub is not a non-empty string');
  }
  assertAuthorizedParty(payload, expect.clientId, 'ID token');
  if (!sameString(payload.nonce, expect.nonce)) {
    throw new OidcTokenRejectedError('ID token: nonce does not match this login');
  }
  return payload as VerifiedIdToken;
}

/** Claims of a verified logout token. */
export interface VerifiedLogoutToken {
  readonly iss: string;
  readonly jti: string;
  /** `exp` when present, else `iat` plus the maximum age; seconds since the epoch. */
  readonly expiresAt: number;
  readonly sid: string | undefined;
  readonly sub: string | undefined;
}

/**
 * Verifies a back-channel logout token (Back-Channel Logout 1.0 §2.6): signature, algorithm,
 * `typ` `logout+jwt`, `iss`, `aud`, `iat` (and `exp` when present) with bounded skew, `jti`, the
 * back-channel logout event, a `sid` or a `sub`, and no `nonce`. Replay (`jti`) is the caller's
 * to refuse.
 *
 * @example
 * const logout = await verifyLogoutToken(token, keys, expectations);
 */
export async function verifyLogoutToken(
  token: string,
  keys: JWTVerifyGetKey,
  expect: OidcTokenExpectations,
): Promise<VerifiedLogoutToken> {
  const payload = await verifySigned(token, keys, expect, 'logout token', {
    typ: 'logout+jwt',
    requiredClaims: ['iss', 'aud', 'iat', 'jti'],
  });
  assertAuthorizedParty(payload, expect.clientId, 'logout token');
  const { events, jti, sid, sub, iat, exp } = payload as JWTPayload & {
    events?: unknown;
    sid?: unknown;
  };
  if (
    typeof events !== 'object' ||
    events === null ||
    Array.isArray(events) ||
    typeof (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] !== 'object' ||
    (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] === null
  ) {
    throw new OidcTokenRejectedError('logout token: no back-channel logout event');
  }
  if ('nonce' in payload) throw new OidcTokenRejectedError('logout token: has a nonce');
  if (typeof jti !== 'string' || jti === '' || jti.length > 255) {
    throw new OidcTokenRejectedError('logout token: jti is not a non-empty string');
  }
  const validSid = typeof sid === 'string' && sid !== '' && sid.length <= 255;
  const validSub = typeof sub === 'string' && sub !== '' && sub.length <= 255;
  if ((sid !== undefined && !validSid) || (sub !== undefined && !validSub)) {
    throw new OidcTokenRejectedError('logout token: malformed sid or sub');
  }
  if (!validSid && !validSub) throw new OidcTokenRejectedError('logout token: no sid and no sub');
  return {
    iss: expect.issuer,
    jti,
    expiresAt: typeof exp === 'number' ? exp : (iat ?? 0) + expect.maxAgeSeconds,
    sid: validSid ? sid : undefined,
    sub: validSub ? sub : undefined,
  };
}
