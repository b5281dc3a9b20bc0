import { Logger } from '@nestjs/common';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import {
  MemoryThrottleCounter,
  type MemoryThrottleCounterOptions,
} from './memory-throttle.counter';
import { describeThrottleCounterContract } from './throttle-counter.contract';
import type { ThrottleResult } from './throttle-result.interface';
import type { ThrottleRule } from './throttle-rule.interface';

/** 2030-01-01T00:00:00Z: a multiple of every window below, so sliding windows start here. */
const T0 = Date.UTC(2030, 0, 1);

/** A counter on a manual clock: time is moved, never waited for. */
function counterWithClock(options: Omit<MemoryThrottleCounterOptions, 'now'> = {}) {
  let nowMs = T0;
  const counter = new MemoryThrottleCounter({ ...options, now: () => nowMs });
  return {
    counter,
    /** Sets the clock to T0 + `ms`. */
    at(ms: number): void {
      nowMs = T0 + ms;
    },
    /** `count` hits at the current time. */
    async hits(key: string, rule: ThrottleRule, count: number): Promise<ThrottleResult[]> {
      const results: ThrottleResult[] = [];
      for (let index = 0; index < count; index++) results.push(await counter.hit(key, rule));
      return results;
    },
  };
}

const allowed = (remaining: number, resetMs: number) => ({
  allowed: true,
  remaining,
  resetMs,
  retryAfterMs: 0,
});
const refused = (retryAfterMs: number, resetMs: number) => ({
  allowed: false,
  remaining: 0,
  resetMs,
  retryAfterMs,
});

describeThrottleCounterContract('MemoryThrottleCounter', () =>
  Promise.resolve({
    counter: counterWithClock().counter,
    close: () => Promise.resolve(),
  }),
);

