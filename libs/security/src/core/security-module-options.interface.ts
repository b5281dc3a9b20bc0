import type { KeyObject } from 'node:crypto';
import type { ExternalIssuerOptions } from '../authn/external/external-issuer-options.interface';
import type { MtlsOptions } from '../authn/mtls/mtls-options.interface';
import type { OidcOptions } from '../authn/oidc/oidc-options.interface';
import type { SessionOptions } from '../authn/session/session-options.interface';
import type { BodyLimitOptions } from '../hardening/body-limit/body-limit-options.interface';
import type { SecurityHeadersOptions } from '../hardening/headers/security-headers-options.interface';
import type { UploadsOptions } from '../hardening/uploads/uploads-options.interface';
import type { InputOptions } from '../hardening/sanitize/input-options.interface';
import type { ThrottlingOptions } from '../throttling/throttling-options.interface';

/**
 * Where Rampart runs. `production` turns on the strict start-up checks (configured signing keys,
 * no development shortcuts). Read from `NODE_ENV` when not given.
 */
export type SecurityEnvironment = 'production' | 'development' | 'test';

/** Asymmetric JWT algorithms Rampart signs and verifies with. */
export type AsymmetricJwtAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'PS256';
/** HMAC algorithms; opt-in, each needs a secret of at least 32 random bytes. */
export type SymmetricJwtAlgorithm = 'HS256' | 'HS384' | 'HS512';
export type JwtAlgorithm = AsymmetricJwtAlgorithm | SymmetricJwtAlgorithm;

/** A key pair for signing (private) and verifying (public) tokens. */
export interface JwtAsymmetricKeyOptions {
  /** Key id put in each token's `kid` header and in the JWKS. */
  readonly kid: string;
  /** @default 'ES256' */
  readonly algorithm?: AsymmetricJwtAlgorithm;
  /** PEM (PKCS#8) string or KeyObject. Omit for a verify-only key (an older, retired key). */
  readonly privateKey?: string | KeyObject;
  /** PEM (SPKI) string or KeyObject. Derived from `privateKey` when omitted. */
  readonly publicKey?: string | KeyObject;
}

/** An HMAC secret. Refused when shorter than the algorithm's hash (32, 48, 64 bytes) or low in variety. */
export interface JwtSymmetricKeyOptions {
  readonly kid: string;
  readonly algorithm: SymmetricJwtAlgorithm;
  /** The secret; never logged. */
  readonly secret: string | Buffer;
}

export type JwtKeyOptions = JwtAsymmetricKeyOptions | JwtSymmetricKeyOptions;

/** Bearer JWT authentication and token issuing. */
export interface JwtOptions {
  /** `iss` put in issued tokens and required of verified ones. Required. */
  readonly issuer: string;
  /** `aud` put in issued tokens and required of verified ones (one of them). Required. */
  readonly audience: string | readonly string[];
  /**
   * Signing and verification keys. The key named by `activeKid` (default: the first key with a
   * private key) signs; every key verifies. Required in production; outside production, when
   * omitted, an ES256 key pair is generated at start-up (shared through the store, so instances on
   * one Redis agree) and a warning is logged.
   */
  readonly keys?: readonly JwtKeyOptions[];
  /** `kid` of the signing key. @default the first key that has a private key or secret */
  readonly activeKid?: string;
  /** Lifetime of issued access tokens, in seconds (60 to 86400). @default 900 */
  readonly accessTokenTtlSeconds?: number;
  /** Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds (0 to 300). @default 30 */
  readonly clockSkewSeconds?: number;
  /**
   * A refresh-token family dies when unused for this long, in seconds (300 to 31536000).
   * @default 1209600 (14 days)
   */
  readonly refreshTokenIdleTtlSeconds?: number;
  /**
   * A refresh-token family dies this long after login whatever its use, in seconds (at least the
   * idle lifetime, at most 31536000). @default 2592000 (30 days)
   */
  readonly refreshTokenAbsoluteTtlSeconds?: number;
  /**
   * How often each instance re-reads the revocation state from the store to repair missed
   * invalidation messages and to notice a store flush, in seconds (1 to 60). When the store has
   * not answered for three intervals, bearer requests fail closed with 503. @default 5
   */
  readonly revocationSyncIntervalSeconds?: number;
}

