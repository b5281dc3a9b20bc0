import { assertKnownKeys, readNumber, readObject } from '../core/option-readers';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { assertThrottleKey, checkThrottleRule } from './throttle-arguments';
import type { ThrottleCounter } from './throttle-counter.interface';
import type { ThrottleResult } from './throttle-result.interface';
import type { ThrottleRule } from './throttle-rule.interface';
import { THROTTLE_SCRIPTS, type LuaScript } from './redis-throttle.scripts';
import { CommandTimeoutError, withTimeout } from '../store/with-timeout';

/**
 * Keys and arguments of one script call, as node-redis 4 takes them.
 *
 * @example
 * const call: ThrottleRedisScriptCall = { keys: ['rampart:throttle:fixed-window:60000:k'], arguments: ['5', '60000', '0'] };
 */
export interface ThrottleRedisScriptCall {
  readonly keys: string[];
  readonly arguments: string[];
}

/**
 * The two commands {@link RedisThrottleCounter} needs; a node-redis 4 client (`RedisClientType`)
 * has both. Create it with `disableOfflineQueue: true`, so that a hit fails at once, rather than
 * waits, while Redis is unreachable.
 *
 * @example
 * const client: ThrottleRedisClient = createClient({ url, disableOfflineQueue: true });
 */
export interface ThrottleRedisClient {
  /** `EVALSHA`: rejects with a `NOSCRIPT ...` error when Redis has not cached the script. */
  evalSha(sha1: string, options: ThrottleRedisScriptCall): Promise<unknown>;
  /** `EVAL`. */
  eval(script: string, options: ThrottleRedisScriptCall): Promise<unknown>;
}

/** Options of {@link RedisThrottleCounter}. */
export interface RedisThrottleCounterOptions {
  /**
   * Prepended to every key, so several apps can share one Redis; the same prefix as the security
   * store's keeps an app's keys together. Must not contain `{` or `}` (it would become the
   * Cluster hash tag of every key).
   * @default 'rampart:'
   */
  readonly keyPrefix?: string;
  /**
   * How long one hit waits for Redis, in milliseconds, before rejecting with
   * `StoreUnavailableException`.
   * @default 1_000
   */
  readonly commandTimeoutMs?: number;
}

const OPTION_KEYS = ['keyPrefix', 'commandTimeoutMs'] as const;

/**
 * A {@link ThrottleCounter} in Redis, shared by every instance of the app. Each hit is one Lua
 * script on one key (EVALSHA, falling back to EVAL when Redis has not cached the script), so it
 * is atomic across instances and holds on Redis Cluster. The scripts read Redis's own clock
 * (`TIME`), so app instances whose clocks disagree still count on one timeline.
 *
 * It fails closed: any error (unreachable, timed out after `commandTimeoutMs`, an unexpected
 * reply) rejects with {@link StoreUnavailableException}, whose cause never contains the key. A
 * hit that timed out may still have been counted.
 *
 * Key layout: `<keyPrefix>throttle:<algorithm>:<windowMs>:<key>`, a string holding the
 * algorithm's state as packed numbers (see `redis-throttle.scripts.ts`), that expires when its
 * state would be that of a fresh key. A `{tag}` in `key` picks the Cluster slot, as with the store.
 *
 * @example
 * const client = createClient({ url: 'redis://redis:6379', disableOfflineQueue: true });
 * await client.connect();
 * const counter = new RedisThrottleCounter(client, { keyPrefix: 'shop:', commandTimeoutMs: 500 });
 * const { allowed, retryAfterMs } = await counter.hit('ip:203.0.113.9', { algorithm: 'sliding-window', limit: 100, windowMs: 60_000 });
 */
export class RedisThrottleCounter implements ThrottleCounter {
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  /** The last frozen rule's call (see `callFor`). */
  private lastCall: PreparedCall | undefined;

