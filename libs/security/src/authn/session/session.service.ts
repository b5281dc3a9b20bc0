import { Inject, Injectable, Optional } from '@nestjs/common';
import { SecurityEvents } from '../../audit/security-events';
import type { MaybePromise } from '../../core/maybe-promise';
import type { Principal } from '../../core/principal.interface';
import { SecurityClock } from '../../core/security-clock';
import type { SecurityRequest } from '../../core/security-request.interface';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { CsrfRejectedException } from '../../errors/csrf-rejected.exception';
import { InvalidSessionException } from '../../errors/invalid-session.exception';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { SessionExpiredException } from '../../errors/session-expired.exception';
import { SessionLimitException } from '../../errors/session-limit.exception';
import { SessionNotFoundException } from '../../errors/session-not-found.exception';
import { StoreUnavailableException } from '../../errors/store-unavailable.exception';
import { newCsrfSecret } from '../../hardening/csrf/csrf-token';
import { checkRequestProvenance } from '../../hardening/csrf/request-origin';
import type { SecurityUser } from '../user-provider.interface';
import { attachSession, sessionOf } from './session-context';
import {
  appendSetCookie,
  readSessionCookie,
  serializeSessionCookie,
  sessionCookieName,
} from './session-cookie';
import { hashSessionId, isSessionHandle, isWellFormedSessionId, newSessionId } from './session-id';
import type { ResolvedSessionOptions } from './session-options.interface';
import type { SessionOidcLink, SessionRecord, SessionVia } from './session-record';
import { SessionRepository } from './session.repository';
import { UserSession } from './user-session';

/** What a login gives the client. */
export interface SessionLogin {
  /** The new session's public id (not the cookie value). */
  readonly sessionId: string;
  /** A CSRF token for the new session. */
  readonly csrfToken: string;
}

/** One session as `GET /auth/sessions` lists it. */
export interface SessionSummary {
  /** Public id: the SHA-256 of the cookie value, base64url. */
  readonly id: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601; updated at most every `touchIntervalSeconds`. */
  readonly lastSeenAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Whether this is the session of the request that asked. */
  readonly current: boolean;
}

/** An authenticated session: the principal and the session handle. */
export interface AuthenticatedSession {
  readonly principal: Principal;
  readonly session: UserSession;
}

const USER_AGENT_MAX = 256;

/** The TCP peer address (the client-IP resolver of the throttling options refines it later). */
function peerAddress(request: SecurityRequest): string | undefined {
  const socket =
    (request as { socket?: { remoteAddress?: string } }).socket ??
    (request as { raw?: { socket?: { remoteAddress?: string } } }).raw?.socket;
  return socket?.remoteAddress;
}

function userAgentOf(request: SecurityRequest): string | undefined {
  const value = request.headers['user-agent'];
  return typeof value === 'string' ? value.slice(0, USER_AGENT_MAX) : undefined;
}

/**
 * Server-side sessions: login (always a new id), logout, privilege change (a new id), listing and
 * revoking a user's sessions, and the per-user limit, on top of the {@link SessionRepository}.
 * Idle timeout and absolute lifetime are enforced here, with the {@link SecurityClock}, whatever
 * the store's own expiry does.
 *
 * @example
 * @Public()
 * @Post('login')
 * async login(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
 *   const user = await this.credentials.verify(body);
 *   const { csrfToken } = await this.sessions.login(req, res, user);
 *   return { csrfToken };
 * }
 */
@Injectable()
export class SessionService {
  private readonly resolved: ResolvedSessionOptions | undefined;

  constructor(
    private readonly repository: SessionRepository,
    @Inject(SecurityClock) private readonly clock: SecurityClock,
    @Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions,
    @Optional() private readonly events?: SecurityEvents,
  ) {
    this.resolved = options.session;
  }

  /** The session options; using sessions while they are off is a configuration error. */
  private get options(): ResolvedSessionOptions {
    if (this.resolved === undefined) {
      throw new SecurityConfigurationError(
        'session',
        'is not set, but SessionService was used',
        'add `session: {}` to the SecurityModule options to turn sessions on',
      );
    }
    return this.resolved;
  }

