import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { resolveJwtOptions } from './resolve-jwt-options';

const base = { issuer: 'https://issuer.test', audience: 'api' };
const ec = (curve = 'prime256v1') => generateKeyPairSync('ec', { namedCurve: curve });
const pem = (key: ReturnType<typeof ec>['privateKey']) =>
  key.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('resolveJwtOptions', () => {
  it('fills defaults and normalises the audience to a list', () => {
    const resolved = resolveJwtOptions(base, 'development');
    expect(resolved).toEqual({
      issuer: base.issuer,
      audience: ['api'],
      keys: undefined,
      activeKid: undefined,
      accessTokenTtlSeconds: 900,
      clockSkewSeconds: 30,
      refreshTokenIdleTtlSeconds: 1_209_600,
      refreshTokenAbsoluteTtlSeconds: 2_592_000,
      revocationSyncIntervalSeconds: 5,
    });
  });

  it('parses keys once, derives the public key, and picks the first signing key as active', () => {
    const pair = ec();
    const resolved = resolveJwtOptions(
      {
        ...base,
        keys: [
          { kid: 'old', publicKey: pair.publicKey },
          { kid: 'new', privateKey: pem(pair.privateKey) },
        ],
      },
      'production',
    );
    expect(resolved.activeKid).toBe('new');
    expect(resolved.keys?.[1]?.verificationKey.type).toBe('public');
    expect(resolved.keys?.[0]?.signingKey).toBeUndefined();
  });

  it('accepts a strong HMAC secret of the right length', () => {
    const resolved = resolveJwtOptions(
      {
        ...base,
        keys: [{ kid: 'h', algorithm: 'HS256', secret: randomBytes(32).toString('base64url') }],
      },
      'production',
    );
    expect(resolved.keys?.[0]?.algorithm).toBe('HS256');
    expect(resolved.keys?.[0]?.verificationKey.type).toBe('secret');
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a short secret',
      { kid: 'h', algorithm: 'HS256', secret: randomBytes(16).toString('hex').slice(0, 31) },
      /too weak for HS256/,
    ],
    [
      'a secret too short for HS512',
      { kid: 'h', algorithm: 'HS512', secret: randomBytes(32) },
      /at least 64/,
    ],
    [
      'a low-variety secret',
      { kid: 'h', algorithm: 'HS256', secret: 'abababababababababababababababab' },
      /too weak/,
    ],
    ['a missing secret', { kid: 'h', algorithm: 'HS256' }, /"jwt\.keys\[0\]\.secret" is required/],
    [
      'a secret on an asymmetric key',
      { kid: 'k', algorithm: 'ES256', secret: 'x' },
      /did you mean|not a known option/,
    ],
    ['no key material', { kid: 'k' }, /neither privateKey nor publicKey/],
    [
      'a public key as privateKey',
      { kid: 'k', privateKey: ec().publicKey },
      /must be a private key/,
    ],
    [
      'an RSA key for ES256',
      { kid: 'k', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey },
      /does not fit ES256/,
    ],
    [
      'a short RSA key',
      {
        kid: 'k',
        algorithm: 'RS256',
        privateKey: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
      },
      /at least 2048/,
    ],
    [
      'a P-384 key for ES256',
      { kid: 'k', privateKey: ec('secp384r1').privateKey },
      /does not fit ES256/,
    ],
    [
      'mismatched halves',
      { kid: 'k', privateKey: ec().privateKey, publicKey: ec().publicKey },
      /does not match privateKey/,
    ],
    [
      'an unknown algorithm',
      { kid: 'k', algorithm: 'ES257', privateKey: ec().privateKey },
      /did you mean 'ES256'/,
    ],
    ['alg none', { kid: 'k', algorithm: 'none' }, /must be one of/],
  ])('refuses %s', (_name, key, message) => {
    expect(() => resolveJwtOptions({ ...base, keys: [key] }, 'development')).toThrow(message);
  });

  it('refuses repeated kids and an activeKid without a signing key', () => {
    const pair = ec();
    expect(() =>
      resolveJwtOptions(
        {
          ...base,
          keys: [
            { kid: 'a', privateKey: pair.privateKey },
            { kid: 'a', privateKey: pair.privateKey },
          ],
        },
        'development',
      ),
    ).toThrow(/repeats the kid/);
    expect(() =>
      resolveJwtOptions(
        { ...base, keys: [{ kid: 'a', publicKey: pair.publicKey }], activeKid: 'a' },
        'development',
      ),
    ).toThrow(/"jwt\.activeKid"/);
  });

  it.each([
    ['-0', -0],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['"30"', '30'],
    ['null', null],
    ['[]', []],
    ['301', 301],
    ['1.5', 1.5],
  ])('refuses clockSkewSeconds %s', (_name, value) => {
    expect(() => resolveJwtOptions({ ...base, clockSkewSeconds: value }, 'development')).toThrow(
      /"jwt\.clockSkewSeconds"/,
    );
  });

  it('requires keys in production', () => {
    expect(() => resolveJwtOptions(base, 'production')).toThrow(
      /"jwt\.keys" is required in production/,
    );
  });

  it.each([[''], [[]], [['']], [1]])('refuses audience %j', (audience) => {
    expect(() => resolveJwtOptions({ ...base, audience }, 'development')).toThrow(/"jwt\.audience/);
  });
});
