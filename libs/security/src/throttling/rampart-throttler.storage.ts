import type { ThrottlerStorage } from '@nestjs/throttler';
import { innerMap } from '../core/inner-map';
import { assertKnownKeys, readChoice, readObject } from '../core/option-readers';
import type { ThrottleCounter } from './throttle-counter.interface';
import type { ThrottleResult } from './throttle-result.interface';
import {
  THROTTLE_ALGORITHMS,
  type ThrottleAlgorithm,
  type ThrottleRule,
} from './throttle-rule.interface';

/**
 * What `ThrottlerStorage.increment` resolves with (`@nestjs/throttler` does not export the
 * interface by name). Its durations are in whole seconds, unlike the milliseconds it is given.
 *
 * @example
 * const record: ThrottlerStorageRecord = await storage.increment(key, 60_000, 10, 60_000, 'default');
 */
export type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Options of {@link RampartThrottlerStorage}. */
export interface RampartThrottlerStorageOptions {
  /**
   * The algorithm of each named throttler (`ThrottlerModule.forRoot({ throttlers: [{ name }] })`;
   * an unnamed throttler is `'default'`). Throttlers not listed use `defaultAlgorithm`.
   * @default {}
   */
  readonly algorithms?: Readonly<Record<string, ThrottleAlgorithm>>;
  /**
   * The algorithm of throttlers not listed in `algorithms`.
   * @default 'fixed-window'
   */
  readonly defaultAlgorithm?: ThrottleAlgorithm;
}

const OPTION_KEYS = ['algorithms', 'defaultAlgorithm'] as const;
const OPTION_PATH = 'throttling';

/**
 * `@nestjs/throttler`'s `ThrottlerStorage` on top of a {@link ThrottleCounter}, so that
 * `ThrottlerGuard`, `@Throttle()` and `@SkipThrottle()` work unchanged while the counting is
 * Rampart's: shared through Redis, atomic, on Redis time, with a choice of algorithm per named
 * throttler.
 *
 * How the guard's arguments and record map onto the counter:
 *
 * - `ttl` (ms) is the rule's `windowMs`, `limit` its `limit`, `blockDuration` (ms; the guard
 *   passes `ttl` when none is set) its `blockMs`; fractions of a millisecond are rounded up, a
 *   fractional limit down. A `limit` of 0 or less refuses every request without counting, as the
 *   built-in storage does.
 * - The counter key is `throttler:<name>:<key>`, the guard's key (by default a SHA-256 of class,
 *   handler, throttler name and tracker) under the URI-encoded throttler name.
 * - `totalHits` is `limit - remaining` for an allowed request, so that the guard's
 *   `X-RateLimit-Remaining` is the counter's `remaining`, and `limit + 1` for a refused one;
 *   `isBlocked` is `!allowed`; `timeToExpire` (`X-RateLimit-Reset`) is `resetMs` and
 *   `timeToBlockExpire` (`Retry-After`) is `retryAfterMs`, both in whole seconds rounded up, as
 *   the built-in storage gives them.
 *
 * A counter that cannot be reached rejects with `StoreUnavailableException`; the guard lets it
 * through as a 503, never as an allowed request.
 *
 * @example
 * ThrottlerModule.forRootAsync({
 *   inject: [ThrottleCounter],
 *   useFactory: (counter: ThrottleCounter) => ({
 *     throttlers: [{ name: 'burst', ttl: 1_000, limit: 10 }, { name: 'sustained', ttl: 60_000, limit: 100 }],
 *     storage: new RampartThrottlerStorage(counter, { algorithms: { burst: 'token-bucket', sustained: 'sliding-window' } }),
 *   }),
 * });
 */
export class RampartThrottlerStorage implements ThrottlerStorage {
  private readonly algorithms: ReadonlyMap<string, ThrottleAlgorithm>;
  private readonly defaultAlgorithm: ThrottleAlgorithm;
  /** Per throttler name: its last rule, reused while the guard passes the same numbers. */
  private readonly lastRules = new Map<string, PreparedRule>();
  /** Per throttler name: guard key -> counter key, the same string for every hit of a client. */
  private readonly counterKeys = new Map<string, Map<string, string>>();

  /**
   * @throws SecurityConfigurationError naming `throttling.algorithms.<name>` or
   *   `throttling.defaultAlgorithm` when an algorithm is unknown (with a "did you mean").
   * @example
   * new RampartThrottlerStorage(new MemoryThrottleCounter(), { defaultAlgorithm: 'sliding-window' });
   */
  constructor(
    private readonly counter: ThrottleCounter,
    options: RampartThrottlerStorageOptions = {},
  ) {
    const raw = readObject(options, OPTION_PATH);
    assertKnownKeys(raw, OPTION_KEYS, OPTION_PATH);
    const algorithms =
      raw.algorithms === undefined ? {} : readObject(raw.algorithms, `${OPTION_PATH}.algorithms`);
    this.algorithms = new Map(
      Object.entries(algorithms).map(([name, algorithm]) => [
        name,
        readChoice(algorithm, `${OPTION_PATH}.algorithms.${name}`, THROTTLE_ALGORITHMS),
      ]),
    );
    this.defaultAlgorithm =
      raw.defaultAlgorithm === undefined
        ? 'fixed-window'
        : readChoice(raw.defaultAlgorithm, `${OPTION_PATH}.defaultAlgorithm`, THROTTLE_ALGORITHMS);
  }