  /**
   * Starts a session for `user` and sets its cookie on `response`. Refuses a cross-site login
   * (login CSRF) with 403; ends any session the request presented (fixation); applies
   * `maxPerUser`. Puts the principal on `request.user`.
   */
  async login(
    request: SecurityRequest,
    response: unknown,
    user: SecurityUser,
    options: {
      readonly via?: SessionVia;
      /**
       * Set by the OpenID Connect callback: the session remembers the provider's `sid`, `sub`
       * and ID token. That request is a cross-site navigation from the provider by design, so the
       * provenance check is replaced by the state bound to the browser, which the caller checked.
       */
      readonly oidc?: SessionOidcLink;
    } = {},
  ): Promise<SessionLogin> {
    if (options.oidc === undefined) this.assertSameOrigin(request);
    await this.endPresentedSession(request);
    const id = newSessionId();
    const handle = hashSessionId(id);
    const now = this.clock.now();
    const record: SessionRecord = {
      user: { id: user.id, username: user.username, roles: [...user.roles] },
      via: options.via ?? 'session',
      createdAt: now,
      absoluteExpiresAt: now + this.options.absoluteTimeoutMs,
      lastSeenAt: now,
      ip: peerAddress(request),
      userAgent: userAgentOf(request),
      csrfSecret: newCsrfSecret(),
      data: {},
      ...(options.oidc === undefined ? {} : { oidc: options.oidc }),
    };
    const create = async (): Promise<void> => {
      await this.makeRoomFor(user.id);
      await this.repository.create(
        handle,
        record,
        this.ttlMs(record, now),
        this.options.absoluteTimeoutMs,
      );
    };
    if (this.options.maxPerUser === undefined) await create();
    else await this.repository.withUserLock(user.id, create);
    this.setCookie(request, response, id);
    const session = new UserSession(handle, record, this.repository);
    attachSession(request, session);
    request.user = this.principalOf(record, handle);
    this.events?.emit({ type: 'session.created', sessionId: handle, userId: user.id });
    return { sessionId: handle, csrfToken: session.csrfToken() };
  }

  /**
   * Ends the session of the request's cookie in the store, on every instance, and clears the
   * cookie; resolves `false` when the request had no session cookie, and rejects with 401 when
   * its cookie names no live session. It works from the cookie
   * itself, so it also runs while the store is unreachable: then the cookie is still cleared, this
   * instance refuses the session at once, the deletion is retried until the store takes it, and
   * the call rejects with 503. A session logged out during an outage is not alive afterwards.
   */
  async logout(request: SecurityRequest, response: unknown): Promise<boolean> {
    const cookie = readSessionCookie(
      request.headers.cookie,
      sessionCookieName(request, this.options),
    );
    this.clearCookie(request, response);
    if (cookie.state !== 'present' || !isWellFormedSessionId(cookie.value)) return false;
    const handle = hashSessionId(cookie.value);
    const authenticated = sessionOf(request)?.id === handle;
    if (!authenticated) {
      // Not authenticated (store down, or a stale cookie): the CSRF guard could not run, the
      // provenance check still does; a cookie of no live session is a 401.
      this.assertSameOrigin(request);
      if (!(await this.isLiveOrUnknown(handle))) throw new InvalidSessionException();
    }
    const userId = authenticated ? request.user?.id : undefined;
    await this.repository.delete(handle, userId);
    this.events?.emit({
      type: 'session.ended',
      sessionId: handle,
      userId: userId ?? '(unknown)',
      reason: 'logout',
    });
    return true;
  }

  /**
   * Privilege change: moves the request's session to a new id (and a new CSRF secret), with
   * `roles` when given, and sets the new cookie. The old id stops working everywhere.
   */
  async rotate(
    request: SecurityRequest,
    response: unknown,
    changes: { readonly roles?: readonly string[] } = {},
  ): Promise<SessionLogin> {
    const current = sessionOf(request);
    if (current === undefined) throw new InvalidSessionException();
    const record = await this.repository.load(current.id);
    if (record === undefined) throw new InvalidSessionException();
    const now = this.clock.now();
    const id = newSessionId();
    const handle = hashSessionId(id);
    const next: SessionRecord = {
      ...record,
      user: { ...record.user, roles: [...(changes.roles ?? record.user.roles)] },
      lastSeenAt: now,
      csrfSecret: newCsrfSecret(),
    };
    await this.repository.create(
      handle,
      next,
      this.ttlMs(next, now),
      this.options.absoluteTimeoutMs,
    );
    await this.repository.delete(current.id, record.user.id);
    this.events?.emit({
      type: 'session.ended',
      sessionId: current.id,
      userId: record.user.id,
      reason: 'rotated',
    });
    this.setCookie(request, response, id);
    const session = new UserSession(handle, next, this.repository);
    attachSession(request, session);
    request.user = this.principalOf(next, handle);
    return { sessionId: handle, csrfToken: session.csrfToken() };
  }

  /** The user's live sessions, oldest first; `currentId` marks the asking one. */
  async list(userId: string, currentId?: string): Promise<SessionSummary[]> {
    const live = await this.liveSessions(userId);
    return live.map(({ handle, record }) => ({
      id: handle,
      createdAt: new Date(record.createdAt).toISOString(),
      lastSeenAt: new Date(record.lastSeenAt).toISOString(),
      ip: record.ip ?? null,
      userAgent: record.userAgent ?? null,
      current: handle === currentId,
    }));
  }

