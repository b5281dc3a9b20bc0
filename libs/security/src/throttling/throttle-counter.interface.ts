import type { ThrottleResult } from './throttle-result.interface';
import type { ThrottleRule } from './throttle-rule.interface';

/**
 * Counts hits per key and decides, atomically, whether each one is allowed under a
 * {@link ThrottleRule}. Implementations: {@link MemoryThrottleCounter} (one process) and
 * {@link RedisThrottleCounter} (shared by every instance). They fail closed: when the backend
 * cannot answer, `hit` rejects with `StoreUnavailableException` rather than allow the hit.
 *
 * @example
 * const result = await counter.hit(`login:${ip}`, { algorithm: 'fixed-window', limit: 5, windowMs: 60_000 });
 * if (!result.allowed) throw new TooManyRequestsException(result.retryAfterMs);
 */
export interface ThrottleCounter {
  /**
   * Records one hit on `key` (a non-empty string) under `rule` and says whether it is allowed.
   *
   * @throws TypeError or RangeError when `key` or `rule` is malformed (a programming error).
   * @throws StoreUnavailableException when the counter cannot be reached or is full.
   */
  hit(key: string, rule: ThrottleRule): Promise<ThrottleResult>;

  /**
   * `hit` answered at once, for a counter that needs no I/O ({@link MemoryThrottleCounter}); the
   * throttling guard then counts a request without a promise. A counter that talks to a server
   * leaves it out. Same results and errors as `hit`, thrown instead of rejected.
   */
  hitNow?(key: string, rule: ThrottleRule): ThrottleResult;
}

/** Injection token of the {@link ThrottleCounter}; inject it with {@link InjectThrottleCounter}. */
export const ThrottleCounter = Symbol('ThrottleCounter');
