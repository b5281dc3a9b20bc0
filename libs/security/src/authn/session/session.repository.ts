import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { StoreUnavailableException } from '../../errors/store-unavailable.exception';
import { SecurityStore } from '../../store/security-store.interface';
import { FIELD, fromFields, toFields, type SessionRecord } from './session-record';

/** Pub/sub channel on which every instance hears which sessions changed or ended. */
export const SESSION_INVALIDATION_CHANNEL = 'session-invalidations';
/** How often the store's health is checked, and a pending logout retried, in milliseconds. */
const HEARTBEAT_MS = 500;
/** Most records one instance caches. */
const CACHE_MAX_ENTRIES = 10_000;

const recordKey = (handle: string): string => `session:${handle}`;
const indexKey = (userId: string): string => `sessions-of:${userId}`;

interface CachedRecord {
  readonly record: SessionRecord;
  readonly cachedAtMs: number;
}

/**
 * Where sessions live: records in the {@link SecurityStore} (keyed by the SHA-256 handle of the
 * id), a per-user index set, and, when the store is shared (Redis), a small in-process cache in
 * front of it.
 *
 * Every change that ends or alters a session deletes it from this instance's cache at once and
 * publishes its handle on {@link SESSION_INVALIDATION_CHANNEL}, so every other instance drops its
 * copy as soon as the message arrives; `session.localCacheTtlMs` bounds staleness if a message is
 * lost. The cache is only trusted while the store answers: a failed call or heartbeat empties it
 * and bypasses it until the store is back, so an outage gives 503, never a stale yes.
 *
 * A logout that cannot reach the store is remembered here (the session is refused by this
 * instance at once) and retried until the store takes it.
 */
