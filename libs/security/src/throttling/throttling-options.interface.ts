import type { RateLimitHeadersFormat } from './rate-limit-headers';
import type { ThrottleAlgorithm } from './throttle-rule.interface';

/**
 * What a throttler does when the store cannot count a request (Redis down or too slow):
 *
 * - `'fail-open'`: the request goes on uncounted. Right for general limits, whose purpose is
 *   fairness and capacity: an outage of the store should not take the whole API down with it.
 * - `'fail-closed'`: the request is refused with `503 SECURITY_STORE_UNAVAILABLE`. Right for
 *   limits that protect secrets (password guessing): an attacker must not gain unlimited
 *   attempts by overloading the store.
 *
 * Either way a `throttle.store_unavailable` security event is emitted.
 *
 * @example
 * const policy: StoreOutagePolicy = 'fail-closed';
 */
export type StoreOutagePolicy = 'fail-open' | 'fail-closed';

/**
 * One named limit applied to every route (unless the route skips it with `@SkipThrottle()`),
 * counted per client: per principal when the request is authenticated, per client IP otherwise.
 * Like `@nestjs/throttler`, each route has its own count; `@Throttle({ [name]: { limit, ttl } })`
 * changes the limit or window (`ttl`, in milliseconds) of one route or controller.
 *
 * @example
 * const burst: ThrottlerDefinition = { name: 'burst', limit: 20, windowMs: 1_000, algorithm: 'token-bucket' };
 */
export interface ThrottlerDefinition {
  /** Unique name, used by `@Throttle()` / `@SkipThrottle()` and in header values. @default 'default' */
  readonly name?: string;
  /** Requests allowed per window: a whole number from 1 to 1,000,000. Required. */
  readonly limit: number;
  /** The window, in milliseconds: a whole number from 1 to 2^31 - 1. Required. */
  readonly windowMs: number;
  /** How requests are counted; see {@link ThrottleAlgorithm}. @default 'sliding-window' */
  readonly algorithm?: ThrottleAlgorithm;
  /** Once refused, a client stays refused this long, in milliseconds (0 to 2^31 - 1). @default 0 */
  readonly blockMs?: number;
  /** See {@link StoreOutagePolicy}. @default 'fail-open' */
  readonly onStoreUnavailable?: StoreOutagePolicy;
}

/** One limit of the credential endpoints. */
export interface CredentialsLimit {
  /** Attempts allowed per window: a whole number from 1 to 1,000,000. */
  readonly limit: number;
  /** The window, in milliseconds: a whole number from 1 to 2^31 - 1. */
  readonly windowMs: number;
  /** How attempts are counted. @default 'sliding-window' */
  readonly algorithm?: ThrottleAlgorithm;
  /** Once refused, the key stays refused this long, in milliseconds. @default 0 */
  readonly blockMs?: number;
}

/**
 * Limits of the routes marked `@ThrottleCredentials()` (login, token, refresh): every attempt
 * counts, whether or not the account exists and whether or not the password was right, so the
 * answer and its timing do not tell which accounts exist.
 *
 * @example
 * const credentials: CredentialsThrottleOptions = {
 *   perAccount: { limit: 5, windowMs: 15 * 60_000 },
 *   perIp: { limit: 50, windowMs: 15 * 60_000 },
 * };
 */
export interface CredentialsThrottleOptions {
  /**
   * Attempts per account (the body field `accountField`, compared case-insensitively), from any
   * number of addresses: stops a distributed guessing attack on one account.
   * @default { limit: 10, windowMs: 900000, algorithm: 'sliding-window', blockMs: 0 }
   */
  readonly perAccount?: CredentialsLimit;
  /**
   * Attempts per client IP, whatever the account: stops one client from trying many accounts.
   * @default { limit: 100, windowMs: 900000, algorithm: 'sliding-window', blockMs: 0 }
   */
  readonly perIp?: CredentialsLimit;
  /** The body field that names the account. @default 'username' */
  readonly accountField?: string;
  /** See {@link StoreOutagePolicy}. @default 'fail-closed' */
  readonly onStoreUnavailable?: StoreOutagePolicy;
}

/**
 * Rate limiting: on by default, through `@nestjs/throttler`'s guard with Rampart's counters
 * (the configured store: memory, or Redis shared by every instance).
 *
 * @example
 * SecurityModule.forRoot({
 *   throttling: {
 *     throttlers: [
 *       { name: 'burst', limit: 20, windowMs: 1_000, algorithm: 'token-bucket' },
 *       { name: 'sustained', limit: 600, windowMs: 60_000 },
 *     ],
 *     trustedProxies: ['10.0.0.0/8'],
 *   },
 * });
 */
export interface ThrottlingOptions {
  /**
   * The limits applied to every route; names must be unique. `[]` switches general limits off
   * (credential limits stay on).
   * @default [{ name: 'default', limit: 600, windowMs: 60000, algorithm: 'sliding-window' }]
   */
  readonly throttlers?: readonly ThrottlerDefinition[];
  /**
   * Reverse proxies and load balancers in front of the app (IP addresses and CIDR ranges).
   * `X-Forwarded-For` is read only when the TCP peer is one of them, walked from the right, and
   * only their hops are skipped. Leave it empty when clients connect directly: then
   * `X-Forwarded-For` is ignored, since any client can write it.
   * @default []
   */
  readonly trustedProxies?: readonly string[];
  /** Leading bits of an IPv6 address that identify one client (1 to 128). @default 64 */
  readonly ipv6PrefixLength?: number;
  /** Limits of the routes marked `@ThrottleCredentials()`. */
  readonly credentials?: CredentialsThrottleOptions;
  /**
   * The rate-limit headers on counted responses and 429s: `'draft-8'` (`RateLimit` and
   * `RateLimit-Policy`, one named item per limit), `'draft-6'` (`RateLimit-Limit`,
   * `RateLimit-Remaining`, `RateLimit-Reset`, `RateLimit-Policy`) or `false` (none; a 429 still
   * carries `Retry-After`). See {@link RateLimitHeadersFormat}.
   * @default 'draft-8'
   */
  readonly rateLimitHeaders?: RateLimitHeadersFormat;
}
