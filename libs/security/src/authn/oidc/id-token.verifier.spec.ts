import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  OidcTokenRejectedError,
  verifyIdToken,
  verifyLogoutToken,
} from './id-token.verifier';
import { ProviderUnreachableError } from './oidc-http';

const NOW = 1_800_000_000;
const ISSUER = 'https://sso.example.com/realms/acme';
const CLIENT = 'acme-web';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const keys: JWTVerifyGetKey = createLocalJWKSet({
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }],
});

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function jwt(
  payload: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'ES256', kid: 'k1' },
  key: KeyObject | 'none' | { hmac: string } = privateKey,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  if (key === 'none') return `${input}.`;
  if ('hmac' in key) {
    return `${input}.${createHmac('sha256', key.hmac).update(input).digest('base64url')}`;
  }
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

const expect$ = {
  issuer: ISSUER,
  clientId: CLIENT,
  algorithms: ['ES256'] as const,
  clockSkewSeconds: 30,
  maxAgeSeconds: 600,
  nowMs: NOW * 1000,
  nonce: 'nonce-1',
};

const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISSUER,
  aud: CLIENT,
  sub: 'user-1',
  iat: NOW,
  exp: NOW + 300,
  nonce: 'nonce-1',
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected a rejection');
}

describe('verifyIdToken', () => {
  it('accepts a correct token and returns its claims', async () => {
    const verified = await verifyIdToken(jwt(claims({ sid: 's1' })), keys, expect$);
    expect(verified).toMatchObject({ iss: ISSUER, sub: 'user-1', sid: 's1' });
  });

  it('accepts several audiences with azp set to this client', async () => {
    const token = jwt(claims({ aud: [CLIENT, 'other'], azp: CLIENT }));
    await expect(verifyIdToken(token, keys, expect$)).resolves.toBeDefined();
  });

  it('accepts exp and iat within the clock skew', async () => {
    const token = jwt(claims({ exp: NOW - 29, iat: NOW + 29 }));
    await expect(verifyIdToken(token, keys, expect$)).resolves.toBeDefined();
  });

  it.each<[string, () => string]>([
    ['a signature by another key', () => jwt(claims(), undefined, other)],
    ['alg none', () => jwt(claims(), { alg: 'none' }, 'none')],
    ['HS256 (key confusion)', () => jwt(claims(), { alg: 'HS256', kid: 'k1' }, { hmac: 'secret' })],
    ['an unknown kid', () => jwt(claims(), { alg: 'ES256', kid: 'k2' })],
    ['another issuer', () => jwt(claims({ iss: 'https://evil.example' }))],
    ['no issuer', () => jwt(claims({ iss: undefined }))],
    ['another audience', () => jwt(claims({ aud: 'other' }))],
    ['several audiences without azp', () => jwt(claims({ aud: [CLIENT, 'other'] }))],
    ['azp of another client', () => jwt(claims({ azp: 'other' }))],
    ['an expired token (beyond the skew)', () => jwt(claims({ exp: NOW - 31 }))],
    ['no exp', () => jwt(claims({ exp: undefined }))],
    ['no iat', () => jwt(claims({ iat: undefined }))],
    ['iat in the future (beyond the skew)', () => jwt(claims({ iat: NOW + 31 }))],
    ['iat older than the maximum age', () => jwt(claims({ iat: NOW - 631 }))],
    ['nbf in the future', () => jwt(claims({ nbf: NOW + 60 }))],
    ['another nonce', () => jwt(claims({ nonce: 'nonce-2' }))],
    ['no nonce', () => jwt(claims({ nonce: undefined }))],
    ['an empty sub', () => jwt(claims({ sub: '' }))],
    ['no sub', () => jwt(claims({ sub: undefined }))],
    ['a garbled token', () => 'not-a-jwt'],
  ])('refuses %s', async (_name, token) => {
    const error = await rejection(verifyIdToken(token(), keys, expect$));
    expect(error).toBeInstanceOf(OidcTokenRejectedError);
  });

  it('reports an unreachable JWKS as the provider being unavailable', async () => {
    const down: JWTVerifyGetKey = () => Promise.reject(new TypeError('fetch failed'));
    const error = await rejection(verifyIdToken(jwt(claims()), down, expect$));
    expect(error).toBeInstanceOf(ProviderUnreachableError);
  });
});

const logout = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  iss: ISSUER,
  aud: CLIENT,
  iat: NOW,
  exp: NOW + 120,
  jti: 'jti-1',
  sid: 'sid-1',
  events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  ...overrides,
});
const LOGOUT = { alg: 'ES256', kid: 'k1', typ: 'logout+jwt' };

describe('verifyLogoutToken', () => {
  it('accepts a correct token: sid, sub, jti and expiry', async () => {
    await expect(
      verifyLogoutToken(jwt(logout({ sub: 'user-1' }), LOGOUT), keys, expect$),
    ).resolves.toEqual({
      iss: ISSUER,
      jti: 'jti-1',
      expiresAt: NOW + 120,
      sid: 'sid-1',
      sub: 'user-1',
    });
  });

  it('accepts typ application/logout+jwt, and a token without exp (iat + max age)', async () => {
    const token = jwt(logout({ exp: undefined }), { ...LOGOUT, typ: 'application/logout+jwt' });
    await expect(verifyLogoutToken(token, keys, expect$)).resolves.toMatchObject({
      expiresAt: NOW + 600,
    });
  });

  it.each<[string, () => string]>([
    ['typ JWT', () => jwt(logout(), { ...LOGOUT, typ: 'JWT' })],
    ['no typ', () => jwt(logout(), { alg: 'ES256', kid: 'k1' })],
    ['no events', () => jwt(logout({ events: undefined }), LOGOUT)],
    ['events without the logout event', () => jwt(logout({ events: { other: {} } }), LOGOUT)],
    [
      'a logout event that is not an object',
      () => jwt(logout({ events: { [BACKCHANNEL_LOGOUT_EVENT]: 'x' } }), LOGOUT),
    ],
    ['a nonce', () => jwt(logout({ nonce: 'n' }), LOGOUT)],
    ['no jti', () => jwt(logout({ jti: undefined }), LOGOUT)],
    ['neither sid nor sub', () => jwt(logout({ sid: undefined }), LOGOUT)],
    ['a numeric sid', () => jwt(logout({ sid: 7 }), LOGOUT)],
    ['another audience', () => jwt(logout({ aud: 'other' }), LOGOUT)],
    ['another issuer', () => jwt(logout({ iss: 'https://evil.example' }), LOGOUT)],
    ['an expired token', () => jwt(logout({ exp: NOW - 31 }), LOGOUT)],
    ['a signature by another key', () => jwt(logout(), LOGOUT, other)],
    ['alg none', () => jwt(logout(), { alg: 'none', typ: 'logout+jwt' }, 'none')],
  ])('refuses %s', async (_name, token) => {
    const error = await rejection(verifyLogoutToken(token(), keys, expect$));
    expect(error).toBeInstanceOf(OidcTokenRejectedError);
  });
});
