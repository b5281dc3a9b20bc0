/**
 * Signature algorithms an ID token or logout token may use (asymmetric only).
 *
 * @example
 * const algorithms: OidcAlgorithm[] = ['RS256'];
 */
export type OidcAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/**
 * One OpenID provider this application logs users in with (authorization code flow with PKCE,
 * a confidential client authenticating with `client_secret_basic`).
 *
 * @example
 * const keycloak: OidcProviderOptions = {
 *   name: 'keycloak',
 *   issuer: 'https://sso.example.com/realms/acme',
 *   clientId: 'acme-web',
 *   clientSecret: process.env.OIDC_CLIENT_SECRET!,
 *   redirectUri: 'https://app.example.com/auth/oidc/callback',
 *   postLogoutRedirectUri: 'https://app.example.com/',
 * };
 */
export interface OidcProviderOptions {
  /**
   * Name of the provider, used to pick it at login (`[a-z0-9-]`, 1 to 32 characters).
   * @default 'default' (required when there are several providers)
   */
  readonly name?: string;
  /**
   * The provider's issuer identifier, exactly as its discovery document and ID tokens spell it.
   * Discovery reads `<issuer>/.well-known/openid-configuration` at start-up. https: is required in
   * production (http: only for localhost). Required.
   */
  readonly issuer: string;
  /** The client id registered at the provider. Required. */
  readonly clientId: string;
  /** The client secret (sent with HTTP Basic to the token endpoint; never logged). Required. */
  readonly clientSecret: string;
  /**
   * Absolute callback URL registered at the provider. Only this value is ever sent: `Host` and
   * `X-Forwarded-Host` never change it. https: in production (http: only for localhost). Required.
   */
  readonly redirectUri: string;
  /**
   * Absolute URL the provider sends the browser to after RP-initiated logout; must be registered
   * at the provider. @default none (the provider shows its own page)
   */
  readonly postLogoutRedirectUri?: string;
  /**
   * Path (starting with one `/`) the callback redirects to after a successful login.
   * @default '/'
   */
  readonly postLoginRedirectPath?: string;
  /** Scopes asked for besides `openid`. @default ['profile', 'email'] */
  readonly scopes?: readonly string[];
  /** Algorithms accepted on ID and logout tokens; symmetric and `none` are refused. @default ['RS256', 'ES256'] */
  readonly algorithms?: readonly OidcAlgorithm[];
  /** Clock skew tolerated on `exp`, `iat` and `nbf`, in seconds (0 to 300). @default 30 */
  readonly clockSkewSeconds?: number;
  /** An ID token issued longer ago than this (`iat`) is refused, in seconds (30 to 3600). @default 600 */
  readonly maxIdTokenAgeSeconds?: number;
  /**
   * Fetch the UserInfo endpoint (when the provider has one) and merge its claims; its `sub` must
   * equal the ID token's. @default true
   */
  readonly fetchUserInfo?: boolean;
  /** Timeout of each call to the provider (discovery, token, UserInfo, JWKS), in milliseconds (100 to 30000). @default 5000 */
  readonly httpTimeoutMs?: number;
}

/**
 * OpenID Connect login (relying party): discovery, PKCE S256, state and nonce kept in the
 * security store and bound to the browser, full ID-token verification, sessions, RP-initiated
 * and back-channel logout. Needs `session` and a user provider with `mapClaims`.
 *
 * @example
 * SecurityModule.forRoot({
 *   session: {},
 *   oidc: {
 *     providers: [
 *       {
 *         issuer: 'https://sso.example.com/realms/acme',
 *         clientId: 'acme-web',
 *         clientSecret: process.env.OIDC_CLIENT_SECRET!,
 *         redirectUri: 'https://app.example.com/auth/oidc/callback',
 *       },
 *     ],
 *   },
 *   userProvider: UsersService,
 * })
 */
export interface OidcOptions {
  /** One or more providers (distinct names and issuers). Required. */
  readonly providers: readonly OidcProviderOptions[];
  /** How long a started login may take before its state expires, in seconds (60 to 3600). @default 600 */
  readonly stateTtlSeconds?: number;
  /**
   * Name of the cookie that binds pending logins to the browser; `__Host-` is prefixed on
   * HTTPS (and whenever the session cookie is Secure). @default 'rampart-oidc'
   */
  readonly cookieName?: string;
}
