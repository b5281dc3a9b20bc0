import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { createCache, memoryStore, type MemoryCache } from 'cache-manager';
import { assertKnownKeys, describe, readNumber, readObject } from '../core/option-readers';
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

/** Options of {@link MemorySecurityStore}. */
export interface MemorySecurityStoreOptions {
  /**
   * Most keys held at once (values, counters and sets together). When the store is full, writes
   * of new keys reject with `StoreUnavailableException` instead of evicting an older key: evicting
   * a revocation would let a revoked token back in.
   * @default 100_000
   */
  readonly maxEntries?: number;
  /**
   * The clock, in milliseconds since the epoch, that decides expiry. Tests pass a manual clock.
   * @default () => Date.now()
   */
  readonly now?: () => number;
}

/** A value (JSON text; counters are JSON integers), a set or a record, and when it expires. */
type MemoryEntry =
  | { readonly kind: 'value'; json: string; readonly expiresAtMs: number }
  | { readonly kind: 'set'; readonly members: Set<string>; readonly expiresAtMs: number }
  | { readonly kind: 'record'; readonly fields: Map<string, string>; expiresAtMs: number };

type Listener = (message: string) => void;

const OPTION_KEYS = ['maxEntries', 'now'] as const;

/** Longest delay a Node timer accepts; lru-cache's expiry timer cannot wait longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** How often, at most, a full store scans itself for expired entries. */
const SWEEP_INTERVAL_MS = 1_000;

/**
 * The default {@link SecurityStore}: everything lives in this process, in cache-manager's memory
 * store (lru-cache), so it needs no set-up but cannot be shared by several instances of an app.
 * Use {@link RedisSecurityStore} as soon as you run more than one.
 *
 * Values are stored as JSON text, so a caller never shares an object with the store, and what
 * comes back is what Redis would return. Writes run one at a time, which makes `increment`,
 * `setIfAbsent` and `addToSet` atomic for every caller in the process. Published messages are
 * delivered on a later turn of the event loop, never inside `publish`.
 *
 * @example
 * const store = new MemorySecurityStore({ maxEntries: 10_000 });
 * await store.set('csrf:abc', { secret: 's3' }, 60_000);
 * const { count } = await store.increment('login:alice', 15 * 60_000);
 */
export class MemorySecurityStore implements SecurityStore, OnApplicationShutdown {
  private readonly logger = new Logger(MemorySecurityStore.name);
  private readonly cache: MemoryCache;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly channels = new Map<string, Set<{ readonly listener: Listener }>>();
  /** Tail of the write queue: every write waits for the previous one. */
  private writes: Promise<unknown> = Promise.resolve();
  private lastSweepAtMs = Number.NEGATIVE_INFINITY;
  private full = false;
  private closed = false;

  /**
   * @example
   * new MemorySecurityStore();
   * new MemorySecurityStore({ maxEntries: 1_000, now: () => clock.nowMs });
   */
  constructor(options: MemorySecurityStoreOptions = {}) {
    const raw = readObject(options, 'store');
    assertKnownKeys(raw, OPTION_KEYS, 'store');
    this.maxEntries =
      raw.maxEntries === undefined
        ? 100_000
        : readNumber(raw.maxEntries, 'store.maxEntries', { integer: true, min: 1 });
    if (raw.now !== undefined && typeof raw.now !== 'function') {
      throw new SecurityConfigurationError(
        'store.now',
        `must be a function returning milliseconds since the epoch, got ${describe(raw.now)}`,
        'leave it out to use Date.now()',
      );
    }
    this.now = options.now ?? (() => Date.now());
    // The store copies values itself (as JSON), so lru-cache's deep clone is switched off.
    this.cache = createCache(
      memoryStore({
        max: this.maxEntries,
        ttl: 0,
        ttlAutopurge: true,
        shouldCloneBeforeSet: false,
      }),
    );
  }

  /**
   * Reads a value; `undefined` when absent or expired.
   *
   * @example
   * const session = await store.get<SessionRecord>('session:abc');
   */
  async get<T>(key: string): Promise<T | undefined> {
    assertKey(key);
    const entry = await this.readLive(key);
    if (entry === undefined) return undefined;
    if (entry.kind !== 'value') throw wrongKind('get', `a ${entry.kind}`);
    return JSON.parse(entry.json) as T;
  }

