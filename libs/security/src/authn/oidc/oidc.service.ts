import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { decodeJwt } from 'jose';
import { SecurityClock } from '../../core/security-clock';
import type { SecurityRequest } from '../../core/security-request.interface';
import { RESOLVED_SECURITY_OPTIONS, USER_PROVIDER } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { InvalidLogoutTokenException } from '../../errors/invalid-logout-token.exception';
import { OidcFailedException } from '../../errors/oidc-failed.exception';
import { OidcProviderUnavailableException } from '../../errors/oidc-provider-unavailable.exception';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { SecurityStore } from '../../store/security-store.interface';
import { sessionOf } from '../session/session-context';
import { appendSetCookie, isHttpsRequest, readSessionCookie } from '../session/session-cookie';
import type { SessionRecord } from '../session/session-record';
import { SessionRepository } from '../session/session.repository';
import { SessionService } from '../session/session.service';
import type { UserProvider } from '../user-provider.interface';
import { OidcTokenRejectedError } from './id-token.verifier';
import type { OidcClient } from './oidc-client';
import { ProviderResponseError, ProviderUnreachableError } from './oidc-http';
import { OidcStateStore, isRandomToken, randomToken, sha256 } from './oidc-state.store';
import { OIDC_CLIENTS } from './oidc.tokens';
import type { ResolvedOidcOptions } from './resolve-oidc-options';

/**
 * Where a route should send the browser: return it from a handler decorated with `@Redirect()`.
 *
 * @example
 * @Get('login') @Redirect()
 * login(@Req() req: SecurityRequest, @Res({ passthrough: true }) res: unknown): Promise<OidcRedirect> {
 *   return this.oidc.login(req, res);
 * }
 */
export interface OidcRedirect {
  /** Absolute (the provider) or a path on this site. */
  readonly url: string;
  readonly statusCode: 302 | 303;
}

const sidKey = (issuer: string, sid: string): string => `oidc-sid:${sha256(issuer)}:${sha256(sid)}`;
const subKey = (issuer: string, sub: string): string => `oidc-sub:${sha256(issuer)}:${sha256(sub)}`;
const jtiKey = (issuer: string, jti: string): string =>
  `oidc-logout-jti:${sha256(issuer)}:${sha256(jti)}`;

function notConfigured(): SecurityConfigurationError {
  return new SecurityConfigurationError(
    'oidc',
    'is not set, but OidcService was used',
    'add `oidc: { providers: [...] }` to the SecurityModule options',
  );
}

