import { RequestSlot } from '../../core/request-slot';
import type { SecurityRequest } from '../../core/security-request.interface';
import type { UserSession } from './user-session';

const sessions = new RequestSlot<UserSession>();

/** Remembers the session that authenticated `request` (for `@CurrentSession()` and CSRF). */
export function attachSession(request: SecurityRequest, session: UserSession): void {
  sessions.set(request, session);
}

/**
 * The session that authenticated `request`, if it was a session cookie.
 *
 * @example
 * const session = sessionOf(request);
 */
export function sessionOf(request: SecurityRequest): UserSession | undefined {
  return sessions.get(request);
}