  /** Ends one of the user's sessions; 404 when the user has no session of that id. */
  async revoke(userId: string, sessionId: string): Promise<void> {
    if (typeof sessionId !== 'string' || !isSessionHandle(sessionId)) {
      throw new SessionNotFoundException();
    }
    const record = await this.repository.load(sessionId);
    if (record?.user.id !== userId) throw new SessionNotFoundException();
    await this.repository.delete(sessionId, userId);
    this.events?.emit({ type: 'session.ended', sessionId, userId, reason: 'revoked' });
  }

  /**
   * Ends every session of the user, on every instance (logout everywhere, password change,
   * account disabled). Resolves with how many were ended.
   */
  async revokeUser(userId: string): Promise<number> {
    const handles = await this.repository.handlesOf(userId);
    for (const handle of handles) {
      await this.repository.delete(handle, userId);
      this.events?.emit({ type: 'session.ended', sessionId: handle, userId, reason: 'revoked' });
    }
    return handles.length;
  }

  /**
   * Ends, on every instance, each of these sessions whose record `matches` (back-channel logout
   * ends the sessions an identity provider names). Gone or non-matching handles are skipped.
   * Resolves with how many were ended.
   */
  async revokeWhere(
    handles: readonly string[],
    matches: (record: SessionRecord) => boolean,
  ): Promise<number> {
    let ended = 0;
    for (const handle of handles) {
      if (!isSessionHandle(handle)) continue;
      const record = await this.repository.load(handle);
      if (record === undefined || !matches(record)) continue;
      await this.repository.delete(handle, record.user.id);
      this.events?.emit({
        type: 'session.ended',
        sessionId: handle,
        userId: record.user.id,
        reason: 'revoked',
      });
      ended += 1;
    }
    return ended;
  }

  /** A fresh CSRF token of the request's session; 401 when the request has none. */
  csrfToken(request: SecurityRequest): string {
    const session = sessionOf(request);
    if (session === undefined) throw new InvalidSessionException();
    return session.csrfToken();
  }

  /** Whether the request carries this app's session cookie (valid or not). */
  presentsCookie(request: SecurityRequest): boolean {
    return (
      readSessionCookie(request.headers.cookie, sessionCookieName(request, this.options)).state !==
      'absent'
    );
  }

  /**
   * Authenticates the request's session cookie: a principal, or 401 (clearing the cookie) for an
   * unknown, malformed, ambiguous, revoked or expired session; 503 when the store is unreachable.
   * Writes "last seen" at most every `touchIntervalSeconds`.
   *
   * Answers synchronously (a value, or a thrown exception) when it needs neither the store nor a
   * write: a malformed cookie, or a session this instance has cached (Redis store, see
   * `session.localCacheTtlMs`) that is neither expired nor due for a "last seen" write. Otherwise
   * a promise; `await` handles both.
   */
  authenticate(request: SecurityRequest, response: unknown): MaybePromise<AuthenticatedSession> {
    const cookie = readSessionCookie(
      request.headers.cookie,
      sessionCookieName(request, this.options),
    );
    if (cookie.state !== 'present' || !isWellFormedSessionId(cookie.value)) {
      this.clearCookie(request, response);
      throw new InvalidSessionException();
    }
    const handle = hashSessionId(cookie.value);
    const cached = this.repository.cachedRecord(handle);
    if (cached !== undefined) {
      const now = this.clock.now();
      if (
        this.expiryOf(cached, now) === undefined &&
        now - cached.lastSeenAt < this.options.touchIntervalMs
      ) {
        return this.accept(request, handle, cached);
      }
    }
    return this.authenticateFromStore(request, response, handle);
  }

  /** {@link authenticate} past the cache: loads, ends an expired session, writes "last seen". */
  private async authenticateFromStore(
    request: SecurityRequest,
    response: unknown,
    handle: string,
  ): Promise<AuthenticatedSession> {
    const record = await this.repository.load(handle);
    if (record === undefined) {
      this.clearCookie(request, response);
      throw new InvalidSessionException();
    }
    const now = this.clock.now();
    const expired = this.expiryOf(record, now);
    if (expired !== undefined) {
      this.clearCookie(request, response);
      await this.repository.delete(handle, record.user.id).catch(() => undefined);
      this.events?.emit({
        type: 'session.ended',
        sessionId: handle,
        userId: record.user.id,
        reason: expired,
      });
      throw new SessionExpiredException();
    }
    let current = record;
    if (now - record.lastSeenAt >= this.options.touchIntervalMs) {
      if (!(await this.repository.touch(handle, now, this.ttlMs(record, now)))) {
        this.clearCookie(request, response);
        throw new InvalidSessionException();
      }
      current = { ...record, lastSeenAt: now };
    }
    return this.accept(request, handle, current);
  }

