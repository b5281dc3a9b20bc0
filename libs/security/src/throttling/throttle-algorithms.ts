import type { CheckedThrottleRule } from './throttle-arguments';
import type { ThrottleResult } from './throttle-result.interface';

/**
 * The three throttle algorithms as pure functions of (state, rule, now): the in-memory counter
 * runs them, and the Lua scripts of the Redis counter are line-for-line translations, checked
 * against them by a differential test. All arithmetic is on whole numbers below 2^53 (a limit of
 * at most 10^6 times a window of at most 2^31 ms), so doubles (JavaScript, Lua) compute it exactly.
 */

/** `fixed-window`: the window began at `windowStartMs` (0: none) and has counted `count` hits. */
export interface FixedWindowState {
  readonly algorithm: 'fixed-window';
  /** When the first counted hit of the window came; 0 while no hit is counted. */
  readonly windowStartMs: number;
  readonly count: number;
  /** Until when (ms since the epoch) every hit is refused; 0: no block. */
  readonly blockedUntilMs: number;
}

/** `sliding-window`: hits of window `windowIndex` (`now / windowMs`, floored) and the one before. */
export interface SlidingWindowState {
  readonly algorithm: 'sliding-window';
  readonly windowIndex: number;
  readonly current: number;
  readonly previous: number;
  readonly blockedUntilMs: number;
}

/**
 * `token-bucket`: the bucket held `level` at `updatedAtMs`. The level is counted in token x ms
 * (`tokens * windowMs`), so a refill of `elapsed * limit` per elapsed ms stays a whole number.
 */
export interface TokenBucketState {
  readonly algorithm: 'token-bucket';
  readonly level: number;
  readonly updatedAtMs: number;
  readonly blockedUntilMs: number;
}

/** What a counter keeps per key. */
export type ThrottleState = FixedWindowState | SlidingWindowState | TokenBucketState;

/** The outcome of one hit: the new state and the answer. Keep the state for `result.resetMs`. */
export interface ThrottleStep {
  readonly state: ThrottleState;
  readonly result: ThrottleResult;
}

/**
 * Applies one hit at `nowMs` to `state` (`undefined`: a fresh key, or one whose last answer's
 * `resetMs` has passed; both give the same result).
 *
 * @example
 * const { state, result } = applyHit(previous, { algorithm: 'fixed-window', limit: 5, windowMs: 60_000, blockMs: 0 }, Date.now());
 */
export function applyHit(
  state: ThrottleState | undefined,
  rule: CheckedThrottleRule,
  nowMs: number,
): ThrottleStep {
  switch (rule.algorithm) {
    case 'fixed-window':
      return fixedWindow(state?.algorithm === rule.algorithm ? state : undefined, rule, nowMs);
    case 'sliding-window':
      return slidingWindow(state?.algorithm === rule.algorithm ? state : undefined, rule, nowMs);
    case 'token-bucket':
      return tokenBucket(state?.algorithm === rule.algorithm ? state : undefined, rule, nowMs);
  }
}

function fixedWindow(
  state: FixedWindowState | undefined,
  { limit, windowMs, blockMs }: CheckedThrottleRule,
  nowMs: number,
): ThrottleStep {
  let now = nowMs;
  let start = state?.windowStartMs ?? 0;
  let count = state?.count ?? 0;
  let blockedUntil = state?.blockedUntilMs ?? 0;
  if (now >= start + windowMs) {
    start = 0; // no window until a hit is counted
    count = 0;
  } else if (now < start) {
    now = start; // the clock went back: stay at the start of the window
  }
  let allowed = false;
  let retryAfterMs = 0;
  if (blockedUntil > now) {
    retryAfterMs = blockedUntil - now;
  } else if (count < limit) {
    if (count === 0) start = now;
    count += 1;
    allowed = true;
  } else {
    retryAfterMs = start + windowMs - now;
    if (blockMs > 0) {
      blockedUntil = now + Math.max(blockMs, retryAfterMs);
      retryAfterMs = blockedUntil - now;
    }
  }
  return {
    state: { algorithm: 'fixed-window', windowStartMs: start, count, blockedUntilMs: blockedUntil },
    result: {
      allowed,
      limit,
      remaining: allowed ? limit - count : 0,
      resetMs: Math.max(count > 0 ? start + windowMs - now : 0, blockedUntil - now),
      retryAfterMs,
    },
  };
}

