import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import type {
  AsymmetricJwtAlgorithm,
  JwtAlgorithm,
  SecurityEnvironment,
  SymmetricJwtAlgorithm,
} from '../../core/security-module-options.interface';
import {
  assertKnownKeys,
  readArray,
  readChoice,
  readNumber,
  readObject,
  readString,
} from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { ResolvedJwtKey, ResolvedJwtOptions } from './resolved-jwt-options.interface';

const JWT_KEYS = [
  'issuer',
  'audience',
  'keys',
  'activeKid',
  'accessTokenTtlSeconds',
  'clockSkewSeconds',
  'refreshTokenIdleTtlSeconds',
  'refreshTokenAbsoluteTtlSeconds',
  'revocationSyncIntervalSeconds',
] as const;
const ASYMMETRIC: readonly AsymmetricJwtAlgorithm[] = ['ES256', 'ES384', 'ES512', 'RS256', 'PS256'];
const SYMMETRIC: readonly SymmetricJwtAlgorithm[] = ['HS256', 'HS384', 'HS512'];
const EC_CURVES: Readonly<Record<string, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};
const HMAC_MIN_BYTES: Readonly<Record<SymmetricJwtAlgorithm, number>> = {
  HS256: 32,
  HS384: 48,
  HS512: 64,
};
/** Estimated entropy a secret must carry, in bits. */
const HMAC_MIN_ENTROPY_BITS = 128;

/** Shannon estimate of a secret's entropy: length times bits per distinct symbol. */
function estimatedEntropyBits(secret: Buffer): number {
  const counts = new Map<number, number>();
  for (const byte of secret) counts.set(byte, (counts.get(byte) ?? 0) + 1);
  let bitsPerByte = 0;
  for (const count of counts.values()) {
    const p = count / secret.length;
    bitsPerByte -= p * Math.log2(p);
  }
  return bitsPerByte * secret.length;
}

function isSymmetric(algorithm: JwtAlgorithm): algorithm is SymmetricJwtAlgorithm {
  return (SYMMETRIC as readonly string[]).includes(algorithm);
}

function readKeyObject(value: unknown, path: string, kind: 'private' | 'public'): KeyObject {
  if (value instanceof KeyObject) {
    if (value.type !== kind) {
      throw new SecurityConfigurationError(
        path,
        `must be a ${kind} key, got a ${value.type} key`,
        `pass the ${kind} half of the key pair`,
      );
    }
    return value;
  }
  if (typeof value !== 'string' || !value.includes('-----BEGIN')) {
    throw new SecurityConfigurationError(
      path,
      `must be a PEM string or a KeyObject`,
      `pass a PEM-encoded ${kind === 'private' ? 'PKCS#8 private' : 'SPKI public'} key`,
    );
  }
  try {
    return kind === 'private' ? createPrivateKey(value) : createPublicKey(value);
  } catch {
    throw new SecurityConfigurationError(
      path,
      `is not a readable PEM ${kind} key`,
      `check the PEM text (header, footer, line breaks)`,
    );
  }
}

