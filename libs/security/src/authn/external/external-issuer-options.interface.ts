/**
 * Signature algorithms accepted from an external identity provider: asymmetric only, because the
 * keys come from a public JWKS. (HMAC would let anyone holding the published key sign tokens;
 * `EdDSA` is not offered because jsonwebtoken 9, the verifier underneath, does not implement it.)
 */
export type ExternalIssuerAlgorithm =
  'RS256' | 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

/**
 * One trusted external issuer of access tokens (resource-server mode): an OpenID Connect / OAuth
 * 2 identity provider (Keycloak, Auth0, Entra ID, Okta, Google...) whose access tokens this API
 * accepts as `Authorization: Bearer` tokens, verified with the public keys it publishes at its
 * JWKS URL. A token is routed to the issuer named by its `iss`; it must then pass every check
 * Rampart applies to its own tokens (signature by a key of this issuer's JWKS chosen by `kid`,
 * algorithm allow-list, `iss`, `aud`, `exp`, `nbf`, `iat`, `typ`, `sub`), and must not be an
 * ID token (see {@link ExternalIssuerOptions.acceptedTypes}).
 *
 * The principal is `{ id: sub, username: <usernameClaim> (else sub), roles: <rolesClaim> (else
 * []), authMethod: 'jwt' }`.
 *
 * @example
 * SecurityModule.forRoot({
 *   externalIssuers: [
 *     {
 *       issuer: 'https://sso.example.com/realms/acme',
 *       jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
 *       audience: 'orders-api',
 *       rolesClaim: 'realm_access.roles',
 *       clientIds: ['acme-web'],
 *     },
 *   ],
 * })
 */
export interface ExternalIssuerOptions {
  /**
   * The issuer identifier, compared exactly (case and trailing slash included) with the token's
   * `iss`, e.g. `'https://sso.example.com/realms/acme'` or `'https://acme.eu.auth0.com/'`. Take it
   * from the `issuer` field of the provider's `/.well-known/openid-configuration`. Must differ
   * from every other external issuer and from `jwt.issuer`. Required.
   */
  readonly issuer: string;
  /**
   * URL of the provider's JSON Web Key Set (the `jwks_uri` of its discovery document). Must be
   * `https:`; plain `http:` is accepted only for a loopback host (`localhost`, `127.0.0.0/8`,
   * `[::1]`) or outside production. No user name or password in the URL. Redirects are not
   * followed: give the final URL. Required.
   */
  readonly jwksUri: string;
  /**
   * The identifier(s) of this API: a token must name at least one of them in `aud`. Never a
   * client id (an ID token's `aud` is the client id of the application the user signed in to).
   * Required.
   */
  readonly audience: string | readonly string[];
  /**
   * Algorithm allow-list; a token whose header `alg` is not listed is refused before any key is
   * looked up. Asymmetric algorithms only: `HS256`/`HS384`/`HS512` and `none` are refused at
   * start-up.
   * @default ['RS256', 'ES256']
   */
  readonly algorithms?: readonly ExternalIssuerAlgorithm[];
  /**
   * Accepted values of the token header `typ`, compared case-insensitively; a token without
   * `typ` is refused. The default admits RFC 9068 access tokens and the plain `JWT` most
   * providers still put on theirs. Because `JWT` is also what ID tokens carry, a token is
   * refused as an ID token, whatever its `typ`, when it:
   * - has a `nonce`, `at_hash` or `c_hash` claim (OpenID Connect puts them in ID tokens only);
   * - has a claim `typ: 'ID'` (Keycloak's marker of ID tokens; its access tokens say `Bearer`);
   * - has an `aud` made only of {@link ExternalIssuerOptions.clientIds}.
   * @default ['at+jwt', 'application/at+jwt', 'jwt']
   */
  readonly acceptedTypes?: readonly string[];
  /**
   * OAuth client ids registered at this provider whose ID tokens must never pass for access
   * tokens: your single-page app, this application's own OIDC login... A token whose `aud`
   * names only client ids is refused, and start-up fails when `audience` contains one.
   * @default [] (ID tokens are then recognised by `nonce`, `at_hash`, `c_hash`, `typ: 'ID'`, and
   * by `audience` not naming their client)
   */
  readonly clientIds?: readonly string[];
  /** Tolerance on `exp`, `nbf` and `iat`, in seconds (integer, 0 to 300). @default 30 */
  readonly clockSkewSeconds?: number;
  /**
   * Claim holding the principal's `username`; falls back to `sub` when the token has no such
   * claim, and refuses the token when the claim is not a non-empty string. A dotted path reads a
   * nested claim (`'ext.login'`); a claim whose own name contains dots (`'https://acme.com/login'`)
   * is found first.
   * @default 'preferred_username'
   */
  readonly usernameClaim?: string;
  /**
   * Claim holding the principal's roles, an array of strings; absent means no roles, anything
   * else refuses the token. A dotted path reads a nested claim: `'realm_access.roles'` for
   * Keycloak realm roles, `'resource_access.orders-api.roles'` for its client roles. A claim
   * whose own name contains dots (Auth0's `'https://acme.com/roles'`) is found first. Roles are
   * taken as granted, then the role hierarchy applies as for any principal.
   * @default 'roles'
   */
  readonly rolesClaim?: string;
  /**
   * How long keys fetched from `jwksUri` are used, in seconds (integer, 1 to 86400, at least
   * `jwksMinRefetchIntervalSeconds`). Past it the JWKS is fetched again on the next token; if
   * that fails, tokens are refused (401) until a fetch succeeds: a key the provider removed stops
   * working within this time.
   * @default 600
   */
  readonly jwksCacheSeconds?: number;
  /**
   * Least time between two fetches of the JWKS, in seconds (integer, 1 to 3600). A token with an
   * unknown `kid` (after a key rotation at the provider) triggers one re-fetch; further unknown
   * `kid`s within this interval are refused without a fetch, and concurrent misses share one
   * request, so a flood of random `kid`s costs at most one fetch per interval.
   * @default 30
   */
  readonly jwksMinRefetchIntervalSeconds?: number;
  /**
   * A JWKS fetch that takes longer (connection, headers and body) fails, in milliseconds
   * (integer, 100 to 60000). Cached keys keep serving while fresh.
   * @default 3000
   */
  readonly jwksTimeoutMs?: number;
}