/** Roles and what each implies. */
export interface RolesOptions {
  /**
   * Every role the application uses, mapped to the roles it implies: `{ admin: ['user'], user: [] }`
   * means an admin passes `@Roles('user')`. Implication is transitive; cycles are refused. A role
   * named in `@Roles()` but absent here stops start-up.
   * @default { admin: ['user'], user: [] }
   */
  readonly hierarchy?: Readonly<Record<string, readonly string[]>>;
}

/** The embedded in-process store: one instance only. */
export interface MemoryStoreOptions {
  readonly type: 'memory';
  /** Most entries kept before the least recently used go. @default 100000 */
  readonly maxEntries?: number;
}

/** Redis (standalone), shared by every instance of the application. */
export interface RedisStoreOptions {
  readonly type: 'redis';
  /** `redis://[user:password@]host:port[/db]` or `rediss://...`. Required. */
  readonly url: string;
  /** Prefix of every key and channel Rampart uses. @default 'rampart:' */
  readonly keyPrefix?: string;
  /** Start-up fails when Redis does not answer within this many milliseconds. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** A store call that takes longer fails closed (503), in milliseconds. @default 1000 */
  readonly commandTimeoutMs?: number;
}

export type StoreOptions = MemoryStoreOptions | RedisStoreOptions;

/**
 * Options of {@link SecurityModule.forRoot} / `forRootAsync`. Every field is optional except
 * where a feature you switch on needs it; unknown keys stop start-up with a suggestion.
 *
 * @example
 * SecurityModule.forRoot({
 *   jwt: { issuer: 'https://api.example.com', audience: 'api' },
 *   roles: { hierarchy: { admin: ['user'], user: [] } },
 *   store: { type: 'redis', url: process.env.REDIS_URL! },
 *   userProvider: UsersService,
 * })
 */
export interface SecurityModuleOptions {
  /** @default 'production' when NODE_ENV is 'production', 'test' when it is 'test', else 'development' */
  readonly environment?: SecurityEnvironment;
  /** Bearer JWT authentication; off when omitted. */
  readonly jwt?: JwtOptions;
  /** Resource-server mode: access tokens of external identity providers, verified through their JWKS. */
  readonly externalIssuers?: readonly ExternalIssuerOptions[];
  /** Client-certificate authentication; off when omitted. */
  readonly mtls?: MtlsOptions;
  /** Server-side sessions (cookie authentication) with CSRF protection; off when omitted. */
  readonly session?: SessionOptions;
  readonly roles?: RolesOptions;
  /** @default { type: 'memory' } */
  readonly store?: StoreOptions;
  /** Security headers (helmet). On by default with strict values. */
  readonly headers?: SecurityHeadersOptions;
  /**
   * Request body caps, in bytes; always on.
   * @default { maxBytes: 102_400, multipartMaxBytes: 10_485_760 }
   */
  readonly bodyLimit?: BodyLimitOptions;
  /**
   * Upload scanning for `@ScannedUpload()` routes: the malware scanner (`clamav` or `scanner`) and
   * the default caps. No scanner by default, and then a `@ScannedUpload()` route stops start-up.
   */
  readonly uploads?: UploadsOptions;
  /** Input hardening: repeated query parameters (refused by default), parsed alike on every adapter. */
  readonly input?: InputOptions;
  /** Rate limiting: on by default (600 requests a minute per client and route; credential routes stricter). */
  readonly throttling?: ThrottlingOptions;
  /**
   * OpenID Connect login (relying party) with one or more providers, discovered at start-up; off
   * when omitted. Needs `session` and a user provider with `mapClaims`.
   */
  readonly oidc?: OidcOptions;
}
