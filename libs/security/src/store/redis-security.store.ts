import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { caching, type Cache } from 'cache-manager';
import { redisInsStore, type RedisStore } from 'cache-manager-redis-yet';
import { createHash } from 'node:crypto';
import { createClient, ErrorReply, type RedisClientType } from 'redis';
import { assertKnownKeys, readNumber, readObject, readString } from '../core/option-readers';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import type { RecordChanges, SecurityStore, StoreCounter } from './security-store.interface';
import {
  assertChannel,
  assertKey,
  assertMember,
  assertTtlMs,
  encodeRecordChanges,
  errorName,
  recordToJson,
  toJson,
} from './store-arguments';
import { CommandTimeoutError, withTimeout } from './with-timeout';

/** Options of {@link RedisSecurityStore.connect}. */
export interface RedisSecurityStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. */
  readonly url: string;
  /**
   * Prepended to every key and channel, so several apps can share one Redis. Must not contain
   * `{` or `}` (it would become the Cluster hash tag of every key).
   * @default 'rampart:'
   */
  readonly keyPrefix?: string;
  /**
   * How long startup waits for Redis to answer, in milliseconds, before failing.
   * @default 5_000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long one store call waits for Redis, in milliseconds, before rejecting with
   * `StoreUnavailableException`.
   * @default 1_000
   */
  readonly commandTimeoutMs?: number;
}

interface ResolvedRedisOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
}

type Listener = (message: string) => void;

interface Subscription {
  readonly listener: Listener;
}

/** The local side of one subscribed Redis channel: its listeners and the call that subscribed. */
interface ChannelState {
  readonly subscriptions: Set<Subscription>;
  /** The one node-redis listener of the channel; it fans messages out to `subscriptions`. */
  readonly dispatch: (message: string) => void;
  active: Promise<void>;
}

/** A Lua script run with EVALSHA, falling back to EVAL when Redis has not cached it yet. */
interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS[1] counter, ARGV[1] ttl (ms). A new counter (or one that somehow lost its expiry) gets
 * ARGV[1]; an existing one keeps its own. Returns { count, milliseconds left }.
 */
const INCREMENT = luaScript(`
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }
`);

/** KEYS[1] set, ARGV[1] member, ARGV[2] ttl (ms): adds the member and resets the set's expiry. */
const ADD_TO_SET = luaScript(`
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/**
 * KEYS[1] record, ARGV[1] ttl (ms), ARGV[2..] field, value, field, value...: replaces whatever
 * the key held with a hash of those fields.
 */
const SET_RECORD = luaScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`);

/**
 * KEYS[1] record, ARGV[1] ttl (ms, 0 keeps the expiry), ARGV[2] number of fields to set n, then n
 * field/value pairs, then the fields to remove. Returns 0, writing nothing, when the record is
 * absent; fails with WRONGTYPE when the key holds something else. Redis deletes a hash whose
 * last field is removed, so such a record becomes absent.
 */
