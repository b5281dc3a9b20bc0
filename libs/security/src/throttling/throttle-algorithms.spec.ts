import { applyHit, type ThrottleState } from './throttle-algorithms';
import type { CheckedThrottleRule } from './throttle-arguments';
import { THROTTLE_ALGORITHMS } from './throttle-rule.interface';

/** mulberry32: a small seeded generator, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const T0 = Date.UTC(2030, 0, 1);

function randomRule(next: () => number): CheckedThrottleRule {
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  return {
    algorithm: pick(THROTTLE_ALGORITHMS),
    limit: pick([1, 2, 3, 5, 7, 10, 64, 1_000]),
    windowMs: pick([1, 3, 7, 10, 100, 999, 1_000, 60_000]),
    blockMs: pick([0, 0, 1, 50, 1_000, 90_000]),
  };
}

/** Time steps forward: mostly small against the window, some zero, some past two windows. */
function randomStep(next: () => number, windowMs: number): number {
  const roll = next();
  if (roll < 0.4) return 0;
  if (roll < 0.9) return Math.floor(next() * windowMs * 0.5);
  return Math.floor(next() * windowMs * 3);
}

const SEEDS = Array.from({ length: 300 }, (_, index) => index + 1);

describe('applyHit (properties, 300 seeded random sequences)', () => {
  it.each(SEEDS)('seed %i: answers are consistent and honest', (seed) => {
    const next = random(seed);
    const rule = randomRule(next);
    /** Broken promises, each with where it broke; the test expects none. */
    const failures: string[] = [];
    let step = 0;
    const check = (holds: boolean, promise: string): void => {
      if (!holds) failures.push(`step ${step}: ${promise}`);
    };
    let state: ThrottleState | undefined;
    let nowMs = T0 + Math.floor(next() * 100_000);
    const firstMs = nowMs;
    let allowedCount = 0;
    for (step = 0; step < 60 && failures.length === 0; step++) {
      nowMs += randomStep(next, rule.windowMs);
      const { state: after, result } = applyHit(state, rule, nowMs);

      check(result.limit === rule.limit, 'limit is the rule limit');
      check(result.resetMs >= 1, 'resetMs >= 1');
      check(result.retryAfterMs <= result.resetMs, 'retryAfterMs <= resetMs');
      for (const value of [result.remaining, result.resetMs, result.retryAfterMs]) {
        check(Number.isSafeInteger(value) && value >= 0, 'durations are whole and >= 0');
      }

      if (result.allowed) {
        allowedCount += 1;
        check(result.retryAfterMs === 0, 'an allowed hit has retryAfterMs 0');
        check(result.remaining < rule.limit, 'remaining < limit after an allowed hit');
        // `remaining` more hits right now are allowed, and not one more.
        let probe = after;
        const extras = Math.min(result.remaining, 200);
        for (let extra = 0; extra < extras; extra++) {
          const hit = applyHit(probe, rule, nowMs);
          check(hit.result.allowed, `extra hit ${extra} of remaining ${result.remaining} allowed`);
          probe = hit.state;
        }
        if (result.remaining <= 200) {
          check(!applyHit(probe, rule, nowMs).result.allowed, 'one more than remaining refused');
        }
      } else {
        check(result.remaining === 0, 'a refused hit has remaining 0');
        check(result.retryAfterMs >= 1, 'a refused hit has retryAfterMs >= 1');
        // The next hit is allowed after exactly retryAfterMs, not a millisecond earlier.
        const at = applyHit(after, rule, nowMs + result.retryAfterMs).result;
        check(at.allowed, `allowed after retryAfterMs ${result.retryAfterMs}`);
        if (result.retryAfterMs > 1) {
          const before = applyHit(after, rule, nowMs + result.retryAfterMs - 1).result;
          check(!before.allowed, `refused 1 ms before retryAfterMs ${result.retryAfterMs}`);
        }
      }

      // After resetMs the key answers as a fresh one: the Redis key may expire then.
      for (const later of [
        result.resetMs,
        result.resetMs + Math.floor(next() * 3 * rule.windowMs),
      ]) {
        const kept = applyHit(after, rule, nowMs + later).result;
        const fresh = applyHit(undefined, rule, nowMs + later).result;
        check(
          JSON.stringify(kept) === JSON.stringify(fresh),
          `after ${later} ms, ${JSON.stringify(kept)} is a fresh key's ${JSON.stringify(fresh)}`,
        );
      }

      state = after;
    }
    if (rule.algorithm === 'token-bucket') {
      // Never more than the burst plus the refill over the elapsed time.
      const refill = Math.floor(((nowMs - firstMs) * rule.limit) / rule.windowMs);
      check(allowedCount <= rule.limit + refill, 'a bucket allows at most burst + refill');
    }
    expect({ rule, failures }).toEqual({ rule, failures: [] });
  });

  it('ignores a state kept for another algorithm', () => {
    const rule: CheckedThrottleRule = {
      algorithm: 'fixed-window',
      limit: 1,
      windowMs: 1_000,
      blockMs: 0,
    };
    const { state } = applyHit(undefined, { ...rule, algorithm: 'token-bucket' }, T0);
    expect(applyHit(state, rule, T0).result.allowed).toBe(true);
  });

  it('fixed-window never allows more than limit within one window', () => {
    const next = random(7);
    const rule: CheckedThrottleRule = {
      algorithm: 'fixed-window',
      limit: 5,
      windowMs: 1_000,
      blockMs: 0,
    };
    let state: ThrottleState | undefined;
    let nowMs = T0;
    const allowedAt: number[] = [];
    for (let step = 0; step < 2_000; step++) {
      nowMs += randomStep(next, 100);
      const hit = applyHit(state, rule, nowMs);
      if (hit.result.allowed) allowedAt.push(nowMs);
      state = hit.state;
    }
    // Windows begin with a counted hit: every window [first, first + windowMs) holds <= limit.
    let index = 0;
    while (index < allowedAt.length) {
      const start = allowedAt[index] ?? 0;
      const inWindow = allowedAt.filter((at) => at >= start && at < start + rule.windowMs);
      expect(inWindow.length).toBeLessThanOrEqual(rule.limit);
      index += inWindow.length;
    }
  });
});