function slidingWindow(
  state: SlidingWindowState | undefined,
  { limit, windowMs, blockMs }: CheckedThrottleRule,
  nowMs: number,
): ThrottleStep {
  let now = nowMs;
  let index = Math.floor(now / windowMs);
  let current = state?.current ?? 0;
  let previous = state?.previous ?? 0;
  let blockedUntil = state?.blockedUntilMs ?? 0;
  if (state === undefined || index > state.windowIndex + 1) {
    current = 0;
    previous = 0;
  } else if (index === state.windowIndex + 1) {
    previous = current;
    current = 0;
  } else if (index < state.windowIndex) {
    index = state.windowIndex; // the clock went back: stay at the start of the stored window
    now = index * windowMs;
  }
  const elapsed = now - index * windowMs;
  const capacity = limit * windowMs;
  let allowed = false;
  let retryAfterMs = 0;
  if (blockedUntil > now) {
    retryAfterMs = blockedUntil - now;
  } else if (previous * (windowMs - elapsed) + (current + 1) * windowMs <= capacity) {
    current += 1;
    allowed = true;
  } else {
    retryAfterMs = slidingRetryAfterMs(limit, windowMs, previous, current, elapsed);
    if (blockMs > 0) {
      blockedUntil = now + Math.max(blockMs, retryAfterMs);
      retryAfterMs = blockedUntil - now;
    }
  }
  let drainedInMs = 0;
  if (current > 0) drainedInMs = 2 * windowMs - elapsed;
  else if (previous > 0) drainedInMs = windowMs - elapsed;
  return {
    state: {
      algorithm: 'sliding-window',
      windowIndex: index,
      current,
      previous,
      blockedUntilMs: blockedUntil,
    },
    result: {
      allowed,
      limit,
      remaining: allowed
        ? Math.floor((capacity - previous * (windowMs - elapsed) - current * windowMs) / windowMs)
        : 0,
      resetMs: Math.max(drainedInMs, blockedUntil - now),
      retryAfterMs,
    },
  };
}

/**
 * How long, from `elapsed` ms into the current window, until
 * `previous * (windowMs - e) + (current + 1) * windowMs <= limit * windowMs` holds again: later in
 * this window as the previous one's weight fades, or else in the next window, where this window's
 * hits become the previous ones.
 */
function slidingRetryAfterMs(
  limit: number,
  windowMs: number,
  previous: number,
  current: number,
  elapsed: number,
): number {
  if (current + 1 <= limit) {
    // previous > 0 here, or the hit would have been allowed.
    const at = windowMs - Math.floor(((limit - current - 1) * windowMs) / previous);
    if (at < windowMs) return at - elapsed;
  }
  const nextAt =
    current <= limit - 1 ? 0 : windowMs - Math.floor(((limit - 1) * windowMs) / current);
  return windowMs - elapsed + nextAt;
}

function tokenBucket(
  state: TokenBucketState | undefined,
  { limit, windowMs, blockMs }: CheckedThrottleRule,
  nowMs: number,
): ThrottleStep {
  const capacity = limit * windowMs;
  let level = capacity;
  let updatedAt = nowMs;
  let blockedUntil = 0;
  if (state !== undefined) {
    blockedUntil = state.blockedUntilMs;
    const elapsed = Math.max(0, nowMs - state.updatedAtMs);
    // A full window refills any bucket; checked first so that a long idle time cannot overflow.
    level = elapsed >= windowMs ? capacity : Math.min(capacity, state.level + elapsed * limit);
    updatedAt = Math.max(state.updatedAtMs, nowMs); // the clock went back: refill nothing
  }
  const now = updatedAt;
  let allowed = false;
  let retryAfterMs = 0;
  if (blockedUntil > now) {
    retryAfterMs = blockedUntil - now;
  } else if (level >= windowMs) {
    level -= windowMs;
    allowed = true;
  } else {
    retryAfterMs = Math.ceil((windowMs - level) / limit);
    if (blockMs > 0) {
      blockedUntil = now + Math.max(blockMs, retryAfterMs);
      retryAfterMs = blockedUntil - now;
    }
  }
  return {
    state: {
      algorithm: 'token-bucket',
      level,
      updatedAtMs: updatedAt,
      blockedUntilMs: blockedUntil,
    },
    result: {
      allowed,
      limit,
      remaining: allowed ? Math.floor(level / windowMs) : 0,
      resetMs: Math.max(Math.ceil((capacity - level) / limit), blockedUntil - now),
      retryAfterMs,
    },
  };
}
