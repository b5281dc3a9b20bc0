/**
 * The answer of {@link ThrottleCounter.hit} for one hit. Every duration is in whole milliseconds
 * measured from the hit, by the counter's clock (Redis server time for the Redis counter).
 *
 * @example
 * const result = await counter.hit(key, rule);
 * if (!result.allowed) response.setHeader('Retry-After', Math.ceil(result.retryAfterMs / 1_000));
 */
export interface ThrottleResult {
  /** Whether this hit is allowed. A refused hit is not counted. */
  readonly allowed: boolean;
  /** The rule's `limit`, for `RateLimit-Limit` style headers. */
  readonly limit: number;
  /** Hits still allowed right now after this one; `0` when this one was refused. */
  readonly remaining: number;
  /**
   * Milliseconds until the key is back to its initial state: the fixed window ends, the sliding
   * windows hold no more hits, the bucket is full again, and no block is running. Always at least
   * 1 after a hit.
   */
  readonly resetMs: number;
  /**
   * `0` when allowed; otherwise the milliseconds after which the next hit will be allowed (the
   * end of the block, when one is running), provided nothing else hits the key meanwhile.
   */
  readonly retryAfterMs: number;
}
