import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
} from 'node:crypto';
import { Logger } from '@nestjs/common';
import type {
  JwtAlgorithm,
  SecurityEnvironment,
} from '../../core/security-module-options.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { SecurityStore } from '../../store/security-store.interface';
import { DEV_SIGNING_KEY_STORE_KEY, DEV_SIGNING_KEY_TTL_MS } from './jwt.constants';
import type { ResolvedJwtKey, ResolvedJwtOptions } from './resolved-jwt-options.interface';

/** A public key as published in the JWKS. */
export interface PublishedJwk extends JsonWebKey {
  readonly kid: string;
  readonly alg: JwtAlgorithm;
  readonly use: 'sig';
}

interface StoredDevKey {
  readonly kid: string;
  readonly privateKeyPem: string;
}

/**
 * The configured signing and verification keys, indexed by `kid`, with the JWKS precomputed.
 * One key signs (the active one); every key verifies, so rotation is: add the new key, make it
 * active, and drop the old one after its last token has expired.
 *
 * @example
 * const ring = await JwtKeyRing.create(resolved.jwt, 'production', store);
 * ring.verificationKey('2026-01');
 */
export class JwtKeyRing {
  private readonly byKid: ReadonlyMap<string, ResolvedJwtKey>;
  /** Algorithms of the configured keys: the verification allow-list. */
  readonly algorithms: readonly JwtAlgorithm[];
  /** The JWKS document (`{ keys }`), public keys only. */
  readonly jwks: Readonly<{ keys: readonly PublishedJwk[] }>;

  constructor(
    keys: readonly ResolvedJwtKey[],
    private readonly activeKid: string | undefined,
  ) {
    this.byKid = new Map(keys.map((key) => [key.kid, key]));
    this.algorithms = Object.freeze([...new Set(keys.map((key) => key.algorithm))]);
    this.jwks = Object.freeze({
      keys: Object.freeze(
        keys
          .filter((key) => !key.algorithm.startsWith('HS'))
          .map((key) =>
            Object.freeze({
              ...key.verificationKey.export({ format: 'jwk' }),
              kid: key.kid,
              alg: key.algorithm,
              use: 'sig' as const,
            }),
          ),
      ),
    });
  }

  /**
   * Builds the ring from resolved options. Without configured keys (never in production) an ES256
   * key pair is generated once per store: instances sharing a Redis store use the same pair.
   */
  static async create(
    options: ResolvedJwtOptions,
    environment: SecurityEnvironment,
    store: SecurityStore,
    logger: Pick<Logger, 'warn'> = new Logger('SecurityModule'),
  ): Promise<JwtKeyRing> {
    if (options.keys !== undefined) return new JwtKeyRing(options.keys, options.activeKid);
    if (environment === 'production') {
      throw new SecurityConfigurationError(
        'jwt.keys',
        'is required in production',
        'configure at least one signing key',
      );
    }
    const candidate: StoredDevKey = {
      kid: `dev-${randomUUID()}`,
      privateKeyPem: generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
        .privateKey.export({ format: 'pem', type: 'pkcs8' })
        .toString(),
    };
    await store.setIfAbsent(DEV_SIGNING_KEY_STORE_KEY, candidate, DEV_SIGNING_KEY_TTL_MS);
    const shared = (await store.get<StoredDevKey>(DEV_SIGNING_KEY_STORE_KEY)) ?? candidate;
    logger.warn(
      `jwt.keys is not set: signing with a generated ES256 development key (kid "${shared.kid}"). ` +
        'Tokens stop verifying when the store forgets it. Configure jwt.keys before production.',
    );
    const privateKey = createPrivateKey(shared.privateKeyPem);
    const key: ResolvedJwtKey = {
      kid: shared.kid,
      algorithm: 'ES256',
      signingKey: privateKey,
      verificationKey: createPublicKey(privateKey),
    };
    return new JwtKeyRing([key], key.kid);
  }

  /** The key that verifies tokens carrying `kid`, if configured. */
  verificationKey(kid: string): ResolvedJwtKey | undefined {
    return this.byKid.get(kid);
  }

  /** The active signing key, or `undefined` when every key is verify-only. */
  signingKey(): ResolvedJwtKey | undefined {
    return this.activeKid === undefined ? undefined : this.byKid.get(this.activeKid);
  }
}
