import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { innerMap } from '../core/inner-map';
import { assertKnownKeys, describe, readNumber, readObject } from '../core/option-readers';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { applyHit, type ThrottleState } from './throttle-algorithms';
import { assertThrottleKey, checkThrottleRule } from './throttle-arguments';
import type { ThrottleCounter } from './throttle-counter.interface';
import type { ThrottleResult } from './throttle-result.interface';
import type { ThrottleRule } from './throttle-rule.interface';

/** Options of {@link MemoryThrottleCounter}. */
export interface MemoryThrottleCounterOptions {
  /**
   * Most keys tracked at once. When every slot holds a live key, a hit on a new key rejects with
   * `StoreUnavailableException` (503) instead of evicting one: evicting would hand a blocked
   * client a fresh counter, which is exactly what an attacker flooding new keys wants.
   * @default 100_000
   */
  readonly maxKeys?: number;
  /**
   * The clock, in milliseconds since the epoch. Tests pass a manual clock and never sleep.
   * @default () => Date.now()
   */
  readonly now?: () => number;
}

interface Entry {
  state: ThrottleState;
  /** When the state is back to that of a fresh key (the last hit's `resetMs`), by `now()`. */
  expiresAtMs: number;
}

const OPTION_KEYS = ['maxKeys', 'now'] as const;
const OPTION_PATH = 'throttling';

/** How often, at most, expired keys are swept on a hit, in milliseconds of the counter's clock. */
const SWEEP_INTERVAL_MS = 60_000;
/** How often, at most, a full counter sweeps before refusing a new key. */
const FULL_SWEEP_INTERVAL_MS = 1_000;

/**
 * A {@link ThrottleCounter} in this process: a `Map` from key to a few numbers, updated
 * synchronously, so every hit is atomic without locks. Bounded by `maxKeys`; keys whose state has
 * run out (their last `resetMs` passed) are swept at most once a minute on a hit, and at once
 * (at most once a second) when the map is full. It sets no timer, so it keeps no process alive.
 *
 * It cannot be shared: with several instances, each counts on its own and a client gets
 * `limit` hits per instance. Use {@link RedisThrottleCounter} then.
 *
 * Keys are grouped by algorithm and window, as the Redis counter's `<algorithm>:<windowMs>:<key>`
 * keys are: the same `key` under two rules counts twice. A hit looks `key` up as given, without
 * building a longer string: V8 keeps a string's hash on the string, so a caller that passes the
 * same string object on every hit (the throttling guard does) pays for hashing it once.
 *
 * @example
 * const counter = new MemoryThrottleCounter({ maxKeys: 10_000 });
 * const { allowed } = await counter.hit('ip:203.0.113.9', { algorithm: 'token-bucket', limit: 20, windowMs: 10_000 });
 */
export class MemoryThrottleCounter implements ThrottleCounter, OnApplicationShutdown {
  private readonly logger = new Logger(MemoryThrottleCounter.name);
  /** algorithm -> windowMs -> key -> entry. */
  private readonly rules = new Map<string, Map<number, Map<string, Entry>>>();
  /** Entries in all the maps of {@link rules}. */
  private count = 0;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private lastSweepAtMs: number;
  private lastFullSweepAtMs = Number.NEGATIVE_INFINITY;
  private full = false;

  /**
   * @throws SecurityConfigurationError naming `throttling.maxKeys` or `throttling.now` when an
   *   option is malformed.
   * @example
   * new MemoryThrottleCounter();
   * new MemoryThrottleCounter({ maxKeys: 1_000, now: () => clock.nowMs });
   */
  constructor(options: MemoryThrottleCounterOptions = {}) {
    const raw = readObject(options, OPTION_PATH);
    assertKnownKeys(raw, OPTION_KEYS, OPTION_PATH);
    this.maxKeys =
      raw.maxKeys === undefined
        ? 100_000
        : readNumber(raw.maxKeys, `${OPTION_PATH}.maxKeys`, { integer: true, min: 1 });
    if (raw.now !== undefined && typeof raw.now !== 'function') {
      throw new SecurityConfigurationError(
        `${OPTION_PATH}.now`,
        `must be a function returning milliseconds since the epoch, got ${describe(raw.now)}`,
        'leave it out to use Date.now()',
      );
    }
    this.now = options.now ?? (() => Date.now());
    this.lastSweepAtMs = this.now();
  }