const UPDATE_RECORD = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local setCount = tonumber(ARGV[2])
if setCount > 0 then redis.call('HSET', KEYS[1], unpack(ARGV, 3, 2 + 2 * setCount)) end
if #ARGV > 2 + 2 * setCount then redis.call('HDEL', KEYS[1], unpack(ARGV, 3 + 2 * setCount)) end
if ARGV[1] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`);

const OPTION_KEYS = ['url', 'keyPrefix', 'connectTimeoutMs', 'commandTimeoutMs'] as const;

/** Reconnection back-off: 100 ms, 200 ms, ... capped at 2 s, retried for as long as it takes. */
function reconnectDelayMs(retries: number): number {
  return Math.min(100 * 2 ** Math.min(retries, 5), 2_000);
}

/**
 * A {@link SecurityStore} in Redis, shared by every instance of the app: cache-manager with
 * cache-manager-redis-yet (node-redis 4) for get/set/delete, Lua scripts for the atomic counter
 * and set operations, and a second connection for pub/sub.
 *
 * It fails closed and fast: commands are never queued while Redis is unreachable, and every call
 * rejects with {@link StoreUnavailableException} after at most `commandTimeoutMs`, while the
 * client keeps reconnecting in the background. A call that timed out may still have been applied.
 * Pub/sub is at-most-once: a message published while a subscriber is disconnected is lost.
 *
 * Key layout (every name starts with `keyPrefix`, default `rampart:`):
 * - `<prefix><key>` string: a JSON value (`get`, `set`, `setIfAbsent`) or an integer counter
 *   (`increment`);
 * - `<prefix><key>` set: the members of `addToSet`, `removeFromSet`, `members`;
 * - `<prefix><key>` hash: a record of `setRecord`, `getRecord`, `updateRecord`, one JSON value per
 *   field, so that `updateRecord` (HSET/HDEL in a script) changes fields without a read;
 * - `<prefix><channel>` pub/sub channel (not a key, prefixed so that apps sharing a Redis do not
 *   hear each other).
 *
 * Every operation touches exactly one key, so it also holds on Redis Cluster. Keys that must live
 * on one slot (for a future multi-key operation) share a hash tag chosen by the caller: in
 * `session:{user-42}:abc` and `sessions-of:{user-42}` only `user-42` is hashed.
 *
 * @example
 * const store = await RedisSecurityStore.connect({ url: 'redis://redis:6379', keyPrefix: 'shop:' });
 * const { count } = await store.increment('login:alice', 15 * 60_000);
 */
export class RedisSecurityStore implements SecurityStore, OnApplicationShutdown {
  private readonly logger = new Logger(RedisSecurityStore.name);
  private readonly keyPrefix: string;
  private readonly commandTimeoutMs: number;
  private readonly channels = new Map<string, ChannelState>();
  /** The pub/sub connection, opened on the first `subscribe`. */
  private subscriber: RedisClientType | undefined;
  private subscriberConnected: Promise<RedisClientType> | undefined;
  private closed = false;

  /**
   * Use {@link RedisSecurityStore.connect}; this constructor takes an already connected client.
   *
   * @example
   * class TracingRedisStore extends RedisSecurityStore {}
   */
  protected constructor(
    private readonly client: RedisClientType,
    private readonly cache: Cache<RedisStore>,
    options: ResolvedRedisOptions,
  ) {
    this.keyPrefix = options.keyPrefix;
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.watchConnection(client, 'main');
  }

  /**
   * Validates `options`, connects, and resolves once Redis answers. Fails with a
   * `SecurityConfigurationError` naming `store.url` when the options are malformed or Redis does
   * not answer within `connectTimeoutMs` (the message never shows the URL's password).
   *
   * @example
   * const store = await RedisSecurityStore.connect({ url: process.env.REDIS_URL ?? '' });
   */
  static async connect(options: RedisSecurityStoreOptions): Promise<RedisSecurityStore> {
    const resolved = resolveOptions(options);
    // Not redis-yet's redisStore(): it creates and connects the client itself, with no 'error'
    // listener and no way to stop a connection attempt that outlives connectTimeoutMs. So the
    // client is made and connected here, then handed to redisInsStore().
    let client: RedisClientType;
    try {
      client = createClient({
        url: resolved.url,
        // Fail closed: a command sent while Redis is unreachable rejects at once, never queued.
        disableOfflineQueue: true,
        socket: { connectTimeout: resolved.connectTimeoutMs, reconnectStrategy: reconnectDelayMs },
      });
    } catch (error) {
      throw new SecurityConfigurationError(
        'store.url',
        `cannot be used (${describeError(error)})`,
        'use the form redis://[[user]:password@]host[:port][/db]',
      );
    }
    let lastError: unknown;
    // node-redis throws from its socket handlers when an 'error' event has no listener.
    client.on('error', (error: unknown) => {
      lastError = error;
    });
    try {
      await withTimeout(client.connect(), resolved.connectTimeoutMs);
    } catch {
      // The reconnect strategy never gives up, so stop it: startup fails instead.
      if (client.isOpen) await client.disconnect().catch(() => undefined);
      throw new SecurityConfigurationError(
        'store.url',
        `points to a Redis server that did not answer within ${resolved.connectTimeoutMs} ms (${redactUrl(resolved.url)}${lastError === undefined ? '' : `: ${describeError(lastError)}`})`,
        'start Redis or correct "store.url"; raise "store.connectTimeoutMs" if the server is slow to answer',
      );
    }
    // The store keeps its own prefix (redis-yet's `keyPrefix` would add a ':'), and JSON `null`
    // is a valid value: only `undefined` is refused, by the store itself.
    const cache = await caching(
      redisInsStore(client, { isCacheable: (value: unknown) => value !== undefined }),
    );
    return new RedisSecurityStore(client, cache, resolved);
  }

  /**
   * Reads a JSON value; `undefined` when absent or expired. Rejects, never answers `undefined`,
   * when Redis cannot be asked.
   *
   * @example
   * const session = await store.get<SessionRecord>('session:abc');
   */
  async get<T>(key: string): Promise<T | undefined> {
    assertKey(key);
    return this.run('get', () => this.cache.get<T>(this.prefixed(key)));
  }

  /**
   * Writes `value` as JSON, expiring after `ttlMs` milliseconds.
   *
   * @example
   * await store.set('session:abc', { userId: '42' }, 30 * 60_000);
   */
  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertKey(key);
    assertTtlMs(ttlMs);
    toJson(value); // refuses what JSON cannot hold before anything is sent
    await this.run('set', () => this.cache.set(this.prefixed(key), value, ttlMs));
  }

  /**
   * `SET key value NX PX ttlMs`: writes only when the key is absent; `true` when this call wrote it.
   *
   * @example
   * const won = await store.setIfAbsent('refresh-used:jti-1', true, 60_000);
   */
  async setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    assertKey(key);
    assertTtlMs(ttlMs);
    const json = toJson(value);
    const reply = await this.run('setIfAbsent', () =>
      this.client.set(this.prefixed(key), json, { NX: true, PX: ttlMs }),
    );
    return reply !== null;
  }

  /**
   * Removes a key of any kind; removing an absent key is not an error.
   *
   * @example
   * await store.delete('session:abc');
   */
  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.run('delete', () => this.cache.del(this.prefixed(key)));
  }

  /**
   * Adds one to the counter at `key` in one Lua script (INCR, then PEXPIRE for a new counter,
   * then PTTL), so it is atomic across every instance.
   *
   * @example
   * const { count, ttlMs } = await store.increment('login:alice', 15 * 60_000);
   */
  async increment(key: string, ttlMs: number): Promise<StoreCounter> {
    assertKey(key);
    assertTtlMs(ttlMs);
    const reply = await this.run('increment', () =>
      this.evalScript(INCREMENT, this.prefixed(key), [String(ttlMs)]),
    );
    if (!Array.isArray(reply) || typeof reply[0] !== 'number' || typeof reply[1] !== 'number') {
      throw new StoreUnavailableException({ cause: new Error('increment: unexpected reply') });
    }
    return { count: reply[0], ttlMs: reply[1] };
  }

  /**
   * Adds `member` to the set at `key` and resets its expiry to `ttlMs`, in one Lua script.
   *
   * @example
   * await store.addToSet('sessions-of:42', 'abc', 30 * 24 * 3_600_000);
   */
  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    assertKey(key);
    assertMember(member);
    assertTtlMs(ttlMs);
    await this.run('addToSet', () =>
      this.evalScript(ADD_TO_SET, this.prefixed(key), [member, String(ttlMs)]),
    );
  }

  /**
   * `SREM`: removes `member` from the set at `key`; Redis deletes a set once it is empty.
   *
   * @example
   * await store.removeFromSet('sessions-of:42', 'abc');
   */
  async removeFromSet(key: string, member: string): Promise<void> {
    assertKey(key);
    assertMember(member);
    await this.run('removeFromSet', () => this.client.sRem(this.prefixed(key), member));
  }

  /**
   * `SMEMBERS`: every member of the set at `key`; `[]` when absent.
   *
   * @example
   * for (const sessionId of await store.members('sessions-of:42')) await revoke(sessionId);
   */
  async members(key: string): Promise<string[]> {
    assertKey(key);
    return this.run('members', () => this.client.sMembers(this.prefixed(key)));
  }

  /**
   * Replaces whatever `key` held with a hash of JSON fields, in one Lua script.
   *
   * @example
   * await store.setRecord('session:abc', { userId: '42', cart: [] }, 30 * 60_000);
   */
  async setRecord(
    key: string,
    fields: Readonly<Record<string, unknown>>,
    ttlMs: number,
  ): Promise<void> {
    assertKey(key);
    assertTtlMs(ttlMs);
    const encoded = recordToJson(fields);
    if (encoded.size === 0) {
      // A hash cannot be empty: an empty record is an absent one.
      await this.delete(key);
      return;
    }
    await this.run('setRecord', () =>
      this.evalScript(SET_RECORD, this.prefixed(key), [String(ttlMs), ...[...encoded].flat()]),
    );
  }

  /**
   * `HGETALL`: every field of the record at `key`; `undefined` when absent.
   *
   * @example
   * const session = await store.getRecord('session:abc');
   */
  async getRecord(key: string): Promise<Record<string, unknown> | undefined> {
    assertKey(key);
    const hash = await this.run('getRecord', () => this.client.hGetAll(this.prefixed(key)));
    const names = Object.keys(hash);
    if (names.length === 0) return undefined;
    const fields: Record<string, unknown> = {};
    try {
      for (const name of names) fields[name] = JSON.parse(hash[name] ?? 'null') as unknown;
    } catch (error) {
      throw toStoreError('getRecord', error, this.commandTimeoutMs);
    }
    return fields;
  }

  /**
   * Writes and removes fields of an existing record in one Lua script (HSET, HDEL, PEXPIRE), so
   * concurrent updates of different fields never overwrite each other; `false` when absent.
   *
   * @example
   * await store.updateRecord('session:abc', { set: { theme: 'dark' }, remove: ['draft'] });
   */
  async updateRecord(key: string, changes: RecordChanges): Promise<boolean> {
    assertKey(key);
    const { set, remove, ttlMs } = encodeRecordChanges(changes);
    const reply = await this.run('updateRecord', () =>
      this.evalScript(UPDATE_RECORD, this.prefixed(key), [
        String(ttlMs ?? 0),
        String(set.size),
        ...[...set].flat(),
        ...remove,
      ]),
    );
    return reply === 1;
  }

  /**
   * Publishes `message` on `channel` to the subscribers of every instance sharing this Redis.
   *
   * @example
   * await store.publish('revocations', 'session:abc');
   */
  async publish(channel: string, message: string): Promise<void> {
    assertChannel(channel);
    if (typeof message !== 'string') throw new TypeError('message must be a string');
    await this.run('publish', () => this.client.publish(this.prefixed(channel), message));
  }

  /**
   * Calls `listener` for every message later published on `channel`, in any instance. The first
   * subscription opens the pub/sub connection; resolves once Redis confirmed the subscription.
   *
   * @example
   * const unsubscribe = await store.subscribe('revocations', (key) => cache.delete(key));
   * await unsubscribe();
   */
  async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
    assertChannel(channel);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const subscription: Subscription = { listener };
    const state = this.channels.get(channel) ?? this.openChannel(channel);
    state.subscriptions.add(subscription);
    try {
      await state.active;
    } catch (error) {
      state.subscriptions.delete(subscription);
      throw error;
    }
    return () => this.unsubscribe(channel, state, subscription);
  }

  /**
   * The store's connection, narrowed to Lua script calls (`EVALSHA`, `EVAL`), for Rampart's own
   * counters that keep their state next to the store's (the Redis throttle counter): one
   * connection per instance, with the store's fail-closed settings (no offline queue).
   *
   * @example
   * const counter = new RedisThrottleCounter(store.scriptClient(), { keyPrefix: 'rampart:' });
   */
  scriptClient(): Pick<RedisClientType, 'evalSha' | 'eval'> {
    return this.client;
  }

  /**
   * Resolves when Redis answers `PING` within `commandTimeoutMs`.
   *
   * @example
   * await store.ping(); // in a readiness probe
   */
  async ping(): Promise<void> {
    await this.run('ping', () => this.client.ping());
  }

  /**
   * Closes both connections: `QUIT` when Redis answers, a hard disconnect otherwise. Later calls
   * reject with `StoreUnavailableException`. Nest calls it on `app.close()`.
   *
   * @example
   * await store.onApplicationShutdown();
   */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    await Promise.all([
      this.close(this.client),
      this.subscriber === undefined ? undefined : this.close(this.subscriber),
    ]);
  }

  /**
   * Runs one Redis call, bounded by `commandTimeoutMs`. Redis-side type errors become a
   * `TypeError`; anything else (offline, timeout, closed) becomes `StoreUnavailableException`,
   * with a cause that never contains a stored value or a key.
   */
  protected async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    if (this.closed) {
      throw new StoreUnavailableException({
        cause: new Error(`Redis ${operation} failed: the store was shut down`),
      });
    }
    try {
      return await withTimeout(command(), this.commandTimeoutMs);
    } catch (error) {
      throw toStoreError(operation, error, this.commandTimeoutMs);
    }
  }

  private prefixed(name: string): string {
    return this.keyPrefix + name;
  }

  private async evalScript(script: LuaScript, key: string, args: string[]): Promise<unknown> {
    const options = { keys: [key], arguments: args };
    try {
      return await this.client.evalSha(script.sha1, options);
    } catch (error) {
      if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script.source, options);
    }
  }

  private openChannel(channel: string): ChannelState {
    const subscriptions = new Set<Subscription>();
    const state: ChannelState = {
      subscriptions,
      dispatch: (message) => {
        this.deliver(subscriptions, message);
      },
      active: Promise.resolve(),
    };
    this.channels.set(channel, state);
    state.active = this.run('subscribe', async () => {
      const subscriber = await this.connectSubscriber();
      await subscriber.subscribe(this.prefixed(channel), state.dispatch);
    });
    state.active.catch(() => {
      // Forget the failed channel here and in node-redis, so a later subscribe starts afresh.
      if (this.channels.get(channel) === state) this.channels.delete(channel);
      this.subscriber?.unsubscribe(this.prefixed(channel), state.dispatch).catch(() => undefined);
    });
    return state;
  }

  private async unsubscribe(
    channel: string,
    state: ChannelState,
    subscription: Subscription,
  ): Promise<void> {
    if (!state.subscriptions.delete(subscription) || state.subscriptions.size > 0) return;
    if (this.channels.get(channel) === state) this.channels.delete(channel);
    // node-redis drops the listener at once (no more deliveries, no resubscribe after a
    // reconnect); the UNSUBSCRIBE itself is best effort when Redis is unreachable.
    await withTimeout(
      this.subscriber?.unsubscribe(this.prefixed(channel), state.dispatch) ?? Promise.resolve(),
      this.commandTimeoutMs,
    ).catch(() => undefined);
  }

  private deliver(subscriptions: Set<Subscription>, message: string): void {
    for (const subscription of [...subscriptions]) {
      if (!subscriptions.has(subscription)) continue;
      try {
        subscription.listener(message);
      } catch (error) {
        this.logger.error(
          `A listener of a security-store channel threw ${errorName(error)}; other listeners still ran.`,
        );
      }
    }
  }

  /** The pub/sub connection (`client.duplicate()`), opened once and kept reconnecting. */
  private connectSubscriber(): Promise<RedisClientType> {
    if (this.subscriberConnected === undefined) {
      const subscriber = this.client.duplicate();
      this.watchConnection(subscriber, 'pub/sub');
      this.subscriber = subscriber;
      this.subscriberConnected = subscriber.connect();
    }
    return this.subscriberConnected;
  }

  /** Logs when a connection is lost and when it is back, once each, without any value or key. */
  private watchConnection(client: RedisClientType, role: string): void {
    let state: 'connecting' | 'up' | 'down' = client.isReady ? 'up' : 'connecting';
    client.on('error', (error: unknown) => {
      if (state !== 'up') return;
      state = 'down';
      this.logger.warn(
        `Redis ${role} connection lost (${describeError(error)}); reconnecting in the background. Security store calls fail with 503 until it is back.`,
      );
    });
    client.on('ready', () => {
      if (state === 'down') this.logger.log(`Redis ${role} connection restored.`);
      state = 'up';
    });
  }

  private async close(client: RedisClientType): Promise<void> {
    if (client.isReady) {
      try {
        await withTimeout(client.quit(), this.commandTimeoutMs);
        return;
      } catch {
        // A server that does not answer QUIT: let the process exit anyway.
        client.unref();
        return;
      }
    }
    if (client.isOpen) await client.disconnect().catch(() => undefined);
  }
}

/** Maps a failed Redis call to what callers see; the result never includes a value or a key. */
function toStoreError(operation: string, error: unknown, timeoutMs: number): Error {
  if (error instanceof ErrorReply) {
    if (error.message.includes('WRONGTYPE')) {
      return new TypeError(`${operation}: the key holds another kind of data`);
    }
    if (error.message.includes('not an integer')) {
      return new TypeError(`${operation}: the key holds a value that is not a count`);
    }
    if (error.message.includes('overflow')) return new RangeError('The counter would overflow.');
  }
  let cause: string;
  if (error instanceof CommandTimeoutError) cause = `no answer within ${timeoutMs} ms`;
  else if (error instanceof SyntaxError) cause = 'the stored value is not valid JSON';
  else cause = describeError(error);
  return new StoreUnavailableException({ cause: new Error(`Redis ${operation} failed: ${cause}`) });
}

/**
 * `name: first line of message` of node-redis and socket errors, which carry no stored data.
 * Duck-typed: errors raised by Node's own modules may come from another realm (Jest's VM).
 */
function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name, message } = error as { name?: unknown; message?: unknown };
  const firstLine = typeof message === 'string' ? (message.split('\n', 1)[0] ?? '') : '';
  return `${typeof name === 'string' ? name : 'Error'}: ${firstLine}`;
}

/** The URL with its password replaced by `***`, for messages and logs. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

function resolveOptions(options: RedisSecurityStoreOptions): ResolvedRedisOptions {
  const raw = readObject(options, 'store');
  assertKnownKeys(raw, OPTION_KEYS, 'store');
  const url = readString(raw.url, 'store.url');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new SecurityConfigurationError(
      'store.url',
      'is not a redis:// or rediss:// URL',
      'use the form redis://[[user]:password@]host[:port][/db]',
    );
  }
  const keyPrefix =
    raw.keyPrefix === undefined ? 'rampart:' : readString(raw.keyPrefix, 'store.keyPrefix');
  if (/[{}]/.test(keyPrefix)) {
    throw new SecurityConfigurationError(
      'store.keyPrefix',
      'must not contain "{" or "}"',
      'remove the braces: in Redis Cluster they would put every key on one slot',
    );
  }
  const timeout = (value: unknown, path: string, defaultMs: number): number =>
    value === undefined
      ? defaultMs
      : readNumber(value, path, { integer: true, min: 1, max: 600_000, unit: 'milliseconds' });
  return {
    url,
    keyPrefix,
    connectTimeoutMs: timeout(raw.connectTimeoutMs, 'store.connectTimeoutMs', 5_000),
    commandTimeoutMs: timeout(raw.commandTimeoutMs, 'store.commandTimeoutMs', 1_000),
  };
}
