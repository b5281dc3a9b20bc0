/** What happens at login when a user already has `maxPerUser` live sessions. */
export type SessionLimitPolicy = 'reject-new' | 'evict-oldest';

/** SameSite attribute of the session cookie. */
export type SessionSameSite = 'lax' | 'strict' | 'none';

/** CSRF protection of cookie-authenticated unsafe requests. */
export interface CsrfOptions {
  /**
   * Origins (scheme, host and port, e.g. `'https://admin.example.com'`) allowed to send
   * cookie-authenticated unsafe requests besides the app's own origin.
   * @default []
   */
  readonly trustedOrigins?: readonly string[];
  /** Request header carrying the CSRF token. @default 'x-csrf-token' */
  readonly headerName?: string;
  /** Form field carrying the CSRF token (urlencoded and multipart forms). @default '_csrf' */
  readonly fieldName?: string;
}

/**
 * Server-side sessions: the cookie holds only a 256-bit random id, the store only its SHA-256.
 *
 * @example
 * SecurityModule.forRoot({
 *   session: { idleTimeoutSeconds: 900, maxPerUser: 3, limitPolicy: 'evict-oldest' },
 * });
 */
export interface SessionOptions {
  /**
   * Cookie name. Over HTTPS (always, unless `dangerouslyAllowInsecureHttp`) it gets the
   * `__Host-` prefix: `__Host-rampart-session`, which browsers only accept with Secure, Path=/ and
   * no Domain, so a sibling subdomain cannot plant one.
   * @default 'rampart-session'
   */
  readonly cookieName?: string;
  /** SameSite of the cookie. `'none'` needs a strong reason (and CSRF tokens). @default 'lax' */
  readonly sameSite?: SessionSameSite;
  /** A session unused for this long ends, in seconds (60 to 86400). @default 1800 */
  readonly idleTimeoutSeconds?: number;
  /**
   * A session ends this long after login whatever its use, in seconds (300 to 2592000; at least
   * `idleTimeoutSeconds`). @default 28800 (8 hours)
   */
  readonly absoluteTimeoutSeconds?: number;
  /**
   * Sliding expiry writes "last seen" to the store at most this often per session, in seconds
   * (0 to 300, below `idleTimeoutSeconds`); a session may therefore end up to this much before
   * its idle timeout, never after. @default 60
   */
  readonly touchIntervalSeconds?: number;
  /** Most live sessions per user, across every instance; unlimited when omitted. */
  readonly maxPerUser?: number;
  /** What a login beyond `maxPerUser` does. @default 'evict-oldest' */
  readonly limitPolicy?: SessionLimitPolicy;
  /**
   * How long an instance may reuse a session record it read, in milliseconds (0 to 60000), when
   * the store is shared (Redis). Revocations reach every instance at once through pub/sub; this
   * bounds staleness when a message is lost. The cache is bypassed while the store is unreachable.
   * @default 2000
   */
  readonly localCacheTtlMs?: number;
  /** CSRF protection of cookie-authenticated unsafe requests. */
  readonly csrf?: CsrfOptions;
  /**
   * Development only: over plain HTTP, send the cookie without Secure and without the `__Host-`
   * prefix (name `cookieName`), and say so at startup. Refused when `environment` is
   * `'production'`. Requests over HTTPS still get the Secure `__Host-` cookie.
   * @default false
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

/** Session options after validation, every default filled in. */
export interface ResolvedSessionOptions {
  readonly cookieName: string;
  /** `__Host-` + cookieName. */
  readonly secureCookieName: string;
  readonly sameSite: SessionSameSite;
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
  readonly touchIntervalMs: number;
  readonly maxPerUser: number | undefined;
  readonly limitPolicy: SessionLimitPolicy;
  readonly localCacheTtlMs: number;
  readonly csrf: ResolvedCsrfOptions;
  readonly allowInsecureHttp: boolean;
}

export interface ResolvedCsrfOptions {
  readonly trustedOrigins: readonly string[];
  /** Lower-case. */
  readonly headerName: string;
  readonly fieldName: string;
}
