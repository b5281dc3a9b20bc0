/** How a request proved who it is. */
export type AuthMethod = 'jwt' | 'session' | 'oidc' | 'mtls';

/**
 * The authenticated caller, as `@CurrentUser()` returns it. Applications add fields by module
 * augmentation:
 *
 * @example
 * declare module '@rampart/security' {
 *   interface Principal { tenantId?: string }
 * }
 */
export interface Principal {
  /** Stable user id (the token's `sub`). */
  readonly id: string;
  readonly username: string;
  /** Roles as granted; the hierarchy is applied when checking, not here. */
  readonly roles: readonly string[];
  readonly authMethod: AuthMethod;
  /** The bearer token behind this principal, when it is one of Rampart's own access tokens. */
  readonly token?: AccessTokenInfo;
  /** The session behind this principal, when a session cookie authenticated the request. */
  readonly session?: SessionInfo;
}

/** What Rampart tells of the session a request presented. */
export interface SessionInfo {
  /** The session's public id (SHA-256 of the cookie value), as `GET /auth/sessions` lists it. */
  readonly id: string;
}

/** What Rampart knows of the access token a request presented. */
export interface AccessTokenInfo {
  /** The token's `jti`. */
  readonly id: string;
  /** The refresh-token family it was issued with (`fid`), if any. */
  readonly familyId?: string;
  /** The session it was issued for (`sid`), if any. */
  readonly sessionId?: string;
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
}
