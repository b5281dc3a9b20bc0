import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { Strategy as OpenIDConnectStrategy } from 'passport-openidconnect';
import { OidcFailedException } from '../../errors/oidc-failed.exception';
import { verifyIdToken, verifyLogoutToken, type VerifiedLogoutToken } from './id-token.verifier';
import type { OidcProviderMetadata } from './oidc-discovery';
import { ProviderResponseError, providerJson } from './oidc-http';
import {
  randomToken,
  sha256,
  type OidcStateStore,
  type PendingOidcLogin,
} from './oidc-state.store';
import type { ResolvedOidcProvider } from './resolve-oidc-options';

/** What a completed login yields: the verified claims (UserInfo merged in) and the ID token. */
export interface OidcLoginResult {
  /** ID token claims win over UserInfo claims of the same name. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly issuer: string;
  readonly subject: string;
  readonly sid: string | undefined;
  readonly idToken: string;
}

type Callback<T extends unknown[]> = (error: unknown, ...results: T) => void;

/** The parts of a passport-openidconnect Strategy (0.1.x) that Rampart drives per request. */
interface StrategyInternals {
  _stateStore: {
    store(
      req: unknown,
      ctx: { nonce?: string },
      appState: unknown,
      meta: unknown,
      cb: Callback<[string?]>,
    ): void;
    verify(
      req: unknown,
      state: unknown,
      cb: Callback<[(false | { nonce?: string })?, unknown?]>,
    ): void;
  };
  _oauth2: {
    getOAuthAccessToken(
      code: string,
      params: unknown,
      cb: Callback<[string?, string?, Record<string, unknown>?]>,
    ): void;
    get(url: string, accessToken: string, cb: Callback<[string?, unknown?]>): void;
  };
  _verify: (...args: unknown[]) => void;
  authorizationParams(options: unknown): Record<string, string>;
  authenticate(req: unknown, options?: unknown): void;
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  pass(): void;
  error(error: unknown): void;
}

type Outcome =
  | { readonly type: 'redirect'; readonly url: string }
  | { readonly type: 'success'; readonly user: unknown }
  | { readonly type: 'fail' }
  | { readonly type: 'error'; readonly error: unknown };

/**
 * One configured OpenID provider: its discovered metadata, its JWKS (jose, cached, re-fetched on
 * an unknown `kid`), and a passport-openidconnect Strategy that builds the authorization request
 * and runs the callback. The Strategy is driven per request (`Object.create`, as passport itself
 * does) with `success`/`fail`/`redirect`/`error` bound to a promise, so it needs neither passport
 * middleware nor express-session, and runs alike on Express and Fastify.
 *
 * passport-openidconnect 0.1.x cannot do several things the spec and ASVS ask for, so Rampart
 * does them around it:
 * - PKCE: `authorizationParams` adds `code_challenge` (S256) and Rampart's own 256-bit `nonce`;
 *   the token request is made here (the library's OAuth2 client sends the secret in the body and
 *   has no `code_verifier`), with `client_secret_basic`, the verifier and a timeout.
 * - The ID token's signature: the library only decodes it. It is verified here with jose against
 *   the provider's JWKS, with every claim check, before the library ever sees it.
 * - State: a {@link OidcStateStore} in the security store, bound to the browser, single use.
 * - UserInfo: fetched here with a timeout; its `sub` must equal the ID token's.
 */
export class OidcClient {
  readonly keys: JWTVerifyGetKey;
  private readonly base: OpenIDConnectStrategy;

  constructor(
    readonly provider: ResolvedOidcProvider,
    readonly metadata: OidcProviderMetadata,
    private readonly states: OidcStateStore,
    private readonly now: () => number,
    keys?: JWTVerifyGetKey,
  ) {
    this.keys =
      keys ??
      createRemoteJWKSet(new URL(metadata.jwksUri), {
        timeoutDuration: provider.httpTimeoutMs,
        cooldownDuration: 30_000,
        cacheMaxAge: 600_000,
      });
    const fetchUserInfo = provider.fetchUserInfo && metadata.userinfoEndpoint !== undefined;
    this.base = new OpenIDConnectStrategy(
      {
        issuer: provider.issuer,
        authorizationURL: metadata.authorizationEndpoint,
        tokenURL: metadata.tokenEndpoint,
        userInfoURL: metadata.userinfoEndpoint ?? '',
        // Absolute, from configuration: the library then never resolves it from Host headers.
        callbackURL: provider.redirectUri,
        clientID: provider.clientId,
        clientSecret: provider.clientSecret,
        scope: [...provider.scopes],
        skipUserProfile: !fetchUserInfo,
      },
      () => {
        throw new Error('replaced per request');
      },
    );
  }