  /**
   * Takes a connected client; the counter never connects, closes or reconfigures it.
   *
   * @throws SecurityConfigurationError naming `store.keyPrefix` or `store.commandTimeoutMs` when
   *   an option is malformed.
   * @example
   * new RedisThrottleCounter(client);
   */
  constructor(
    private readonly client: ThrottleRedisClient,
    options: RedisThrottleCounterOptions = {},
  ) {
    if (!isScriptClient(client)) {
      throw new TypeError('client must be a node-redis client (with evalSha and eval)');
    }
    const raw = readObject(options, 'store');
    assertKnownKeys(raw, OPTION_KEYS, 'store');
    const keyPrefix = raw.keyPrefix === undefined ? 'rampart:' : raw.keyPrefix;
    if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) {
      throw new SecurityConfigurationError(
        'store.keyPrefix',
        'must be a string without "{" or "}"',
        'remove the braces: in Redis Cluster they would put every key on one slot',
      );
    }
    this.keyPrefix = keyPrefix;
    this.commandTimeoutMs =
      raw.commandTimeoutMs === undefined
        ? 1_000
        : readNumber(raw.commandTimeoutMs, 'store.commandTimeoutMs', {
            integer: true,
            min: 1,
            max: 600_000,
            unit: 'milliseconds',
          });
  }

  /**
   * Records one hit on `key` under `rule`, atomically, in one round trip; see
   * {@link ThrottleCounter.hit}.
   *
   * @example
   * const result = await counter.hit('login:alice', { algorithm: 'fixed-window', limit: 5, windowMs: 60_000, blockMs: 900_000 });
   */
  async hit(key: string, rule: ThrottleRule): Promise<ThrottleResult> {
    assertThrottleKey(key);
    const call = this.callFor(rule);
    const { limit } = call;
    let reply: unknown;
    try {
      reply = await withTimeout(
        this.evalScript(call.script, { keys: [call.keyPrefix + key], arguments: call.arguments }),
        this.commandTimeoutMs,
      );
    } catch (error) {
      const cause = error instanceof CommandTimeoutError ? error.message : describeError(error);
      throw new StoreUnavailableException({
        cause: new Error(`Redis throttle hit failed: ${cause}`),
      });
    }
    return toResult(reply, limit);
  }

  /**
   * The script, key prefix and arguments of `rule`, checked. Those of a frozen rule are kept
   * until the next rule, which is how `RampartThrottlerStorage` passes them (one frozen rule per
   * throttler, reused while its numbers are unchanged); a rule that can still change is checked
   * on every hit.
   */
  private callFor(rule: ThrottleRule): PreparedCall {
    const last = this.lastCall;
    if (last !== undefined && last.rule === rule) return last;
    const { algorithm, limit, windowMs, blockMs } = checkThrottleRule(rule);
    const call: PreparedCall = {
      rule,
      limit,
      script: THROTTLE_SCRIPTS[algorithm],
      keyPrefix: `${this.keyPrefix}throttle:${algorithm}:${windowMs}:`,
      arguments: [String(limit), String(windowMs), String(blockMs)],
    };
    if (Object.isFrozen(rule)) this.lastCall = call;
    return call;
  }

  private async evalScript(script: LuaScript, call: ThrottleRedisScriptCall): Promise<unknown> {
    try {
      return await this.client.evalSha(script.sha1, call);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return this.client.eval(script.source, call);
    }
  }
}

/** What every hit under one rule sends, but the key. */
interface PreparedCall {
  readonly rule: ThrottleRule;
  readonly limit: number;
  readonly script: LuaScript;
  /** `<keyPrefix>throttle:<algorithm>:<windowMs>:`, to which the hit's key is appended. */
  readonly keyPrefix: string;
  /** `limit`, `windowMs`, `blockMs`; the client copies them into its command, never changes them. */
  readonly arguments: string[];
}

/** The script's `{ allowed, remaining, resetMs, retryAfterMs }`, checked. */
function toResult(reply: unknown, limit: number): ThrottleResult {
  if (
    !Array.isArray(reply) ||
    reply.length !== 4 ||
    !reply.every((value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
  ) {
    throw new StoreUnavailableException({
      cause: new Error('Redis throttle hit failed: unexpected reply'),
    });
  }
  const [allowed, remaining, resetMs, retryAfterMs] = reply as [number, number, number, number];
  return { allowed: allowed === 1, limit, remaining, resetMs, retryAfterMs };
}

function isScriptClient(client: unknown): boolean {
  if (typeof client !== 'object' || client === null) return false;
  const { evalSha, eval: evalScript } = client as { evalSha?: unknown; eval?: unknown };
  return typeof evalSha === 'function' && typeof evalScript === 'function';
}

/** A `NOSCRIPT` error reply, duck-typed: the client may be any node-redis compatible one. */
function isNoScript(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { message } = error as { message?: unknown };
  return typeof message === 'string' && message.startsWith('NOSCRIPT');
}

/**
 * `name: first line of message` of a client error, which names no key (Redis error replies quote
 * the command, never the key's content; a script error names the script's SHA-1).
 */
function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  const firstLine = typeof message === 'string' ? (message.split('\n', 1)[0] ?? '') : '';
  return `${typeof name === 'string' ? name : 'Error'}: ${firstLine}`;
}
