/**
 * How a {@link ThrottleRule} counts:
 *
 * - `'fixed-window'`: at most `limit` hits in a window of `windowMs` that starts with the key's
 *   first hit. Cheapest and easiest to explain; a client may spend `limit` hits at the end of
 *   one window and `limit` more at the start of the next (up to 2 x `limit` in a short burst).
 * - `'sliding-window'`: the two-window weighted approximation of Cloudflare's rate limiting
 *   (ASP.NET Core's `SlidingWindowRateLimiter` splits the window into exact segments instead):
 *   windows are aligned to multiples of `windowMs`, and a hit is allowed while `previous x (share of the last windowMs still in the previous
 *   window) + current + 1 <= limit`. Right after a window ends its hits still count almost fully,
 *   so the 2 x `limit` burst of the fixed window at a boundary cannot happen. It costs two counters
 *   per key whatever the limit, whereas a sliding log stores one timestamp per hit (up to `limit`
 *   entries per key, a memory amplification an attacker controls). Its price is precision: it
 *   assumes the previous window's hits were spread evenly (Cloudflare measured 0.003% of requests
 *   wrongly allowed or refused on real traffic).
 * - `'token-bucket'`: a bucket of `limit` tokens, refilled continuously at `limit` tokens per
 *   `windowMs`; each hit takes one. It allows a burst of `limit` and then a steady rate, and
 *   never resets all at once.
 *
 * @example
 * const algorithm: ThrottleAlgorithm = 'sliding-window';
 */
export type ThrottleAlgorithm = 'fixed-window' | 'sliding-window' | 'token-bucket';

/**
 * Every {@link ThrottleAlgorithm}, for validation and documentation.
 *
 * @example
 * THROTTLE_ALGORITHMS.includes(value as ThrottleAlgorithm);
 */
export const THROTTLE_ALGORITHMS: readonly ThrottleAlgorithm[] = Object.freeze([
  'fixed-window',
  'sliding-window',
  'token-bucket',
]);

/**
 * Largest accepted `limit`: keeps every counter's arithmetic exact in doubles (JS and Lua).
 *
 * @example
 * const limit = Math.min(requested, MAX_THROTTLE_LIMIT);
 */
export const MAX_THROTTLE_LIMIT = 1_000_000;

/**
 * Largest accepted `windowMs` and `blockMs` (2^31 - 1 ms, about 24.8 days).
 *
 * @example
 * const windowMs = Math.min(requestedMs, MAX_THROTTLE_DURATION_MS);
 */
export const MAX_THROTTLE_DURATION_MS = 2_147_483_647;

/**
 * One rate limit, applied to a key by {@link ThrottleCounter.hit}. Counters keep separate state per
 * algorithm and window length, so changing `limit` applies to the running count (a bucket keeps
 * its tokens, up to the new capacity), while changing `algorithm` or `windowMs` starts afresh.
 *
 * @example
 * const login: ThrottleRule = { algorithm: 'sliding-window', limit: 5, windowMs: 60_000, blockMs: 15 * 60_000 };
 */
export interface ThrottleRule {
  /** How hits are counted; see {@link ThrottleAlgorithm}. */
  readonly algorithm: ThrottleAlgorithm;
  /**
   * Hits allowed per `windowMs`: a whole number from 1 to 1,000,000. For `'token-bucket'`, the
   * capacity of the bucket (the largest burst), refilled at `limit` tokens per `windowMs`.
   */
  readonly limit: number;
  /** The window (or, for `'token-bucket'`, the time to refill the whole bucket), in milliseconds: a whole number from 1 to 2^31 - 1. */
  readonly windowMs: number;
  /**
   * How long a key stays refused once it is refused, in milliseconds (a whole number from 0 to
   * 2^31 - 1): the first refused hit blocks the key for `max(blockMs, time until a hit would be
   * allowed again)`, and every hit until then is refused without being counted. `0`: no block, a
   * hit is allowed again as soon as the algorithm has room.
   * @default 0
   */
  readonly blockMs?: number;
}