/** A query parameter as one string; repeated or absent parameters are `undefined`. */
function queryParam(request: SecurityRequest, name: string): string | undefined {
  const query = (request as { query?: unknown }).query;
  if (typeof query !== 'object' || query === null) return undefined;
  const value = (query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * OpenID Connect login, as route helpers that work alike on Express and Fastify: `login` starts
 * the code flow (PKCE S256, state and nonce in the security store, bound to the browser by a
 * cookie), `callback` finishes it (state consumed once, code redeemed, ID token verified with
 * jose, UserInfo checked, claims mapped by the user provider's `mapClaims`, and a new Rampart
 * session), `logout` ends the session and returns the provider's end-session URL, and
 * `backChannelLogout` verifies a logout token and revokes the sessions it names on every
 * instance. Redirect URIs come from configuration only.
 *
 * @example
 * @Public()
 * @Controller('auth/oidc')
 * export class OidcController {
 *   constructor(private readonly oidc: OidcService) {}
 *
 *   @Get('login')
 *   @Redirect()
 *   login(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
 *     return this.oidc.login(req, res);
 *   }
 *
 *   @Get('callback')
 *   @Redirect()
 *   callback(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
 *     return this.oidc.callback(req, res);
 *   }
 * }
 */
@Injectable()
export class OidcService {
  private readonly logger = new Logger('OidcService');
  private readonly resolved: ResolvedOidcOptions | undefined;
  private readonly allowInsecureHttp: boolean;
  private readonly sessionTtlMs: number;
  private readonly states: OidcStateStore | undefined;

  constructor(
    @Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions,
    @Inject(OIDC_CLIENTS) private readonly clients: readonly OidcClient[],
    @Inject(SecurityStore) private readonly store: SecurityStore,
    private readonly sessions: SessionService,
    private readonly repository: SessionRepository,
    @Inject(SecurityClock) private readonly clock: SecurityClock,
    @Optional() @Inject(USER_PROVIDER) private readonly users?: UserProvider,
  ) {
    this.resolved = options.oidc;
    this.allowInsecureHttp = options.session?.allowInsecureHttp ?? false;
    this.sessionTtlMs = options.session?.absoluteTimeoutMs ?? 0;
    if (options.oidc !== undefined) {
      this.states = new OidcStateStore(store, options.oidc.stateTtlMs);
      if (typeof users?.mapClaims !== 'function') {
        throw new SecurityConfigurationError(
          'userProvider',
          users === undefined
            ? 'is not set, but OpenID Connect login (oidc) needs it'
            : 'has no mapClaims method, but OpenID Connect login (oidc) needs it',
          'pass a userProvider whose mapClaims(claims, issuer) returns the user the identity-provider claims stand for, or undefined to refuse',
        );
      }
    }
  }

  private get options(): ResolvedOidcOptions {
    if (this.resolved === undefined) throw notConfigured();
    return this.resolved;
  }

  /** Names of the configured providers, in configuration order. */
  get providerNames(): readonly string[] {
    return this.clients.map((client) => client.provider.name);
  }

  /**
   * Starts a login with `provider` (default: the first configured): sets the browser-binding
   * cookie and answers with a redirect to the provider's authorization endpoint.
   */
  async login(
    request: SecurityRequest,
    response: unknown,
    provider?: string,
  ): Promise<OidcRedirect> {
    const client = this.client(provider);
    const binding = this.bindingCookie(request) ?? randomToken();
    this.setBindingCookie(request, response, binding);
    const url = await client.authorizationUrl(sha256(binding));
    return { url, statusCode: 302 };
  }

  /**
   * Finishes a login at the redirect URI: refuses a provider error (`?error=`, never echoed) and
   * any bad state, code or token with 401 `SECURITY_OIDC_FAILED`, a provider that does not answer
   * with 502 `SECURITY_OIDC_PROVIDER_UNAVAILABLE`; otherwise maps the claims with the user
   * provider and starts a new session (any session the browser presented is ended first), then
   * redirects to the provider's `postLoginRedirectPath`.
   */
  async callback(request: SecurityRequest, response: unknown): Promise<OidcRedirect> {
    const states = this.stateStore();
    if (queryParam(request, 'error') !== undefined) {
      // The provider's error text is never reflected: one fixed message.
      throw new OidcFailedException();
    }
    const code = queryParam(request, 'code');
    if (code === undefined) throw new OidcFailedException();
    const bindingValue = this.bindingCookie(request);
    const pending = await states.consume(
      queryParam(request, 'state'),
      bindingValue === undefined ? undefined : sha256(bindingValue),
    );
    const client = this.clients.find((candidate) => candidate.provider.name === pending.provider);
    if (client === undefined) throw new OidcFailedException();
    // RFC 9207 (mix-up defence): when the provider names itself in the response, it must be the
    // provider this login was started with.
    const iss = queryParam(request, 'iss');
    if (iss !== undefined && iss !== client.provider.issuer) throw new OidcFailedException();
    let result;
    try {
      result = await client.complete(code, queryParam(request, 'state') ?? '', pending);
    } catch (error) {
      throw this.translate(error, client);
    }
    const mapClaims = this.users?.mapClaims?.bind(this.users);
    const user =
      mapClaims === undefined ? undefined : await mapClaims(result.claims, result.issuer);
    if (user === undefined) throw new OidcFailedException();
    const { sessionId } = await this.sessions.login(request, response, user, {
      via: 'oidc',
      oidc: {
        provider: client.provider.name,
        issuer: result.issuer,
        subject: result.subject,
        sid: result.sid,
        idToken: result.idToken,
      },
    });
    if (result.sid !== undefined) {
      await this.store.addToSet(sidKey(result.issuer, result.sid), sessionId, this.sessionTtlMs);
    }
    await this.store.addToSet(subKey(result.issuer, result.subject), sessionId, this.sessionTtlMs);
    return { url: client.provider.postLoginRedirectPath, statusCode: 303 };
  }

  /**
   * RP-initiated logout: ends the request's session (as `SessionService.logout`) and, when an
   * OpenID Connect login made it and the provider has an `end_session_endpoint`, redirects there
   * with `id_token_hint`, `client_id` and the configured `post_logout_redirect_uri`; otherwise to
   * that URI, or `/`.
   */
  async logout(request: SecurityRequest, response: unknown): Promise<OidcRedirect> {
    this.stateStore();
    const current = sessionOf(request);
    const record: SessionRecord | undefined =
      current === undefined ? undefined : await this.repository.load(current.id);
    await this.sessions.logout(request, response);
    const link = record?.oidc;
    const client =
      link === undefined
        ? undefined
        : this.clients.find((candidate) => candidate.provider.name === link.provider);
    const url =
      client?.endSessionUrl(link?.idToken) ?? client?.provider.postLogoutRedirectUri ?? '/';
    return { url, statusCode: 303 };
  }

  /**
   * Back-channel logout (OpenID Connect Back-Channel Logout 1.0): verifies the `logout_token` of
   * the form body, refuses a replayed `jti` (across instances, through the store), and revokes on
   * every instance the sessions of that provider with the token's `sid` (and `sub`, when both are
   * given), or every session of its `sub`. 400 `SECURITY_OIDC_INVALID_LOGOUT_TOKEN` when the token
   * is missing or invalid. Resolves with how many sessions ended; answer 200 with `Cache-Control:
   * no-store`.
   */
  async backChannelLogout(body: unknown): Promise<number> {
    this.stateStore();
    const token =
      typeof body === 'object' && body !== null
        ? (body as Record<string, unknown>).logout_token
        : undefined;
    if (typeof token !== 'string' || token === '' || token.length > 16_384) {
      throw new InvalidLogoutTokenException();
    }
    const client = this.clientForToken(token);
    let logout;
    try {
      logout = await client.verifyLogoutToken(token);
    } catch (error) {
      if (error instanceof ProviderUnreachableError) {
        throw new OidcProviderUnavailableException({ cause: error });
      }
      this.logger.warn(
        `Back-channel logout refused (${client.provider.name}): ${error instanceof Error ? error.message : 'invalid'}`,
      );
      throw new InvalidLogoutTokenException({ cause: error });
    }
    const skewMs = client.provider.clockSkewSeconds * 1000;
    const ttlMs = Math.max(60_000, logout.expiresAt * 1000 + skewMs - this.clock.now());
    if (!(await this.store.setIfAbsent(jtiKey(logout.iss, logout.jti), 1, ttlMs))) {
      this.logger.warn(`Back-channel logout refused (${client.provider.name}): jti replayed`);
      throw new InvalidLogoutTokenException();
    }
    const { sid, sub, iss } = logout;
    const key = sid === undefined ? subKey(iss, sub ?? '') : sidKey(iss, sid);
    try {
      const handles = await this.store.members(key);
      const ended = await this.sessions.revokeWhere(handles, (record) => {
        const link = record.oidc;
        if (link?.issuer !== iss) return false;
        if (sub !== undefined && link.subject !== sub) return false;
        return sid === undefined || link.sid === sid;
      });
      await this.store.delete(key);
      return ended;
    } catch (error) {
      // Not done (store unreachable): free the jti so that the provider's retry is accepted.
      await this.store.delete(jtiKey(logout.iss, logout.jti)).catch(() => undefined);
      throw error;
    }
  }

  /** The state store; using OidcService while `oidc` is off is a configuration error. */
  private stateStore(): OidcStateStore {
    if (this.states === undefined) throw notConfigured();
    return this.states;
  }

  private client(name: string | undefined): OidcClient {
    this.stateStore();
    const client =
      name === undefined
        ? this.clients[0]
        : this.clients.find((candidate) => candidate.provider.name === name);
    if (client === undefined) throw new OidcFailedException();
    return client;
  }

  /**
   * The provider a logout token is for: the only one, or the one whose issuer the (not yet
   * verified) `iss` names. Nothing else is read before verification, which uses that provider's
   * keys and requires that exact `iss`.
   */
  private clientForToken(token: string): OidcClient {
    if (this.clients.length === 1 && this.clients[0] !== undefined) return this.clients[0];
    let issuer: unknown;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new InvalidLogoutTokenException();
    }
    const client = this.clients.find((candidate) => candidate.provider.issuer === issuer);
    if (client === undefined) throw new InvalidLogoutTokenException();
    return client;
  }

  private translate(error: unknown, client: OidcClient): unknown {
    if (error instanceof ProviderUnreachableError) {
      this.logger.warn(`OIDC provider ${client.provider.name}: ${error.message}`);
      return new OidcProviderUnavailableException({ cause: error });
    }
    if (error instanceof OidcTokenRejectedError || error instanceof ProviderResponseError) {
      this.logger.warn(`OIDC login refused (${client.provider.name}): ${error.message}`);
      return new OidcFailedException({ cause: error });
    }
    return error;
  }

  private cookieName(request: SecurityRequest): string {
    return this.allowInsecureHttp && !isHttpsRequest(request)
      ? this.options.cookieName
      : this.options.secureCookieName;
  }

  /** The browser-binding cookie's value, when well-formed and unambiguous. */
  private bindingCookie(request: SecurityRequest): string | undefined {
    const cookie = readSessionCookie(request.headers.cookie, this.cookieName(request));
    return cookie.state === 'present' && isRandomToken(cookie.value) ? cookie.value : undefined;
  }

  /**
   * HttpOnly, Path=/, SameSite=Lax (it must come back on the provider's top-level redirect),
   * Secure unless this is the plain-HTTP development name; it lives as long as a state does.
   */
  private setBindingCookie(request: SecurityRequest, response: unknown, value: string): void {
    const name = this.cookieName(request);
    const secure = name === this.options.secureCookieName;
    appendSetCookie(
      response,
      name,
      [
        `${name}=${value}`,
        'Path=/',
        'HttpOnly',
        ...(secure ? ['Secure'] : []),
        'SameSite=Lax',
        `Max-Age=${Math.floor(this.options.stateTtlMs / 1000)}`,
      ].join('; '),
    );
  }
}