  /**
   * Starts a login for the browser whose binding-cookie hash is `binding`: saves a pending login
   * (state, nonce, PKCE verifier) and returns the provider's authorization URL.
   */
  async authorizationUrl(binding: string): Promise<string> {
    const codeVerifier = randomToken();
    const nonce = randomToken();
    const { strategy, outcome } = this.perRequest();
    strategy.authorizationParams = () => ({
      code_challenge: sha256(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
    });
    strategy._stateStore = {
      store: (_req, _ctx, _appState, _meta, cb) => {
        const login: PendingOidcLogin = {
          provider: this.provider.name,
          binding,
          nonce,
          codeVerifier,
          createdAt: this.now(),
        };
        this.states.save(login).then(
          (state) => {
            cb(null, state);
          },
          (error: unknown) => {
            cb(error);
          },
        );
      },
      verify: (_req, _state, cb) => {
        cb(new OidcFailedException());
      },
    };
    strategy.authenticate({ query: {}, headers: {} }, {});
    const result = await outcome;
    if (result.type === 'redirect') return result.url;
    if (result.type === 'error') throw result.error;
    throw new OidcFailedException();
  }

  /**
   * Completes a login whose state the caller has consumed (`pending`): redeems the code with the
   * PKCE verifier, verifies the ID token (nonce of `pending`), and checks UserInfo. Rejects with
   * the first failure seen (`OidcFailedException`, `ProviderUnreachableError`,
   * `OidcTokenRejectedError`, `ProviderResponseError`).
   */
  async complete(
    code: unknown,
    state: string,
    pending: PendingOidcLogin,
  ): Promise<OidcLoginResult> {
    const { strategy, outcome } = this.perRequest();
    let failure: Error | undefined;
    let result:
      (Omit<OidcLoginResult, 'claims'> & { idClaims: Record<string, unknown> }) | undefined;
    const failWith = (error: unknown): unknown => {
      failure ??= error instanceof Error ? error : new OidcFailedException();
      return error;
    };
    // The state was checked and consumed by OidcStateStore (bound to the browser, single use):
    // the library's verify step only receives the nonce of that login.
    strategy._stateStore = {
      store: (_req, _ctx, _appState, _meta, cb) => {
        cb(failWith(new OidcFailedException()));
      },
      verify: (_req, _state, cb) => {
        cb(null, { nonce: pending.nonce });
      },
    };
    const oauth2 = Object.create(strategy._oauth2) as StrategyInternals['_oauth2'];
    oauth2.getOAuthAccessToken = (redeemedCode, _params, cb) => {
      this.redeem(redeemedCode, pending).then(
        (redeemed) => {
          result = redeemed.result;
          cb(null, redeemed.accessToken, undefined, redeemed.params);
        },
        (error: unknown) => {
          cb(failWith(error));
        },
      );
    };
    oauth2.get = (_url, accessToken, cb) => {
      this.userInfo(accessToken).then(
        (json) => {
          cb(null, JSON.stringify(json));
        },
        (error: unknown) => {
          cb(failWith(error));
        },
      );
    };
    strategy._oauth2 = oauth2;
    // Arity 9 (no request): issuer, UserInfo profile, ID-token profile, context, ID token,
    // access token, refresh token, token response, done.
    strategy._verify = function verify(
      _iss: unknown,
      uiProfile: unknown,
      _idProfile: unknown,
      _context: unknown,
      _idToken: unknown,
      _accessToken: unknown,
      _refreshToken: unknown,
      _params: unknown,
      done: unknown,
    ): void {
      const callback = done as (error: unknown, user?: unknown) => void;
      if (result === undefined) {
        callback(failWith(new OidcFailedException()));
        return;
      }
      const userInfo = (uiProfile as { _json?: Record<string, unknown> } | undefined)?._json;
      if (userInfo !== undefined && userInfo.sub !== result.subject) {
        callback(
          failWith(new ProviderResponseError('UserInfo', 'names another sub than the ID token')),
        );
        return;
      }
      callback(null, { ...(userInfo ?? {}), ...result.idClaims });
    };
    strategy.authenticate({ query: { code, state }, headers: {} }, {});
    const settled = await outcome;
    if (failure !== undefined) throw failure;
    if (settled.type === 'error') throw settled.error;
    if (settled.type !== 'success' || result === undefined) throw new OidcFailedException();
    const { idClaims: _idClaims, ...link } = result;
    return { ...link, claims: Object.freeze(settled.user as Record<string, unknown>) };
  }

  /** Verifies a back-channel logout token of this provider (replay is the caller's to check). */
  verifyLogoutToken(token: string): Promise<VerifiedLogoutToken> {
    return verifyLogoutToken(token, this.keys, this.expectations());
  }

  /** The RP-initiated logout URL, or `undefined` when the provider has no `end_session_endpoint`. */
  endSessionUrl(idToken: string | undefined): string | undefined {
    const endpoint = this.metadata.endSessionEndpoint;
    if (endpoint === undefined) return undefined;
    const url = new URL(endpoint);
    if (idToken !== undefined) url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('client_id', this.provider.clientId);
    if (this.provider.postLogoutRedirectUri !== undefined) {
      url.searchParams.set('post_logout_redirect_uri', this.provider.postLogoutRedirectUri);
    }
    return url.href;
  }

  private expectations() {
    return {
      issuer: this.provider.issuer,
      clientId: this.provider.clientId,
      algorithms: this.provider.algorithms,
      clockSkewSeconds: this.provider.clockSkewSeconds,
      maxAgeSeconds: this.provider.maxIdTokenAgeSeconds,
      nowMs: this.now(),
    };
  }

  /** The token request (client_secret_basic, PKCE verifier), then the ID token's verification. */
  private async redeem(
    code: string,
    pending: PendingOidcLogin,
  ): Promise<{
    accessToken: string | undefined;
    params: Record<string, unknown>;
    result: Omit<OidcLoginResult, 'claims'> & { idClaims: Record<string, unknown> };
  }> {
    if (typeof code !== 'string' || code === '' || code.length > 4096) {
      throw new OidcFailedException();
    }
    const { clientId, clientSecret, redirectUri } = this.provider;
    // RFC 6749 §2.3.1: form-urlencode each part before joining them for Basic.
    const basic = Buffer.from(
      `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`,
    ).toString('base64');
    const { status, body } = await providerJson(
      'the token endpoint',
      this.metadata.tokenEndpoint,
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: redirectUri,
          code_verifier: pending.codeVerifier,
        }).toString(),
      },
      this.provider.httpTimeoutMs,
    );
    if (status !== 200 || body === undefined) {
      throw new ProviderResponseError('the token endpoint', `answered HTTP ${status}`);
    }
    const idToken = body.id_token;
    if (typeof idToken !== 'string') {
      throw new ProviderResponseError('the token endpoint', 'sent no ID token');
    }
    const claims = await verifyIdToken(idToken, this.keys, {
      ...this.expectations(),
      nonce: pending.nonce,
    });
    const sid = typeof claims.sid === 'string' && claims.sid !== '' ? claims.sid : undefined;
    return {
      accessToken: typeof body.access_token === 'string' ? body.access_token : undefined,
      params: body,
      result: {
        issuer: claims.iss,
        subject: claims.sub,
        sid,
        idToken,
        idClaims: { ...claims },
      },
    };
  }

  private async userInfo(accessToken: unknown): Promise<Record<string, unknown>> {
    const endpoint = this.metadata.userinfoEndpoint;
    if (endpoint === undefined || typeof accessToken !== 'string') {
      throw new ProviderResponseError('the token endpoint', 'sent no access token for UserInfo');
    }
    const { status, body } = await providerJson(
      'the UserInfo endpoint',
      endpoint,
      { headers: { authorization: `Bearer ${accessToken}` } },
      this.provider.httpTimeoutMs,
    );
    if (status !== 200 || body === undefined) {
      throw new ProviderResponseError('the UserInfo endpoint', `answered HTTP ${status}`);
    }
    return body;
  }

  /** A per-request view of the Strategy whose outcome settles a promise. */
  private perRequest(): { strategy: StrategyInternals; outcome: Promise<Outcome> } {
    const strategy = Object.create(this.base) as StrategyInternals;
    const outcome = new Promise<Outcome>((resolve) => {
      strategy.redirect = (url) => {
        resolve({ type: 'redirect', url });
      };
      strategy.success = (user) => {
        resolve({ type: 'success', user });
      };
      strategy.fail = () => {
        resolve({ type: 'fail' });
      };
      strategy.pass = () => {
        resolve({ type: 'fail' });
      };
      strategy.error = (error) => {
        resolve({ type: 'error', error });
      };
    });
    return { strategy, outcome };
  }
}