@Injectable()
export class SessionRepository implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('SessionRepository');
  private readonly cache = new Map<string, CachedRecord>();
  private readonly cacheTtlMs: number;
  /** Handles whose deletion the store has not taken yet -> user id, when known. */
  private readonly pendingDeletes = new Map<string, string | undefined>();
  private healthy = true;
  private beating = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly enabled: boolean;

  constructor(
    @Inject(SecurityStore) private readonly store: SecurityStore,
    @Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions,
  ) {
    this.enabled = options.session !== undefined;
    // One process owns the memory store: nothing to cache, nothing to invalidate elsewhere.
    this.cacheTtlMs = options.store.type === 'memory' ? 0 : (options.session?.localCacheTtlMs ?? 0);
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    this.unsubscribe = await this.store.subscribe(SESSION_INVALIDATION_CHANNEL, (handle) => {
      this.cache.delete(handle);
    });
    this.timer = setInterval(() => {
      if (this.beating) return;
      this.beating = true;
      void this.heartbeat().finally(() => {
        this.beating = false;
      });
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.unsubscribe?.().catch(() => undefined);
  }

  /** Whether a logout of this session is still waiting for the store. */
  isPendingDelete(handle: string): boolean {
    return this.pendingDeletes.has(handle);
  }

  /** The session with that handle, or `undefined`; `StoreUnavailableException` when unreachable. */
  async load(handle: string): Promise<SessionRecord | undefined> {
    if (this.pendingDeletes.has(handle)) return undefined;
    const cached = this.cachedRecord(handle);
    if (cached !== undefined) return cached;
    this.cache.delete(handle);
    const fields = await this.call(() => this.store.getRecord(recordKey(handle)));
    const record = fields === undefined ? undefined : fromFields(fields);
    if (record !== undefined && this.cacheTtlMs > 0 && this.healthy) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) {
        const oldest = this.cache.keys().next();
        if (oldest.done !== true) this.cache.delete(oldest.value);
      }
      this.cache.set(handle, { record, cachedAtMs: Date.now() });
    }
    return record;
  }

  /**
   * The record `load()` would answer from this instance's cache, without a promise: the record
   * of a fresh cache entry while the store is healthy, else `undefined`, which means only
   * `load()` can say (not cached, stale, the store unhealthy, or a logout pending).
   */
  cachedRecord(handle: string): SessionRecord | undefined {
    if (!this.healthy || this.pendingDeletes.has(handle)) return undefined;
    const cached = this.cache.get(handle);
    if (cached === undefined || Date.now() - cached.cachedAtMs >= this.cacheTtlMs) return undefined;
    return cached.record;
  }

  /** Stores a new session and adds it to its user's index. */
  async create(
    handle: string,
    record: SessionRecord,
    ttlMs: number,
    indexTtlMs: number,
  ): Promise<void> {
    await this.call(() => this.store.setRecord(recordKey(handle), toFields(record), ttlMs));
    await this.call(() => this.store.addToSet(indexKey(record.user.id), handle, indexTtlMs));
  }

  /** Writes "last seen" and the new expiry; `false` when the session is gone. */
  async touch(handle: string, lastSeenAt: number, ttlMs: number): Promise<boolean> {
    const kept = await this.call(() =>
      this.store.updateRecord(recordKey(handle), { set: { [FIELD.seen]: lastSeenAt }, ttlMs }),
    );
    const cached = this.cache.get(handle);
    if (cached !== undefined) {
      this.cache.set(handle, { ...cached, record: { ...cached.record, lastSeenAt } });
    }
    return kept;
  }

  /**
   * Writes or removes application data fields (`undefined` removes), atomically per field, and
   * tells other instances to re-read. `false` when the session is gone.
   */
  async updateData(handle: string, changes: Readonly<Record<string, unknown>>): Promise<boolean> {
    const set: Record<string, unknown> = {};
    const remove: string[] = [];
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) remove.push(FIELD.dataPrefix + key);
      else set[FIELD.dataPrefix + key] = value;
    }
    this.cache.delete(handle);
    const kept = await this.call(() => this.store.updateRecord(recordKey(handle), { set, remove }));
    await this.publish(handle);
    return kept;
  }

  /**
   * Deletes a session everywhere: the record, its index entry (`userId` is read from the record
   * when not given), this instance's cache, and (by pub/sub) every other instance's. When the store cannot be reached the deletion is kept and
   * retried, this instance refuses the session meanwhile, and the call rejects with 503.
   */
  async delete(handle: string, userId?: string): Promise<void> {
    this.cache.delete(handle);
    try {
      await this.deleteNow(handle, userId);
    } catch (error) {
      if (error instanceof StoreUnavailableException) this.pendingDeletes.set(handle, userId);
      throw error;
    }
  }

  /** Handles in a user's index (some may have ended; {@link load} tells). */
  handlesOf(userId: string): Promise<string[]> {
    return this.call(() => this.store.members(indexKey(userId)));
  }

  /** Drops a handle from a user's index (its record is already gone). */
  forget(handle: string, userId: string): Promise<void> {
    return this.call(() => this.store.removeFromSet(indexKey(userId), handle));
  }

  /**
   * Runs `work` while holding a short store lock on the user's sessions, so that the session
   * limit holds across instances. Waits up to 6 s for the lock (a crashed holder's lock expires
   * after 5 s).
   */
  async withUserLock<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const key = `session-lock:${userId}`;
    const deadline = Date.now() + 6_000;
    while (!(await this.call(() => this.store.setIfAbsent(key, 1, 5_000)))) {
      if (Date.now() > deadline) {
        throw new StoreUnavailableException({ cause: new Error('session lock not acquired') });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    try {
      return await work();
    } finally {
      await this.store.delete(key).catch(() => undefined);
    }
  }

  private async deleteNow(handle: string, knownUserId: string | undefined): Promise<void> {
    let userId = knownUserId;
    if (userId === undefined) {
      const fields = await this.call(() => this.store.getRecord(recordKey(handle)));
      userId = fields === undefined ? undefined : fromFields(fields)?.user.id;
    }
    await this.call(() => this.store.delete(recordKey(handle)));
    this.pendingDeletes.delete(handle);
    if (userId !== undefined) {
      const owner = userId;
      await this.call(() => this.store.removeFromSet(indexKey(owner), handle));
    }
    await this.publish(handle);
  }

  private publish(handle: string): Promise<void> {
    return this.call(() => this.store.publish(SESSION_INVALIDATION_CHANNEL, handle));
  }

  /** Runs a store call; an unreachable store marks this instance unhealthy (cache bypassed). */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof StoreUnavailableException) this.markUnhealthy();
      throw error;
    }
  }

  private markUnhealthy(): void {
    if (this.healthy)
      this.logger.warn('Security store unreachable: sessions answer 503 until it is back.');
    this.healthy = false;
    this.cache.clear();
  }

  /** Checks the store, and retries pending logouts once it answers. */
  private async heartbeat(): Promise<void> {
    try {
      await this.store.ping();
    } catch {
      this.markUnhealthy();
      return;
    }
    if (!this.healthy) {
      // Messages published while this instance could not hear them are lost: start afresh.
      this.cache.clear();
      this.healthy = true;
      this.logger.log('Security store reachable again.');
    }
    for (const [handle, userId] of [...this.pendingDeletes]) {
      try {
        await this.deleteNow(handle, userId);
      } catch {
        return;
      }
    }
  }
}