  /** The request is authenticated by this session: attaches it, and gives its principal. */
  private accept(
    request: SecurityRequest,
    handle: string,
    record: SessionRecord,
  ): AuthenticatedSession {
    const session = new UserSession(handle, record, this.repository);
    attachSession(request, session);
    return { principal: this.principalOf(record, handle), session };
  }

  /** Whether the store holds the session, or cannot say (unreachable): `false` only when gone. */
  private async isLiveOrUnknown(handle: string): Promise<boolean> {
    try {
      return (await this.repository.load(handle)) !== undefined;
    } catch (error) {
      if (error instanceof StoreUnavailableException) return true;
      throw error;
    }
  }

  /** Refuses a request a browser says comes from another site (login CSRF and the like). */
  private assertSameOrigin(request: SecurityRequest): void {
    const refusal = checkRequestProvenance(request, this.options.csrf.trustedOrigins);
    if (refusal === undefined) return;
    this.events?.emit({ type: 'csrf.rejected', reason: refusal });
    throw new CsrfRejectedException();
  }

  /** Ends the session a login request presented, whoever it belonged to (session fixation). */
  private async endPresentedSession(request: SecurityRequest): Promise<void> {
    const cookie = readSessionCookie(
      request.headers.cookie,
      sessionCookieName(request, this.options),
    );
    if (cookie.state !== 'present' || !isWellFormedSessionId(cookie.value)) return;
    const handle = hashSessionId(cookie.value);
    const record = await this.repository.load(handle);
    if (record === undefined) return;
    await this.repository.delete(handle, record.user.id);
    this.events?.emit({
      type: 'session.ended',
      sessionId: handle,
      userId: record.user.id,
      reason: 'rotated',
    });
  }

  /** Applies `maxPerUser` before a new session of `userId` is stored (under the user lock). */
  private async makeRoomFor(userId: string): Promise<void> {
    const max = this.options.maxPerUser;
    if (max === undefined) return;
    const live = await this.liveSessions(userId);
    if (live.length < max) return;
    if (this.options.limitPolicy === 'reject-new') throw new SessionLimitException();
    for (const { handle } of live.slice(0, live.length - max + 1)) {
      await this.repository.delete(handle, userId);
      this.events?.emit({ type: 'session.ended', sessionId: handle, userId, reason: 'evicted' });
    }
  }

  /** The user's sessions that are alive now, oldest first; dead index entries are dropped. */
  private async liveSessions(userId: string): Promise<{ handle: string; record: SessionRecord }[]> {
    const now = this.clock.now();
    const live: { handle: string; record: SessionRecord }[] = [];
    for (const handle of await this.repository.handlesOf(userId)) {
      const record = await this.repository.load(handle);
      if (record?.user.id === userId && this.expiryOf(record, now) === undefined) {
        live.push({ handle, record });
      } else {
        if (record !== undefined) await this.repository.delete(handle, userId);
        else await this.repository.forget(handle, userId);
      }
    }
    return live.sort(
      (a, b) => a.record.createdAt - b.record.createdAt || a.handle.localeCompare(b.handle),
    );
  }

  private expiryOf(record: SessionRecord, now: number): 'idle' | 'absolute' | undefined {
    if (now >= record.absoluteExpiresAt) return 'absolute';
    if (now - record.lastSeenAt >= this.options.idleTimeoutMs) return 'idle';
    return undefined;
  }

  /**
   * Store expiry: the idle timeout, never past the absolute end, plus a minute, so that the
   * server (not the store) sees the session expire and can say so (`SECURITY_SESSION_EXPIRED`).
   */
  private ttlMs(record: SessionRecord, now: number): number {
    return (
      Math.max(1, Math.min(this.options.idleTimeoutMs, record.absoluteExpiresAt - now)) + 60_000
    );
  }

  private principalOf(record: SessionRecord, handle: string): Principal {
    return {
      id: record.user.id,
      username: record.user.username,
      roles: record.user.roles,
      authMethod: record.via,
      session: { id: handle },
    };
  }

  private setCookie(request: SecurityRequest, response: unknown, id: string): void {
    const name = sessionCookieName(request, this.options);
    appendSetCookie(response, name, serializeSessionCookie(name, id, this.options));
  }

  private clearCookie(request: SecurityRequest, response: unknown): void {
    const name = sessionCookieName(request, this.options);
    appendSetCookie(response, name, serializeSessionCookie(name, undefined, this.options));
  }
}