  /**
   * Writes a JSON copy of `value` that expires after `ttlMs` milliseconds.
   *
   * @example
   * await store.set('session:abc', { userId: '42' }, 30 * 60_000);
   */
  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    assertKey(key);
    assertTtlMs(ttlMs);
    const json = toJson(value);
    await this.exclusive(async () => {
      await this.write(key, { kind: 'value', json, expiresAtMs: this.now() + ttlMs }, ttlMs);
    });
  }

  /**
   * Writes `value` only when `key` is absent or expired; `true` when this call wrote it.
   *
   * @example
   * const won = await store.setIfAbsent('refresh-used:jti-1', true, 60_000);
   */
  async setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    assertKey(key);
    assertTtlMs(ttlMs);
    const json = toJson(value);
    return this.exclusive(async () => {
      if ((await this.readLive(key)) !== undefined) return false;
      await this.write(key, { kind: 'value', json, expiresAtMs: this.now() + ttlMs }, ttlMs);
      return true;
    });
  }

  /**
   * Removes a key of any kind; removing an absent key is not an error.
   *
   * @example
   * await store.delete('session:abc');
   */
  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.exclusive(() => this.cache.del(key));
  }

  /**
   * Adds one to the counter at `key`; the first increment sets its expiry to `ttlMs`, later ones
   * keep it.
   *
   * @example
   * const { count, ttlMs } = await store.increment('login:alice', 15 * 60_000);
   */
  async increment(key: string, ttlMs: number): Promise<StoreCounter> {
    assertKey(key);
    assertTtlMs(ttlMs);
    return this.exclusive(async () => {
      const nowMs = this.now();
      const entry = await this.readLive(key);
      if (entry === undefined) {
        await this.write(key, { kind: 'value', json: '1', expiresAtMs: nowMs + ttlMs }, ttlMs);
        return { count: 1, ttlMs };
      }
      if (entry.kind !== 'value') throw wrongKind('increment', `a ${entry.kind}`);
      if (!/^-?\d+$/.test(entry.json)) throw wrongKind('increment', 'a value that is not a count');
      const count = Number(entry.json) + 1;
      if (!Number.isSafeInteger(count)) throw new RangeError('The counter would overflow.');
      // Updated in place: the entry, and so its expiry, stays the one the first increment made.
      entry.json = String(count);
      return { count, ttlMs: entry.expiresAtMs - nowMs };
    });
  }

  /**
   * Adds `member` to the set at `key` and sets the set's expiry to `ttlMs` from now.
   *
   * @example
   * await store.addToSet('sessions-of:42', 'abc', 30 * 24 * 3_600_000);
   */
  async addToSet(key: string, member: string, ttlMs: number): Promise<void> {
    assertKey(key);
    assertMember(member);
    assertTtlMs(ttlMs);
    await this.exclusive(async () => {
      const entry = await this.readLive(key);
      if (entry !== undefined && entry.kind !== 'set')
        throw wrongKind('addToSet', `a ${entry.kind}`);
      const members = new Set(entry?.members);
      members.add(member);
      await this.write(key, { kind: 'set', members, expiresAtMs: this.now() + ttlMs }, ttlMs);
    });
  }

  /**
   * Removes `member` from the set at `key`, keeping the set's expiry; an emptied set is deleted.
   *
   * @example
   * await store.removeFromSet('sessions-of:42', 'abc');
   */
  async removeFromSet(key: string, member: string): Promise<void> {
    assertKey(key);
    assertMember(member);
    await this.exclusive(async () => {
      const entry = await this.readLive(key);
      if (entry === undefined) return;
      if (entry.kind !== 'set') throw wrongKind('removeFromSet', `a ${entry.kind}`);
      entry.members.delete(member);
      if (entry.members.size === 0) await this.cache.del(key);
    });
  }

  /**
   * Every member of the set at `key`; `[]` when absent or expired.
   *
   * @example
   * for (const sessionId of await store.members('sessions-of:42')) await revoke(sessionId);
   */
  async members(key: string): Promise<string[]> {
    assertKey(key);
    const entry = await this.readLive(key);
    if (entry === undefined) return [];
    if (entry.kind !== 'set') throw wrongKind('members', `a ${entry.kind}`);
    return [...entry.members];
  }

  /**
   * Writes a record of JSON fields, replacing whatever `key` held, expiring after `ttlMs`.
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
    await this.exclusive(async () => {
      // Like a Redis hash, a record with no fields is an absent one.
      if (encoded.size === 0) return this.cache.del(key);
      await this.write(
        key,
        { kind: 'record', fields: encoded, expiresAtMs: this.now() + ttlMs },
        ttlMs,
      );
    });
  }

  /**
   * Every field of the record at `key`, as fresh copies; `undefined` when absent or expired.
   *
   * @example
   * const session = await store.getRecord('session:abc');
   */
  async getRecord(key: string): Promise<Record<string, unknown> | undefined> {
    assertKey(key);
    const entry = await this.readLive(key);
    if (entry === undefined) return undefined;
    if (entry.kind !== 'record') throw wrongKind('getRecord', `a ${entry.kind}`);
    const fields: Record<string, unknown> = {};
    for (const [name, json] of entry.fields) fields[name] = JSON.parse(json) as unknown;
    return fields;
  }

  /**
   * Writes and removes fields of an existing record in one step; `false` when it is absent.
   *
   * @example
   * await store.updateRecord('session:abc', { set: { theme: 'dark' }, remove: ['draft'] });
   */
  async updateRecord(key: string, changes: RecordChanges): Promise<boolean> {
    assertKey(key);
    const { set, remove, ttlMs } = encodeRecordChanges(changes);
    return this.exclusive(async () => {
      const entry = await this.readLive(key);
      if (entry === undefined) return false;
      if (entry.kind !== 'record') throw wrongKind('updateRecord', `a ${entry.kind}`);
      for (const [name, json] of set) entry.fields.set(name, json);
      for (const name of remove) entry.fields.delete(name);
      if (entry.fields.size === 0) await this.cache.del(key);
      else if (ttlMs !== undefined) {
        // Rewritten so that lru-cache's own timer follows the new expiry too.
        entry.expiresAtMs = this.now() + ttlMs;
        await this.write(key, entry, ttlMs);
      }
      return true;
    });
  }

  /**
   * Delivers `message` to every subscriber of `channel` in this process, on a later turn of the
   * event loop.
   *
   * @example
   * await store.publish('revocations', 'session:abc');
   */
  async publish(channel: string, message: string): Promise<void> {
    assertChannel(channel);
    if (typeof message !== 'string') throw new TypeError('message must be a string');
    const subscriptions = this.channels.get(channel);
    if (subscriptions === undefined || subscriptions.size === 0) return;
    const recipients = [...subscriptions];
    setImmediate(() => {
      for (const subscription of recipients) {
        // A subscription ended after the publish gets nothing.
        if (this.closed || !subscriptions.has(subscription)) continue;
        try {
          subscription.listener(message);
        } catch (error) {
          this.logger.error(
            `A listener of a security-store channel threw ${errorName(error)}; other listeners still ran.`,
          );
        }
      }
    });
    return Promise.resolve();
  }

  /**
   * Calls `listener` for every message later published on `channel`; resolves with the function
   * that ends this subscription.
   *
   * @example
   * const unsubscribe = await store.subscribe('revocations', (key) => cache.delete(key));
   * await unsubscribe();
   */
  async subscribe(channel: string, listener: Listener): Promise<() => Promise<void>> {
    assertChannel(channel);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    const subscription = { listener };
    let subscriptions = this.channels.get(channel);
    if (subscriptions === undefined) {
      subscriptions = new Set();
      this.channels.set(channel, subscriptions);
    }
    subscriptions.add(subscription);
    const unsubscribe = (): Promise<void> => {
      const current = this.channels.get(channel);
      if (current?.delete(subscription) === true && current.size === 0) {
        this.channels.delete(channel);
      }
      return Promise.resolve();
    };
    return Promise.resolve(unsubscribe);
  }

  /**
   * Always resolves: the memory store is always reachable.
   *
   * @example
   * await store.ping();
   */
  ping(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Drops every key and subscription; messages still in flight are not delivered. Nest calls it
   * on `app.close()`.
   *
   * @example
   * await store.onApplicationShutdown();
   */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.channels.clear();
    await this.exclusive(() => this.cache.reset());
  }

  /** Runs `work` after every write queued before it, so read-modify-write sequences are atomic. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.writes.then(work);
    this.writes = result.catch(() => undefined);
    return result;
  }

  /** The entry at `key` unless it has expired by this store's clock. */
  private async readLive(key: string): Promise<MemoryEntry | undefined> {
    const entry = await this.cache.get<MemoryEntry>(key);
    return entry !== undefined && entry.expiresAtMs > this.now() ? entry : undefined;
  }

  /** Stores `entry`; call only inside {@link exclusive}. A full store refuses new keys. */
  private async write(key: string, entry: MemoryEntry, ttlMs: number): Promise<void> {
    const isNewKey = (await this.cache.get<MemoryEntry>(key)) === undefined;
    if (isNewKey && this.cache.store.size >= this.maxEntries) {
      await this.sweepExpired();
      if (this.cache.store.size >= this.maxEntries) {
        if (!this.full) {
          this.full = true;
          this.logger.error(
            `The memory security store is full (maxEntries: ${this.maxEntries}); new keys are refused until entries expire. Raise store.maxEntries or use RedisSecurityStore.`,
          );
        }
        throw new StoreUnavailableException({
          cause: new Error(`MemorySecurityStore is full (maxEntries: ${this.maxEntries})`),
        });
      }
    }
    this.full = false;
    // lru-cache purges the entry on its own timer, which cannot wait longer than MAX_TIMER_MS;
    // a longer-lived entry is kept without a timer and purged by sweepExpired.
    await this.cache.set(key, entry, ttlMs <= MAX_TIMER_MS ? ttlMs : 0);
  }

  /** Deletes entries expired by this store's clock; at most once per SWEEP_INTERVAL_MS. */
  private async sweepExpired(): Promise<void> {
    const nowMs = this.now();
    if (nowMs - this.lastSweepAtMs < SWEEP_INTERVAL_MS) return;
    this.lastSweepAtMs = nowMs;
    for (const key of await this.cache.store.keys()) {
      const entry = await this.cache.get<MemoryEntry>(key);
      if (entry !== undefined && entry.expiresAtMs <= nowMs) await this.cache.del(key);
    }
  }
}

function wrongKind(operation: string, holds: string): TypeError {
  return new TypeError(`${operation}: the key holds ${holds}`);
}