describe('MemoryThrottleCounter', () => {
  describe('fixed-window', () => {
    const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 3, windowMs: 1_000 };

    it('allows limit hits per window, which begins with the first hit', async () => {
      const { at, hits } = counterWithClock();
      at(250);
      expect(await hits('k', rule, 4)).toEqual([
        { limit: 3, ...allowed(2, 1_000) },
        { limit: 3, ...allowed(1, 1_000) },
        { limit: 3, ...allowed(0, 1_000) },
        { limit: 3, ...refused(1_000, 1_000) },
      ]);
      at(1_249);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 3, ...refused(1, 1) }]);
      at(1_250); // exactly windowMs after the first hit: a new window
      expect(await hits('k', rule, 1)).toEqual([{ limit: 3, ...allowed(2, 1_000) }]);
    });

    it('lets 2 x limit through across a window boundary (what sliding-window prevents)', async () => {
      const { at, hits } = counterWithClock();
      await hits('k', rule, 1);
      at(999);
      expect((await hits('k', rule, 2)).every((result) => result.allowed)).toBe(true);
      at(1_000);
      expect((await hits('k', rule, 3)).every((result) => result.allowed)).toBe(true);
    });

    it('blocks for blockMs from the first refusal, then counts afresh', async () => {
      const { at, hits } = counterWithClock();
      const blocking = { ...rule, blockMs: 5_000 };
      await hits('k', blocking, 3);
      at(100);
      expect(await hits('k', blocking, 1)).toEqual([{ limit: 3, ...refused(5_000, 5_000) }]);
      at(1_100); // the window has rolled over, the block has not
      expect(await hits('k', blocking, 1)).toEqual([{ limit: 3, ...refused(4_000, 4_000) }]);
      at(5_099);
      expect(await hits('k', blocking, 1)).toEqual([{ limit: 3, ...refused(1, 1) }]);
      at(5_100);
      expect(await hits('k', blocking, 4)).toEqual([
        { limit: 3, ...allowed(2, 1_000) },
        { limit: 3, ...allowed(1, 1_000) },
        { limit: 3, ...allowed(0, 1_000) },
        { limit: 3, ...refused(5_000, 5_000) },
      ]);
    });

    it('blocks at least until the window ends when blockMs is shorter', async () => {
      const { at, hits } = counterWithClock();
      const blocking = { ...rule, blockMs: 300 };
      await hits('k', blocking, 3);
      at(100);
      expect(await hits('k', blocking, 1)).toEqual([{ limit: 3, ...refused(900, 900) }]);
      at(1_000);
      expect((await hits('k', blocking, 1))[0]?.allowed).toBe(true);
    });

    it('stays in the window when the clock goes back', async () => {
      const { at, hits } = counterWithClock();
      at(500);
      await hits('k', rule, 3);
      at(0);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 3, ...refused(1_000, 1_000) }]);
    });
  });

  describe('sliding-window', () => {
    const rule: ThrottleRule = { algorithm: 'sliding-window', limit: 10, windowMs: 1_000 };

    it('allows limit hits in a fresh window, then waits for the weight to fade in the next', async () => {
      const { at, hits } = counterWithClock();
      const results = await hits('k', rule, 11);
      expect(results.slice(0, 10).map((result) => result.remaining)).toEqual([
        9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
      ]);
      expect(results[0]).toEqual({ limit: 10, ...allowed(9, 2_000) });
      // Next window: 10 x (1000 - e) / 1000 + 1 <= 10 from e = 100.
      expect(results[10]).toEqual({ limit: 10, ...refused(1_100, 2_000) });
      at(1_099);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 10, ...refused(1, 901) }]);
      at(1_100);
      expect(await hits('k', rule, 2)).toEqual([
        { limit: 10, ...allowed(0, 1_900) },
        { limit: 10, ...refused(100, 1_900) },
      ]);
    });

    it('weighs the previous window by the share of the sliding window still in it', async () => {
      const { at, hits } = counterWithClock();
      await hits('k', rule, 10);
      at(1_500); // 10 x 0.5 = 5 still count
      const results = await hits('k', rule, 6);
      expect(results.map((result) => result.allowed)).toEqual([
        true,
        true,
        true,
        true,
        true,
        false,
      ]);
      expect(results[0]).toEqual({ limit: 10, ...allowed(4, 1_500) });
      // 10 x (1000 - e) / 1000 + 6 <= 10 from e = 600.
      expect(results[5]).toEqual({ limit: 10, ...refused(100, 1_500) });
      at(1_599);
      expect((await hits('k', rule, 1))[0]?.allowed).toBe(false);
      at(1_600);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 10, ...allowed(0, 1_400) }]);
    });

    it('refuses the 2 x limit burst across a window boundary', async () => {
      const { at, hits } = counterWithClock();
      at(999);
      expect((await hits('k', rule, 10)).every((result) => result.allowed)).toBe(true);
      at(1_000);
      const [first] = await hits('k', rule, 1);
      expect(first).toEqual({ limit: 10, ...refused(100, 1_000) });
    });

    it('forgets the previous window after two windows', async () => {
      const { at, hits } = counterWithClock();
      await hits('k', rule, 10);
      at(2_000);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 10, ...allowed(9, 2_000) }]);
    });

    it('resets once the previous window has faded, when the current one is empty', async () => {
      const { at, hits } = counterWithClock();
      await hits('k', rule, 4);
      at(1_300);
      // 4 x 0.7 = 2.8 still count; nothing yet in this window.
      const [hit] = await hits('k', rule, 1);
      expect(hit).toEqual({ limit: 10, ...allowed(6, 1_700) });
    });

    it('waits into the next window when this one is full, whatever the previous held', async () => {
      const { at, hits } = counterWithClock();
      const small: ThrottleRule = { ...rule, limit: 4 };
      await hits('k', small, 2);
      at(1_000);
      // 2 x 1 + 1 <= 4, 2 x 0.9 + 2 + 1 <= 4? 4.8: no.
      expect((await hits('k', small, 2)).map((result) => result.allowed)).toEqual([true, true]);
      at(1_500);
      // previous 2 x 0.5 + current 2 + 1 = 4: allowed; then 2 x 0.5 + 3 + 1 = 5: refused,
      // and in this window it would take e >= 1000: next window, 3 x (1 - e) + 1 <= 4 at once.
      const results = await hits('k', small, 2);
      expect(results[0]).toEqual({ limit: 4, ...allowed(0, 1_500) });
      expect(results[1]).toEqual({ limit: 4, ...refused(500, 1_500) });
    });

    it('blocks for blockMs from the first refusal', async () => {
      const { at, hits } = counterWithClock();
      const blocking = { ...rule, blockMs: 10_000 };
      await hits('k', blocking, 10);
      expect((await hits('k', blocking, 1))[0]).toEqual({ limit: 10, ...refused(10_000, 10_000) });
      at(9_999);
      expect((await hits('k', blocking, 1))[0]).toEqual({ limit: 10, ...refused(1, 1) });
      at(10_000);
      expect((await hits('k', blocking, 1))[0]).toEqual({ limit: 10, ...allowed(9, 2_000) });
    });

    it('stays in the stored window when the clock goes back', async () => {
      const { at, hits } = counterWithClock();
      at(1_500);
      await hits('k', rule, 10);
      at(200); // an earlier window: counted as the start of the stored one
      expect((await hits('k', rule, 1))[0]).toEqual({ limit: 10, ...refused(1_100, 2_000) });
    });
  });

  describe('token-bucket', () => {
    const rule: ThrottleRule = { algorithm: 'token-bucket', limit: 4, windowMs: 1_000 };

    it('allows a burst of limit, then one hit per windowMs / limit', async () => {
      const { at, hits } = counterWithClock();
      expect(await hits('k', rule, 5)).toEqual([
        { limit: 4, ...allowed(3, 250) },
        { limit: 4, ...allowed(2, 500) },
        { limit: 4, ...allowed(1, 750) },
        { limit: 4, ...allowed(0, 1_000) },
        { limit: 4, ...refused(250, 1_000) },
      ]);
      at(249);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 4, ...refused(1, 751) }]);
      at(250);
      expect(await hits('k', rule, 2)).toEqual([
        { limit: 4, ...allowed(0, 1_000) },
        { limit: 4, ...refused(250, 1_000) },
      ]);
    });

    it('refills continuously, up to the capacity', async () => {
      const { at, hits } = counterWithClock();
      await hits('k', rule, 4);
      at(600); // 2.4 tokens
      const results = await hits('k', rule, 3);
      expect(results[0]).toEqual({ limit: 4, ...allowed(1, 650) });
      expect(results[1]).toEqual({ limit: 4, ...allowed(0, 900) });
      expect(results[2]).toEqual({ limit: 4, ...refused(150, 900) });
      at(60_000); // long idle: full, never more
      expect((await hits('k', rule, 5)).map((result) => result.allowed)).toEqual([
        true,
        true,
        true,
        true,
        false,
      ]);
    });

    it('rounds a fractional wait up to a whole millisecond', async () => {
      const { at, hits } = counterWithClock();
      const thirds: ThrottleRule = { ...rule, limit: 3 };
      const results = await hits('k', thirds, 4);
      expect(results[3]).toEqual({ limit: 3, ...refused(334, 1_000) });
      at(333); // 0.999 tokens
      expect(await hits('k', thirds, 1)).toEqual([{ limit: 3, ...refused(1, 667) }]);
      at(334); // 1.002 tokens
      expect(await hits('k', thirds, 1)).toEqual([{ limit: 3, ...allowed(0, 1_000) }]);
    });

    it('blocks for blockMs from the first refusal, and is full afterwards', async () => {
      const { at, hits } = counterWithClock();
      const blocking = { ...rule, blockMs: 3_000 };
      await hits('k', blocking, 4);
      expect((await hits('k', blocking, 1))[0]).toEqual({ limit: 4, ...refused(3_000, 3_000) });
      at(2_000);
      expect((await hits('k', blocking, 1))[0]).toEqual({ limit: 4, ...refused(1_000, 1_000) });
      at(3_000);
      expect((await hits('k', blocking, 5)).map((result) => result.allowed)).toEqual([
        true,
        true,
        true,
        true,
        false,
      ]);
    });

    it('refills nothing when the clock goes back', async () => {
      const { at, hits } = counterWithClock();
      at(1_000);
      await hits('k', rule, 4);
      at(0);
      expect(await hits('k', rule, 1)).toEqual([{ limit: 4, ...refused(250, 1_000) }]);
      at(1_250);
      expect((await hits('k', rule, 1))[0]?.allowed).toBe(true);
    });
  });

  describe('bounds', () => {
    const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 1, windowMs: 1_000 };

    it('refuses hits on new keys with 503 when full, but keeps counting the known ones', async () => {
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const { counter, at } = counterWithClock({ maxKeys: 2 });
        await counter.hit('a', rule);
        await counter.hit('b', rule);
        const error = await counter.hit('c', rule).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(StoreUnavailableException);
        expect(error).toMatchObject({ code: 'SECURITY_STORE_UNAVAILABLE' });
        await expect(counter.hit('c', rule)).rejects.toBeInstanceOf(StoreUnavailableException);
        expect(log).toHaveBeenCalledTimes(1); // logged once, not per refused hit
        expect((await counter.hit('a', rule)).allowed).toBe(false);
        at(999);
        await expect(counter.hit('c', rule)).rejects.toBeInstanceOf(StoreUnavailableException);
        at(1_000); // a and b have run out: swept to make room
        expect((await counter.hit('c', rule)).allowed).toBe(true);
        expect(counter.size).toBe(1);
      } finally {
        log.mockRestore();
      }
    });

    it('sweeps a full counter at most once a second', async () => {
      const { counter, at } = counterWithClock({ maxKeys: 2 });
      const short = { ...rule, windowMs: 10 };
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        await counter.hit('a', rule);
        await counter.hit('b', short);
        at(5);
        await expect(counter.hit('c', rule)).rejects.toBeInstanceOf(StoreUnavailableException);
        at(20); // b has run out, but the last sweep of the full counter was 15 ms ago
        await expect(counter.hit('c', rule)).rejects.toBeInstanceOf(StoreUnavailableException);
        at(1_005);
        expect((await counter.hit('c', rule)).allowed).toBe(true);
      } finally {
        log.mockRestore();
      }
    });

    it('counts one key apart under each algorithm and window, and bounds them together', async () => {
      const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        const { counter, at } = counterWithClock({ maxKeys: 3 });
        const sliding: ThrottleRule = { ...rule, algorithm: 'sliding-window' };
        const longer: ThrottleRule = { ...rule, windowMs: 2_000 };
        expect((await counter.hit('k', rule)).allowed).toBe(true);
        expect((await counter.hit('k', sliding)).allowed).toBe(true);
        expect((await counter.hit('k', longer)).allowed).toBe(true);
        expect((await counter.hit('k', rule)).allowed).toBe(false);
        expect(counter.size).toBe(3);
        await expect(
          counter.hit('k', { ...rule, algorithm: 'token-bucket' }),
        ).rejects.toBeInstanceOf(StoreUnavailableException);
        at(60_000); // every key has run out: the next hit sweeps them all
        expect((await counter.hit('other', rule)).allowed).toBe(true);
        expect(counter.size).toBe(1);
        expect((await counter.hit('k', longer)).allowed).toBe(true);
        expect(counter.size).toBe(2);
      } finally {
        log.mockRestore();
      }
    });

    it('sweeps keys that ran out at most once a minute, on a hit', async () => {
      const { counter, at } = counterWithClock();
      for (let index = 0; index < 100; index++) await counter.hit(`k${index}`, rule);
      expect(counter.size).toBe(100);
      at(59_999);
      await counter.hit('live', rule);
      expect(counter.size).toBe(101);
      at(60_000);
      await counter.hit('live', rule);
      expect(counter.size).toBe(1);
    });

    it('treats a key whose state ran out as fresh, before any sweep', async () => {
      const { counter, at } = counterWithClock();
      const blocking = { ...rule, blockMs: 2_000 };
      await counter.hit('k', blocking);
      await counter.hit('k', blocking);
      at(2_000);
      expect(await counter.hit('k', blocking)).toMatchObject({ allowed: true, resetMs: 1_000 });
    });

    it('forgets everything on shutdown', async () => {
      const { counter } = counterWithClock();
      await counter.hit('k', rule);
      counter.onApplicationShutdown();
      expect(counter.size).toBe(0);
      expect((await counter.hit('k', rule)).allowed).toBe(true);
    });
  });

  describe('options', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, '10', null, []])(
      'refuses maxKeys %p at construction',
      (maxKeys) => {
        const construct = () => new MemoryThrottleCounter({ maxKeys: maxKeys as number });
        expect(construct).toThrow(SecurityConfigurationError);
        expect(construct).toThrow(/throttling\.maxKeys/);
      },
    );

    it('refuses a clock that is not a function', () => {
      const options = { now: 5 } as unknown as MemoryThrottleCounterOptions;
      expect(() => new MemoryThrottleCounter(options)).toThrow(/throttling\.now/);
    });

    it('suggests the right name for a misspelt option', () => {
      const options = { maxKey: 10 } as unknown as MemoryThrottleCounterOptions;
      expect(() => new MemoryThrottleCounter(options)).toThrow(/did you mean `maxKeys`\?/);
    });

    it('works with the default options and the real clock', async () => {
      const counter = new MemoryThrottleCounter();
      const rule: ThrottleRule = { algorithm: 'token-bucket', limit: 2, windowMs: 60_000 };
      expect((await counter.hit('k', rule)).allowed).toBe(true);
    });
  });
});