  /**
   * Counts one request of the throttler `throttlerName` on `key`; called by `ThrottlerGuard`.
   *
   * @param ttl the throttler's window, in milliseconds.
   * @param limit requests allowed per window.
   * @param blockDuration how long a refused key stays refused, in milliseconds.
   * @returns the record, its durations in whole seconds.
   * @throws RangeError when `ttl`, `limit` or `blockDuration` is out of the counter's range.
   * @throws StoreUnavailableException when the counter cannot be reached.
   * @example
   * const record = await storage.increment(key, 60_000, 10, 60_000, 'default');
   * if (record.isBlocked) response.setHeader('Retry-After', record.timeToBlockExpire);
   */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const hit = this.prepare(ttl, limit, blockDuration, throttlerName);
    if (!('rule' in hit)) return hit;
    let result: ThrottleResult;
    try {
      result = await this.counter.hit(this.counterKey(throttlerName, key), hit.rule);
    } catch (error) {
      throw namedError(error, throttlerName);
    }
    return toRecord(result, hit.rule.limit);
  }

  /**
   * Whether {@link incrementNow} answers: the counter counts without I/O (the memory counter).
   */
  get answersNow(): boolean {
    return this.counter.hitNow !== undefined;
  }

  /**
   * {@link increment} without a promise, when {@link answersNow}: the throttling guard counts a
   * request on the memory counter without awaiting anything.
   *
   * @throws TypeError when the counter cannot answer synchronously (check `answersNow` first).
   * @example
   * const record = storage.answersNow ? storage.incrementNow(key, 60_000, 10, 60_000, 'default') : await storage.increment(key, 60_000, 10, 60_000, 'default');
   */
  incrementNow(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ThrottlerStorageRecord {
    const { counter } = this;
    if (counter.hitNow === undefined) {
      throw new TypeError('incrementNow() needs a counter with hitNow(); use increment()');
    }
    const hit = this.prepare(ttl, limit, blockDuration, throttlerName);
    if (!('rule' in hit)) return hit;
    let result: ThrottleResult;
    try {
      result = counter.hitNow(this.counterKey(throttlerName, key), hit.rule);
    } catch (error) {
      throw namedError(error, throttlerName);
    }
    return toRecord(result, hit.rule.limit);
  }

  /** The counter rule for `@nestjs/throttler`'s arguments, or at once the record of a limit of 0. */
  private prepare(
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): { readonly rule: ThrottleRule } | ThrottlerStorageRecord {
    const last = this.lastRules.get(throttlerName);
    if (
      last !== undefined &&
      last.ttl === ttl &&
      last.limit === limit &&
      last.blockDuration === blockDuration
    ) {
      return last.hit;
    }
    const hit = this.prepareAnew(ttl, limit, blockDuration, throttlerName);
    if ('rule' in hit) {
      this.lastRules.set(throttlerName, { ttl, limit, blockDuration, hit: Object.freeze(hit) });
    }
    return hit;
  }

  private prepareAnew(
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): { readonly rule: ThrottleRule } | ThrottlerStorageRecord {
    const windowMs = Math.ceil(ttl);
    const blockMs = Math.ceil(Math.max(0, blockDuration));
    const wholeLimit = Math.floor(limit);
    if (wholeLimit <= 0) {
      const seconds = secondsOf(Math.max(windowMs, blockMs, 1));
      return { totalHits: 1, timeToExpire: seconds, isBlocked: true, timeToBlockExpire: seconds };
    }
    const algorithm = this.algorithms.get(throttlerName) ?? this.defaultAlgorithm;
    return { rule: Object.freeze({ algorithm, limit: wholeLimit, windowMs, blockMs }) };
  }

  /**
   * `throttler:<name>:<key>`, remembered for the most recent {@link COUNTER_KEYS_MAX_ENTRIES}
   * keys of each throttler: a client's next hit passes the counter the same string, whose hash V8
   * has kept, instead of a new one to hash (about 0.4 us for these 82 characters).
   */
  private counterKey(throttlerName: string, key: string): string {
    const keys = innerMap(this.counterKeys, throttlerName);
    let counterKey = keys.get(key);
    if (counterKey === undefined) {
      counterKey = `throttler:${encodeURIComponent(throttlerName)}:${key}`;
      if (keys.size >= COUNTER_KEYS_MAX_ENTRIES) {
        const oldest = keys.keys().next();
        if (oldest.done !== true) keys.delete(oldest.value);
      }
      keys.set(key, counterKey);
    }
    return counterKey;
  }
}

/** Most counter keys remembered per throttler (see `counterKey`); the oldest goes first. */
const COUNTER_KEYS_MAX_ENTRIES = 10_000;

/** A throttler's rule with the guard's numbers it was made from. */
interface PreparedRule {
  readonly ttl: number;
  readonly limit: number;
  readonly blockDuration: number;
  readonly hit: { readonly rule: ThrottleRule };
}

/** A malformed rule names its throttler; any other error (a store outage) passes unchanged. */
function namedError(error: unknown, throttlerName: string): unknown {
  if (error instanceof RangeError || error instanceof TypeError) {
    return new RangeError(`Throttler "${throttlerName}": ${error.message}`, { cause: error });
  }
  return error;
}

/** `@nestjs/throttler`'s record of a counter result. */
function toRecord(result: ThrottleResult, limit: number): ThrottlerStorageRecord {
  return {
    totalHits: result.allowed ? limit - result.remaining : limit + 1,
    timeToExpire: secondsOf(result.resetMs),
    isBlocked: !result.allowed,
    timeToBlockExpire: result.allowed ? 0 : secondsOf(result.retryAfterMs),
  };
}

/** Whole seconds, rounded up: a client told to wait 0 s after 400 ms would come back too early. */
function secondsOf(ms: number): number {
  return Math.ceil(ms / 1_000);
}
