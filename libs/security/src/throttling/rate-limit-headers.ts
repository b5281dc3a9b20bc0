/**
 * One limit a request was counted against, as the `RateLimit-*` headers describe it.
 *
 * @example
 * const entry: RateLimitEntry = { limit: 10, remaining: 3, resetSeconds: 42, windowSeconds: 60 };
 */
export interface RateLimitEntry {
  /** Requests allowed per window. */
  readonly limit: number;
  /** Requests still allowed now. */
  readonly remaining: number;
  /** Seconds until the count is back to zero (whole, rounded up). */
  readonly resetSeconds: number;
  /** The window, in seconds (whole, rounded up). */
  readonly windowSeconds: number;
}

/**
 * The `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`
 * headers (IETF draft "RateLimit header fields for HTTP", the form express-rate-limit calls
 * draft-6) for the limits a request was counted against: the first three describe the limit
 * closest to refusing (fewest remaining; on a tie, the later reset), the policy lists them all
 * as `limit;w=window`. `{}` when nothing was counted. Names lower-case, as HTTP/2 sends them:
 * Node.js and Fastify lower-case a name on every call, and get the same string back for these.
 *
 * @example
 * rateLimitHeaders([{ limit: 10, remaining: 0, resetSeconds: 30, windowSeconds: 60 }]);
 * // { 'ratelimit-limit': '10', 'ratelimit-remaining': '0', 'ratelimit-reset': '30', 'ratelimit-policy': '10;w=60' }
 */
export function rateLimitHeaders(entries: readonly RateLimitEntry[]): Record<string, string> {
  let tightest: RateLimitEntry | undefined;
  for (const entry of entries) {
    if (
      tightest === undefined ||
      entry.remaining < tightest.remaining ||
      (entry.remaining === tightest.remaining && entry.resetSeconds > tightest.resetSeconds)
    ) {
      tightest = entry;
    }
  }
  if (tightest === undefined) return {};
  return {
    'ratelimit-limit': String(tightest.limit),
    'ratelimit-remaining': String(tightest.remaining),
    'ratelimit-reset': String(tightest.resetSeconds),
    'ratelimit-policy': entries
      .map((entry) => `${entry.limit};w=${entry.windowSeconds}`)
      .join(', '),
  };
}
