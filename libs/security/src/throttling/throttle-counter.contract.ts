import type { ThrottleCounter } from './throttle-counter.interface';
import type { ThrottleResult } from './throttle-result.interface';
import type { ThrottleAlgorithm, ThrottleRule } from './throttle-rule.interface';

/** One counter under test, made fresh for every test of the contract. */
export interface ThrottleCounterFixture {
  /** An empty counter with a namespace of its own. */
  readonly counter: ThrottleCounter;
  /** Releases the counter and removes what the test wrote. */
  close(): Promise<void>;
}

/**
 * Slack for counters on a real clock: how many milliseconds a test may take between its first hit
 * and an assertion on a duration.
 */
const SLACK_MS = 2_000;
const MINUTE = 60_000;

const ALGORITHMS: readonly ThrottleAlgorithm[] = ['fixed-window', 'sliding-window', 'token-bucket'];

/** `count` hits on `key`, one after the other. */
async function hits(
  counter: ThrottleCounter,
  key: string,
  rule: ThrottleRule,
  count: number,
): Promise<ThrottleResult[]> {
  const results: ThrottleResult[] = [];
  for (let index = 0; index < count; index++) results.push(await counter.hit(key, rule));
  return results;
}

/**
 * The behaviour every {@link ThrottleCounter} promises whatever its clock, as one suite that each
 * implementation's spec runs against its own fixture. Windows are long (a minute and more), so a
 * real clock moves little while a test runs; exact timings are tested per implementation.
 *
 * @example
 * describeThrottleCounterContract('MemoryThrottleCounter', async () => ({
 *   counter: new MemoryThrottleCounter(),
 *   close: async () => {},
 * }));
 */
