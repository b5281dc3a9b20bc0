import { csrfTokenMatches, maskCsrfSecret } from '../../hardening/csrf/csrf-token';
import type { SessionData } from './session-data.interface';

/** The keys of {@link SessionData}; any string until the app declares it. */
export type SessionKey = [keyof SessionData] extends [never]
  ? string
  : Extract<keyof SessionData, string>;

/** The value type of a {@link SessionData} key; `unknown` until the app declares it. */
export type SessionValue<K extends string> = K extends keyof SessionData ? SessionData[K] : unknown;
import type { SessionRecord } from './session-record';
import type { SessionRepository } from './session.repository';
import { InvalidSessionException } from '../../errors/invalid-session.exception';

/** A data key: 1 to 100 characters. */
function assertDataKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '' || key.length > 100) {
    throw new TypeError('a session data key must be a string of 1 to 100 characters');
  }
}

/**
 * The session behind a cookie-authenticated request, as `@CurrentSession()` gives it: its public
 * id, its times, its CSRF token and its typed data ({@link SessionData}). `set` and `delete`
 * write one key each, atomically, so concurrent requests changing different keys never overwrite
 * each other.
 *
 * @example
 * @Post('cart')
 * async add(@CurrentSession() session: UserSession, @Body() item: CartItem) {
 *   await session.set('cart', [...(session.get('cart') ?? []), item]);
 * }
 */
export class UserSession {
  private readonly data: Map<string, unknown>;

  /** @internal Made by Rampart for each authenticated request. */
  constructor(
    /** The session's public id: the SHA-256 of the cookie value (as `GET /auth/sessions` lists). */
    readonly id: string,
    private readonly record: SessionRecord,
    private readonly repository: SessionRepository,
  ) {
    this.data = new Map(Object.entries(record.data));
  }

  /** When the user logged in. */
  get createdAt(): Date {
    return new Date(this.record.createdAt);
  }

  /** When the session ends whatever its use (absolute lifetime). */
  get expiresAt(): Date {
    return new Date(this.record.absoluteExpiresAt);
  }

  /** A fresh masked CSRF token of this session, for a form field or the `X-CSRF-Token` header. */
  csrfToken(): string {
    return maskCsrfSecret(this.record.csrfSecret);
  }

  /** Whether `token` is a CSRF token of this session (constant time). */
  acceptsCsrfToken(token: unknown): boolean {
    return csrfTokenMatches(token, this.record.csrfSecret);
  }

  /** The value stored under `key`, as read when the request was authenticated. */
  get<K extends SessionKey>(key: K): SessionValue<K> | undefined {
    assertDataKey(key);
    return this.data.get(key) as SessionValue<K> | undefined;
  }

  /** Stores `value` (JSON) under `key`; other keys are untouched, even by concurrent requests. */
  async set<K extends SessionKey>(key: K, value: SessionValue<K>): Promise<void> {
    assertDataKey(key);
    if (value === undefined) throw new TypeError('use delete() to remove a session data key');
    await this.write(key, value);
    this.data.set(key, value);
  }

  /** Removes `key`. */
  async delete(key: SessionKey): Promise<void> {
    assertDataKey(key);
    await this.write(key, undefined);
    this.data.delete(key);
  }

  private async write(key: string, value: unknown): Promise<void> {
    if (!(await this.repository.updateData(this.id, { [key]: value }))) {
      throw new InvalidSessionException();
    }
  }
}
