import type { SecurityRequest } from '../../core/security-request.interface';
import type { SecurityUser } from '../user-provider.interface';
import type { SessionService } from './session.service';

type Done = (error?: unknown) => void;

/** What passport's `req.login()` / `req.logout()` call (`req._sessionManager`). */
export interface PassportSessionManager {
  logIn(request: SecurityRequest, user: unknown, options: unknown, done: Done): void;
  logOut(request: SecurityRequest, options: unknown, done: Done): void;
}

/** The user a passport strategy verified, as a {@link SecurityUser}; `undefined` when it is not one. */
function asSecurityUser(user: unknown): SecurityUser | undefined {
  if (typeof user !== 'object' || user === null) return undefined;
  const { id, username, roles } = user as Record<string, unknown>;
  if (typeof id !== 'string' && typeof id !== 'number') return undefined;
  if (typeof username !== 'string') return undefined;
  const roleList = roles ?? [];
  if (!Array.isArray(roleList) || !roleList.every((role) => typeof role === 'string')) {
    return undefined;
  }
  return { id: String(id), username, roles: roleList };
}

const UNREACHED_MESSAGE =
  "req.login()/req.logout() on a request that did not pass Rampart's authentication guard: call them from a route handler or guard, not from middleware.";

/** For a request that never reached Rampart's authentication guard (it has no response to use). */
const UNREACHED: PassportSessionManager = Object.freeze({
  logIn(_request: SecurityRequest, _user: unknown, _options: unknown, done: Done): void {
    done(new Error(UNREACHED_MESSAGE));
  },
  logOut(_request: SecurityRequest, _options: unknown, done: Done): void {
    done(new Error(UNREACHED_MESSAGE));
  },
});

/**
 * A passport session manager backed by Rampart sessions: `req.login(user)` (passport-local's
 * strategy through @nestjs/passport's `AuthGuard`, `super.logIn(request)`) starts a session with
 * a new id and sets the cookie; `req.logout()` ends it. The strategy's user must carry `id`,
 * `username` and `roles` (a {@link SecurityUser}).
 *
 * @example
 * // in an AuthGuard('local') subclass
 * await super.logIn(request); // -> a Rampart session cookie
 */
export function passportSessionManager(
  sessions: SessionService,
  response: unknown,
): PassportSessionManager {
  if (response === undefined) return UNREACHED;
  return {
    logIn(request, user, _options, done) {
      const securityUser = asSecurityUser(user);
      if (securityUser === undefined) {
        done(
          new TypeError(
            'The passport user needs id (string), username (string) and roles (string[]) for a Rampart session; return a SecurityUser from the strategy’s validate().',
          ),
        );
        return;
      }
      sessions.login(request, response, securityUser).then(() => {
        done();
      }, done);
    },
    logOut(request, _options, done) {
      sessions.logout(request, response).then(() => {
        done();
      }, done);
    },
  };
}
