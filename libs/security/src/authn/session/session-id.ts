import { hash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url without padding: 43 characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * A new session id: 256 bits from the system CSPRNG, base64url. It only ever travels in the
 * cookie; the store keys sessions by {@link hashSessionId}.
 *
 * @example
 * const id = newSessionId(); // 'Qm9...' (43 characters)
 */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether `value` has the shape of a session id (checked before anything is looked up). */
export function isWellFormedSessionId(value: string): boolean {
  return SESSION_ID.test(value);
}

/**
 * The SHA-256 of a session id, base64url: the session's key in the store and its public handle
 * (`GET /auth/sessions`). A leaked store or handle does not give the cookie value back.
 *
 * @example
 * const handle = hashSessionId(newSessionId());
 */
export function hashSessionId(id: string): string {
  // crypto.hash: one call, about a third of createHash().update().digest(); runs on every request.
  return hash('sha256', id, 'base64url');
}

/** Whether `value` has the shape of a {@link hashSessionId} handle. */
export function isSessionHandle(value: string): boolean {
  return SESSION_ID.test(value);
}
