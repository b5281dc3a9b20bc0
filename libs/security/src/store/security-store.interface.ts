/**
 * The one store behind every piece of Rampart state: sessions, refresh-token families,
 * revocations, throttle counters and CSRF secrets.
 *
 * Every time-to-live in this interface is in **milliseconds** (`ttlMs`), like cache-manager's.
 * Implementations: {@link MemorySecurityStore} (default, one process) and
 * {@link RedisSecurityStore} (many processes sharing one Redis).
 *
 * A store that cannot reach its backend rejects with {@link StoreUnavailableException}; it never
 * answers as if the key were absent, so callers fail closed.
 *
 * @example
 * constructor(@InjectSecurityStore() private readonly store: SecurityStore) {}
 * await this.store.set('session:abc', record, 30 * 60_000);
 */
export interface SecurityStore {
  /** Reads a JSON value; `undefined` when absent or expired. */
  get<T>(key: string): Promise<T | undefined>;
  /** Writes a JSON value that expires after `ttlMs` milliseconds (a positive integer). */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Writes only when the key is absent; `true` when this call wrote it. Atomic. */
  setIfAbsent(key: string, value: unknown, ttlMs: number): Promise<boolean>;
  /** Removes a key; removing an absent key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Adds one to a counter and returns the new count and the milliseconds left before it expires.
   * The first increment creates the counter with `ttlMs`; later ones keep its expiry. Atomic
   * across every client of the same backend.
   */
  increment(key: string, ttlMs: number): Promise<StoreCounter>;
  /** Adds `member` to the set at `key` and (re)sets the set's expiry to `ttlMs`. Atomic. */
  addToSet(key: string, member: string, ttlMs: number): Promise<void>;
  /** Removes `member` from the set at `key`. */
  removeFromSet(key: string, member: string): Promise<void>;
  /** Every member of the set at `key`, in no particular order; `[]` when absent. */
  members(key: string): Promise<string[]>;
  /**
   * Writes a record (named fields, each a JSON value), replacing whatever `key` held, expiring
   * after `ttlMs` milliseconds. Records let concurrent writers change different fields without
   * overwriting each other (see {@link updateRecord}).
   */
  setRecord(key: string, fields: Readonly<Record<string, unknown>>, ttlMs: number): Promise<void>;
  /** Every field of the record at `key`; `undefined` when absent or expired. */
  getRecord(key: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Changes fields of an existing record in one atomic step: writes `set`, removes `remove`, and
   * leaves every other field as it is. With `ttlMs`, the record's expiry is reset to `ttlMs`
   * from now. Resolves `false`, writing nothing, when the record is absent.
   */
  updateRecord(key: string, changes: RecordChanges): Promise<boolean>;
  /** Sends `message` to every subscriber of `channel`, in this process and (Redis) in others. */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `listener` for every message published on `channel` from now on. Resolves once the
   * subscription is active; the returned function ends it.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Resolves when the backend answers; rejects with StoreUnavailableException otherwise. */
  ping(): Promise<void>;
}

/** What {@link SecurityStore.updateRecord} changes. */
export interface RecordChanges {
  /** Fields to write (each a JSON value). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** Fields to remove. */
  readonly remove?: readonly string[];
  /** New time to live, in milliseconds from now; the expiry is kept when omitted. */
  readonly ttlMs?: number;
}

/** What {@link SecurityStore.increment} returns. */
export interface StoreCounter {
  /** The count after this increment (1 for a new counter). */
  readonly count: number;
  /** Milliseconds until the counter expires. */
  readonly ttlMs: number;
}

/** Injection token of the {@link SecurityStore}; inject it with {@link InjectSecurityStore}. */
export const SecurityStore = Symbol('SecurityStore');
