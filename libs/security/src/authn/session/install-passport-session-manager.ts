import type { AbstractHttpAdapter } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { adapterInstance } from '../../hardening/adapter-instance';
import { passportSessionManager, type PassportSessionManager } from './passport-session-manager';
import type { SessionService } from './session.service';

/** The part of an Express application used here: the prototype of its requests. */
interface ExpressApplication {
  use(...handlers: unknown[]): unknown;
  readonly request?: object;
}

/** The part of a Fastify instance used here. */
interface FastifyApplication {
  decorateRequest(
    name: string,
    accessors: { getter(this: object): unknown; setter(this: object, value: unknown): void },
  ): unknown;
}

/**
 * Where a Fastify request keeps its reply, for its session manager: a symbol-keyed property, not a
 * WeakMap, because the reply refers back to the request, and such WeakMap entries outlived
 * young-generation collections (old-space garbage on every request under load). Fastify's
 * requests share one hidden class, so the new property costs little there.
 */
const RESPONSE = Symbol('rampart.response');

/**
 * Remembers the response of `request` for its passport session manager. The authentication
 * guard calls it (through `SessionAuthenticator.prepare`) on every request.
 *
 * @example
 * rememberResponse(request, response);
 */
export function rememberResponse(request: object, response: unknown): void {
  // Express links them already (`req.res`); a property added to an Express request would cost it
  // a new hidden class (about 5 us, see RequestSlot), so there only the guard's passage is noted.
  if (Reflect.get(request, 'res') === response) {
    passedOnExpress.add(request);
    return;
  }
  (request as Record<symbol, unknown>)[RESPONSE] = response;
}

/** Express requests that reached the guard (their response is `req.res`). */
const passedOnExpress = new WeakSet<object>();

/** The response of a request that reached the guard, or `undefined`. */
function responseOf(request: Record<symbol, unknown>): unknown {
  const kept = request[RESPONSE];
  if (kept !== undefined) return kept;
  return passedOnExpress.has(request) ? Reflect.get(request, 'res') : undefined;
}

/**
 * Gives every request of the application a `_sessionManager` backed by Rampart sessions, which
 * passport's `req.login()` / `req.logout()` call (so an app's own passport strategy starts a
 * Rampart session, without express-session). It is one accessor on the adapter's request
 * prototype (Express `app.request`, Fastify `decorateRequest()`), not a property per request: a
 * per-request accessor gave every request object a shape of its own (about 40 us and old-space
 * garbage per request on Fastify). The assignment that every `passport.authenticate()` makes
 * (`req._sessionManager = passport._sm`, express-session's manager) is ignored.
 *
 * @throws SecurityConfigurationError (`session`) on an adapter other than Express or Fastify.
 * @example
 * installPassportSessionManager(this.adapterHost.httpAdapter, this.sessions);
 */
export function installPassportSessionManager(
  httpAdapter: AbstractHttpAdapter,
  sessions: SessionService,
): void {
  const getter = function (this: Record<symbol, unknown>): PassportSessionManager {
    return passportSessionManager(sessions, responseOf(this));
  };
  const setter = (): void => undefined;
  const type = httpAdapter.getType();
  if (type === 'express') {
    const app = adapterInstance<ExpressApplication>(httpAdapter, 'session', ['use']);
    if (typeof app.request !== 'object') {
      throw new SecurityConfigurationError(
        'session',
        'cannot be installed: the Express application has no request prototype (app.request)',
        'use the stock Express adapter of @nestjs/platform-express',
      );
    }
    Object.defineProperty(app.request, '_sessionManager', {
      configurable: true,
      get: getter,
      set: setter,
    });
    return;
  }
  if (type === 'fastify') {
    adapterInstance<FastifyApplication>(httpAdapter, 'session', [
      'decorateRequest',
    ]).decorateRequest('_sessionManager', { getter, setter });
    return;
  }
  throw new SecurityConfigurationError(
    'session',
    `cannot be installed on the "${type}" HTTP adapter`,
    'use the Express (@nestjs/platform-express) or the Fastify (@nestjs/platform-fastify) adapter',
  );
}