  /**
   * How many keys are tracked now, expired ones not yet swept included.
   *
   * @example
   * metrics.gauge('throttle_keys', counter.size);
   */
  get size(): number {
    return this.count;
  }

  /**
   * Records one hit on `key` under `rule`; see {@link ThrottleCounter.hit}.
   *
   * @example
   * const result = await counter.hit('login:alice', { algorithm: 'fixed-window', limit: 5, windowMs: 60_000, blockMs: 900_000 });
   */
  hit(key: string, rule: ThrottleRule): Promise<ThrottleResult> {
    try {
      return Promise.resolve(this.hitNow(key, rule));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * Forgets every key. Nest calls it on `app.close()`.
   *
   * @example
   * counter.onApplicationShutdown();
   */
  onApplicationShutdown(): void {
    this.rules.clear();
    this.count = 0;
  }

  /**
   * Records one hit on `key` under `rule`, synchronously; see {@link ThrottleCounter.hitNow}.
   *
   * @throws TypeError or RangeError for a malformed key or rule.
   * @throws StoreUnavailableException when the counter is full.
   * @example
   * const { allowed } = counter.hitNow('login:alice', { algorithm: 'fixed-window', limit: 5, windowMs: 60_000 });
   */
  hitNow(key: string, rule: ThrottleRule): ThrottleResult {
    assertThrottleKey(key);
    const checked = checkThrottleRule(rule);
    const nowMs = this.now();
    if (nowMs - this.lastSweepAtMs >= SWEEP_INTERVAL_MS) this.sweep(nowMs);
    const entries = innerMap(innerMap(this.rules, checked.algorithm), checked.windowMs);
    const entry = entries.get(key);
    const live = entry !== undefined && entry.expiresAtMs > nowMs ? entry : undefined;
    if (entry === undefined) this.makeRoom(nowMs);
    const { state, result } = applyHit(live?.state, checked, nowMs);
    const expiresAtMs = nowMs + result.resetMs;
    if (entry === undefined) {
      entries.set(key, { state, expiresAtMs });
      this.count += 1;
    } else {
      entry.state = state;
      entry.expiresAtMs = expiresAtMs;
    }
    return result;
  }

  /** Ensures a new key fits, sweeping when full; refuses (fails closed) when it still does not. */
  private makeRoom(nowMs: number): void {
    if (this.count < this.maxKeys) {
      this.full = false;
      return;
    }
    if (nowMs - this.lastFullSweepAtMs >= FULL_SWEEP_INTERVAL_MS) {
      this.lastFullSweepAtMs = nowMs;
      this.sweep(nowMs);
    }
    if (this.count < this.maxKeys) return;
    if (!this.full) {
      this.full = true;
      this.logger.error(
        `The memory throttle counter is full (maxKeys: ${this.maxKeys}); hits on new keys are refused with 503 until keys expire. Raise throttling.maxKeys or use RedisThrottleCounter.`,
      );
    }
    throw new StoreUnavailableException({
      cause: new Error(`MemoryThrottleCounter is full (maxKeys: ${this.maxKeys})`),
    });
  }

  /** Deletes the keys whose state has run out by `nowMs`. */
  private sweep(nowMs: number): void {
    this.lastSweepAtMs = nowMs;
    for (const windows of this.rules.values()) {
      for (const [windowMs, entries] of windows) {
        for (const [key, entry] of entries) {
          if (entry.expiresAtMs > nowMs) continue;
          entries.delete(key);
          this.count -= 1;
        }
        // Windows can come from per-request settings: an emptied one is not kept.
        if (entries.size === 0) windows.delete(windowMs);
      }
    }
  }
}