function assertKeyFitsAlgorithm(
  key: KeyObject,
  algorithm: AsymmetricJwtAlgorithm,
  path: string,
): void {
  const type = key.asymmetricKeyType;
  if (algorithm.startsWith('ES')) {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (type !== 'ec' || curve !== EC_CURVES[algorithm]) {
      throw new SecurityConfigurationError(
        path,
        `does not fit ${algorithm} (needs an EC ${EC_CURVES[algorithm] ?? ''} key, got ${type ?? 'unknown'}${curve === undefined ? '' : ` ${curve}`})`,
        `generate a key for ${algorithm} or change "algorithm"`,
      );
    }
    return;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if ((type !== 'rsa' && type !== 'rsa-pss') || bits < 2048) {
    throw new SecurityConfigurationError(
      path,
      `does not fit ${algorithm} (needs an RSA key of at least 2048 bits)`,
      `generate an RSA key of 2048 bits or more, or use ES256`,
    );
  }
}

function readKey(raw: unknown, path: string): ResolvedJwtKey {
  const key = readObject(raw, path);
  const kid = readString(key.kid, `${path}.kid`);
  const algorithm: JwtAlgorithm =
    key.algorithm === undefined
      ? 'ES256'
      : readChoice<JwtAlgorithm>(key.algorithm, `${path}.algorithm`, [...ASYMMETRIC, ...SYMMETRIC]);
  if (isSymmetric(algorithm)) {
    assertKnownKeys(key, ['kid', 'algorithm', 'secret'], path);
    const raw = key.secret;
    if (typeof raw !== 'string' && !Buffer.isBuffer(raw)) {
      throw new SecurityConfigurationError(
        `${path}.secret`,
        `is required for ${algorithm} and must be a string or Buffer`,
        `pass a random secret of at least ${HMAC_MIN_BYTES[algorithm]} bytes`,
      );
    }
    const secret = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
    if (
      secret.length < HMAC_MIN_BYTES[algorithm] ||
      estimatedEntropyBits(secret) < HMAC_MIN_ENTROPY_BITS
    ) {
      throw new SecurityConfigurationError(
        `${path}.secret`,
        `is too weak for ${algorithm} (needs at least ${HMAC_MIN_BYTES[algorithm]} random bytes)`,
        `generate one with \`node -e "console.log(require('crypto').randomBytes(${HMAC_MIN_BYTES[algorithm]}).toString('base64url'))"\`, or use an asymmetric algorithm such as ES256`,
      );
    }
    const secretKey = createSecretKey(Buffer.from(secret));
    return { kid, algorithm, signingKey: secretKey, verificationKey: secretKey };
  }
  assertKnownKeys(key, ['kid', 'algorithm', 'privateKey', 'publicKey'], path);
  if (key.privateKey === undefined && key.publicKey === undefined) {
    throw new SecurityConfigurationError(
      path,
      'has neither privateKey nor publicKey',
      'pass privateKey (to sign) or publicKey (to verify only)',
    );
  }
  const signingKey =
    key.privateKey === undefined
      ? undefined
      : readKeyObject(key.privateKey, `${path}.privateKey`, 'private');
  const verificationKey =
    key.publicKey === undefined
      ? createPublicKey(signingKey as KeyObject)
      : readKeyObject(key.publicKey, `${path}.publicKey`, 'public');
  if (signingKey !== undefined) assertKeyFitsAlgorithm(signingKey, algorithm, `${path}.privateKey`);
  assertKeyFitsAlgorithm(verificationKey, algorithm, `${path}.publicKey`);
  if (signingKey !== undefined && key.publicKey !== undefined) {
    const derived = createPublicKey(signingKey).export({ format: 'der', type: 'spki' });
    if (!derived.equals(verificationKey.export({ format: 'der', type: 'spki' }))) {
      throw new SecurityConfigurationError(
        `${path}.publicKey`,
        'does not match privateKey',
        'pass the public key of the same pair, or omit it to derive it',
      );
    }
  }
  return { kid, algorithm, signingKey, verificationKey };
}

/**
 * Validates `jwt` options and resolves them with defaults.
 *
 * @example
 * resolveJwtOptions({ issuer: 'https://api.example.com', audience: 'api' }, 'development');
 */
export function resolveJwtOptions(
  raw: unknown,
  environment: SecurityEnvironment,
): ResolvedJwtOptions {
  const jwt = readObject(raw, 'jwt');
  assertKnownKeys(jwt, JWT_KEYS, 'jwt');
  if (jwt.issuer === undefined) {
    throw new SecurityConfigurationError(
      'jwt.issuer',
      'is required',
      'set it to the URL that identifies this token issuer, e.g. "https://api.example.com"',
    );
  }
  const issuer = readString(jwt.issuer, 'jwt.issuer');
  if (jwt.audience === undefined) {
    throw new SecurityConfigurationError(
      'jwt.audience',
      'is required',
      'set it to the identifier of the API that accepts the tokens, e.g. "api.example.com"',
    );
  }
  const audience =
    typeof jwt.audience === 'string'
      ? [readString(jwt.audience, 'jwt.audience')]
      : readArray(jwt.audience, 'jwt.audience', readString);

  let keys: ResolvedJwtKey[] | undefined;
  if (jwt.keys === undefined) {
    if (environment === 'production') {
      throw new SecurityConfigurationError(
        'jwt.keys',
        'is required in production',
        'configure at least one signing key, e.g. { kid: "2026-01", algorithm: "ES256", privateKey: process.env.JWT_PRIVATE_KEY }',
      );
    }
  } else {
    keys = readArray(jwt.keys, 'jwt.keys', readKey);
    const seen = new Set<string>();
    keys.forEach((key, index) => {
      if (seen.has(key.kid)) {
        throw new SecurityConfigurationError(
          `jwt.keys[${index}].kid`,
          `repeats the kid "${key.kid}"`,
          'give every key its own kid',
        );
      }
      seen.add(key.kid);
    });
  }

  let activeKid: string | undefined;
  if (jwt.activeKid !== undefined) {
    activeKid = readString(jwt.activeKid, 'jwt.activeKid');
    const active = keys?.find((key) => key.kid === activeKid);
    if (active?.signingKey === undefined) {
      throw new SecurityConfigurationError(
        'jwt.activeKid',
        `names no key with a private key or secret ("${activeKid}")`,
        'set it to the kid of a configured key that has a privateKey or secret',
      );
    }
  } else if (keys !== undefined) {
    activeKid = keys.find((key) => key.signingKey !== undefined)?.kid;
  }

  const YEAR_SECONDS = 31_536_000;
  const idle =
    jwt.refreshTokenIdleTtlSeconds === undefined
      ? 1_209_600
      : readNumber(jwt.refreshTokenIdleTtlSeconds, 'jwt.refreshTokenIdleTtlSeconds', {
          min: 300,
          max: YEAR_SECONDS,
          integer: true,
          unit: 'seconds',
        });
  const absolute =
    jwt.refreshTokenAbsoluteTtlSeconds === undefined
      ? Math.max(2_592_000, idle)
      : readNumber(jwt.refreshTokenAbsoluteTtlSeconds, 'jwt.refreshTokenAbsoluteTtlSeconds', {
          min: idle,
          max: YEAR_SECONDS,
          integer: true,
          unit: 'seconds',
        });

  return {
    issuer,
    audience,
    keys,
    activeKid,
    accessTokenTtlSeconds:
      jwt.accessTokenTtlSeconds === undefined
        ? 900
        : readNumber(jwt.accessTokenTtlSeconds, 'jwt.accessTokenTtlSeconds', {
            min: 60,
            max: 86_400,
            integer: true,
            unit: 'seconds',
          }),
    clockSkewSeconds:
      jwt.clockSkewSeconds === undefined
        ? 30
        : readNumber(jwt.clockSkewSeconds, 'jwt.clockSkewSeconds', {
            min: 0,
            max: 300,
            integer: true,
            unit: 'seconds',
          }),
    refreshTokenIdleTtlSeconds: idle,
    refreshTokenAbsoluteTtlSeconds: absolute,
    revocationSyncIntervalSeconds:
      jwt.revocationSyncIntervalSeconds === undefined
        ? 5
        : readNumber(jwt.revocationSyncIntervalSeconds, 'jwt.revocationSyncIntervalSeconds', {
            min: 1,
            max: 60,
            integer: true,
            unit: 'seconds',
          }),
  };
}
