import { createHmac, generateKeyPairSync, sign as signBytes, type KeyObject } from 'node:crypto';

/** An ES256 key pair generated at test time (no key is ever committed). */
export function es256KeyPair(): {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privatePem: string;
  publicPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey,
    publicKey,
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export type Signer =
  | { readonly kind: 'none'; readonly signature?: string }
  | { readonly kind: 'hmac'; readonly secret: Buffer | string }
  | { readonly kind: 'es256'; readonly key: KeyObject };

/** Builds a compact JWS by hand, so tests can forge what a correct library would never sign. */
export function forgeJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  signer: Signer,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  switch (signer.kind) {
    case 'none':
      return `${input}.${signer.signature ?? ''}`;
    case 'hmac':
      return `${input}.${createHmac('sha256', signer.secret).update(input).digest('base64url')}`;
    case 'es256':
      return `${input}.${signBytes('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }
}

/** Standard claims for a token that would be valid, `now` in seconds. */
export function validClaims(
  overrides: Record<string, unknown> = {},
  now = Math.floor(Date.now() / 1000),
): Record<string, unknown> {
  return {
    iss: 'https://issuer.test',
    aud: 'api.test',
    sub: 'u-1',
    preferred_username: 'alice',
    roles: ['user'],
    iat: now,
    exp: now + 300,
    jti: 'jti-1',
    ...overrides,
  };
}