export function describeThrottleCounterContract(
  name: string,
  factory: () => Promise<ThrottleCounterFixture>,
): void {
  describe(`${name} (ThrottleCounter contract)`, () => {
    let fixture: ThrottleCounterFixture;
    let counter: ThrottleCounter;

    beforeEach(async () => {
      fixture = await factory();
      counter = fixture.counter;
    });

    afterEach(async () => {
      await fixture.close();
    });

    describe.each(ALGORITHMS)('%s', (algorithm) => {
      const rule: ThrottleRule = { algorithm, limit: 5, windowMs: MINUTE };

      it('allows the limit-th hit and refuses the next one', async () => {
        const results = await hits(counter, 'k', rule, 6);
        expect(results.map((result) => result.allowed)).toEqual([
          true,
          true,
          true,
          true,
          true,
          false,
        ]);
        expect(results.map((result) => result.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
        expect(results.every((result) => result.limit === 5)).toBe(true);
        expect(results.slice(0, 5).every((result) => result.retryAfterMs === 0)).toBe(true);
        for (const result of results) expect(result.resetMs).toBeGreaterThan(0);
      });

      it('keeps refusing without counting the refused hits', async () => {
        await hits(counter, 'k', rule, 5);
        const refused = await hits(counter, 'k', rule, 20);
        expect(refused.every((result) => !result.allowed && result.remaining === 0)).toBe(true);
        const retries = refused.map((result) => result.retryAfterMs);
        // The wait shrinks as time passes; refused hits never push it further away.
        expect(
          retries.every((retry, index) => index === 0 || retry <= (retries[index - 1] ?? 0)),
        ).toBe(true);
      });

      it('allows exactly limit hits out of many concurrent ones', async () => {
        const results = await Promise.all(
          Array.from({ length: 30 }, () => counter.hit('k', { ...rule, limit: 10 })),
        );
        expect(results.filter((result) => result.allowed)).toHaveLength(10);
        const remaining = results.filter((result) => result.allowed).map((r) => r.remaining);
        expect(remaining.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });

      it('handles a limit of 1', async () => {
        const [first, second] = await hits(counter, 'k', { ...rule, limit: 1 }, 2);
        expect(first).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: 0 });
        expect(second).toMatchObject({ allowed: false, remaining: 0 });
        expect(second?.retryAfterMs).toBeGreaterThan(0);
      });

      it('counts each key on its own', async () => {
        await hits(counter, 'a', rule, 5);
        expect((await counter.hit('a', rule)).allowed).toBe(false);
        expect(await counter.hit('b', rule)).toMatchObject({ allowed: true, remaining: 4 });
        expect(await counter.hit('a:b', rule)).toMatchObject({ allowed: true, remaining: 4 });
      });

      it('keeps another window length of the same key apart', async () => {
        await hits(counter, 'k', rule, 5);
        expect(await counter.hit('k', { ...rule, windowMs: 2 * MINUTE })).toMatchObject({
          allowed: true,
          remaining: 4,
        });
      });

      it('applies a changed limit to the running count (a bucket keeps its tokens)', async () => {
        await hits(counter, 'k', rule, 5);
        const raised = await hits(counter, 'k', { ...rule, limit: 7 }, 3);
        expect(raised.map((result) => result.allowed)).toEqual(
          algorithm === 'token-bucket' ? [false, false, false] : [true, true, false],
        );
        const lowered = await hits(counter, 'other', rule, 2);
        expect(lowered.every((result) => result.allowed)).toBe(true);
        // Lowered to 2: the windows have counted 2 already; the bucket still holds 2 tokens.
        const [after] = await hits(counter, 'other', { ...rule, limit: 2 }, 1);
        expect(after?.allowed).toBe(algorithm === 'token-bucket');
      });

      it('blocks a refused key for blockMs, counting from the first refusal', async () => {
        const blocking = { ...rule, blockMs: 10 * MINUTE };
        await hits(counter, 'k', blocking, 5);
        const first = await counter.hit('k', blocking);
        expect(first.allowed).toBe(false);
        expect(first.retryAfterMs).toBeGreaterThan(10 * MINUTE - SLACK_MS);
        expect(first.retryAfterMs).toBeLessThanOrEqual(10 * MINUTE);
        expect(first.resetMs).toBe(first.retryAfterMs);
        const later = await counter.hit('k', blocking);
        expect(later.allowed).toBe(false);
        expect(later.retryAfterMs).toBeLessThanOrEqual(first.retryAfterMs);
        expect(later.retryAfterMs).toBeGreaterThan(10 * MINUTE - SLACK_MS);
      });

      it('keeps another algorithm on the same key apart', async () => {
        await hits(counter, 'k', rule, 5);
        const other = ALGORITHMS.find((candidate) => candidate !== algorithm) ?? algorithm;
        expect((await counter.hit('k', { ...rule, algorithm: other })).allowed).toBe(true);
      });
    });

    it('fixed-window: the refused hit waits for the end of the window that began with the first hit', async () => {
      const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 2, windowMs: MINUTE };
      const [first] = await hits(counter, 'k', rule, 2);
      expect(first?.resetMs).toBeGreaterThan(MINUTE - SLACK_MS);
      expect(first?.resetMs).toBeLessThanOrEqual(MINUTE);
      const refused = await counter.hit('k', rule);
      expect(refused.retryAfterMs).toBeGreaterThan(MINUTE - SLACK_MS);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(MINUTE);
      expect(refused.resetMs).toBe(refused.retryAfterMs);
    });

    it('sliding-window: the refused hit waits into the next window, until the weight of this one has faded enough', async () => {
      const rule: ThrottleRule = { algorithm: 'sliding-window', limit: 4, windowMs: MINUTE };
      await hits(counter, 'k', rule, 4);
      const refused = await counter.hit('k', rule);
      // Next window: 4 x (1 - e / W) + 1 <= 4 holds from e = W / 4.
      expect(refused.retryAfterMs).toBeGreaterThan(MINUTE / 4);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(MINUTE + MINUTE / 4);
      // The hits are gone two windows after this one began.
      expect(refused.resetMs).toBeGreaterThan(MINUTE);
      expect(refused.resetMs).toBeLessThanOrEqual(2 * MINUTE);
      expect(refused.resetMs - refused.retryAfterMs).toBe(MINUTE - MINUTE / 4);
    });

    it('token-bucket: the refused hit waits for one token, the bucket refills in windowMs', async () => {
      const rule: ThrottleRule = { algorithm: 'token-bucket', limit: 4, windowMs: MINUTE };
      const [first] = await hits(counter, 'k', rule, 4);
      expect(first?.resetMs).toBeLessThanOrEqual(MINUTE / 4);
      const refused = await counter.hit('k', rule);
      expect(refused.retryAfterMs).toBeGreaterThan(MINUTE / 4 - SLACK_MS);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(MINUTE / 4);
      expect(refused.resetMs).toBeGreaterThan(MINUTE - SLACK_MS);
      expect(refused.resetMs).toBeLessThanOrEqual(MINUTE);
    });

    it.each<[string, unknown]>([
      ['an empty key', ''],
      ['a number', 42],
      ['undefined', undefined],
      ['null', null],
    ])('rejects %s as key with a TypeError', async (_case, key) => {
      const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 1, windowMs: MINUTE };
      await expect(counter.hit(key as string, rule)).rejects.toThrow(TypeError);
    });

    it.each<[string, unknown, ErrorConstructor]>([
      ['no rule', undefined, TypeError],
      ['a null rule', null, TypeError],
      ['an unknown algorithm', { algorithm: 'leaky-bucket', limit: 1, windowMs: 1 }, TypeError],
      ['no algorithm', { limit: 1, windowMs: 1 }, TypeError],
      ['limit 0', { algorithm: 'fixed-window', limit: 0, windowMs: 1 }, RangeError],
      ['limit -1', { algorithm: 'fixed-window', limit: -1, windowMs: 1 }, RangeError],
      ['limit 1.5', { algorithm: 'fixed-window', limit: 1.5, windowMs: 1 }, RangeError],
      ['limit NaN', { algorithm: 'fixed-window', limit: Number.NaN, windowMs: 1 }, RangeError],
      ['limit Infinity', { algorithm: 'fixed-window', limit: Infinity, windowMs: 1 }, RangeError],
      ['limit 1,000,001', { algorithm: 'fixed-window', limit: 1_000_001, windowMs: 1 }, RangeError],
      ['limit "10"', { algorithm: 'fixed-window', limit: '10', windowMs: 1 }, TypeError],
      ['limit null', { algorithm: 'fixed-window', limit: null, windowMs: 1 }, TypeError],
      ['limit []', { algorithm: 'fixed-window', limit: [], windowMs: 1 }, TypeError],
      ['windowMs 0', { algorithm: 'token-bucket', limit: 1, windowMs: 0 }, RangeError],
      ['windowMs -0', { algorithm: 'token-bucket', limit: 1, windowMs: -0 }, RangeError],
      ['windowMs 0.5', { algorithm: 'token-bucket', limit: 1, windowMs: 0.5 }, RangeError],
      ['windowMs 2^31', { algorithm: 'token-bucket', limit: 1, windowMs: 2 ** 31 }, RangeError],
      ['windowMs "1000"', { algorithm: 'token-bucket', limit: 1, windowMs: '1000' }, TypeError],
      ['no windowMs', { algorithm: 'token-bucket', limit: 1 }, TypeError],
      [
        'blockMs -1',
        { algorithm: 'sliding-window', limit: 1, windowMs: 1, blockMs: -1 },
        RangeError,
      ],
      [
        'blockMs -0',
        { algorithm: 'sliding-window', limit: 1, windowMs: 1, blockMs: -0 },
        RangeError,
      ],
      [
        'blockMs 1.5',
        { algorithm: 'sliding-window', limit: 1, windowMs: 1, blockMs: 1.5 },
        RangeError,
      ],
      [
        'blockMs NaN',
        { algorithm: 'sliding-window', limit: 1, windowMs: 1, blockMs: NaN },
        RangeError,
      ],
      [
        'blockMs null',
        { algorithm: 'sliding-window', limit: 1, windowMs: 1, blockMs: null },
        TypeError,
      ],
    ])('rejects %s', async (_case, rule, error) => {
      await expect(counter.hit('k', rule as ThrottleRule)).rejects.toThrow(error);
    });

    it('accepts the largest limit and window', async () => {
      const rule: ThrottleRule = {
        algorithm: 'token-bucket',
        limit: 1_000_000,
        windowMs: 2 ** 31 - 1,
        blockMs: 2 ** 31 - 1,
      };
      expect(await counter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 999_999 });
      const sliding = await counter.hit('k', { ...rule, algorithm: 'sliding-window' });
      expect(sliding).toMatchObject({ allowed: true, remaining: 999_999 });
    });
  });
}
