/** Injection token of the {@link ResolvedSecurityOptions}. */
export const RESOLVED_SECURITY_OPTIONS = Symbol('RESOLVED_SECURITY_OPTIONS');

/** Injection token of the application's {@link UserProvider}. */
export const USER_PROVIDER = Symbol('USER_PROVIDER');

/** Injection token of the ordered list of enabled {@link Authenticator}s. */
export const SECURITY_AUTHENTICATORS = Symbol('SECURITY_AUTHENTICATORS');

/** Injection token of the passport-jwt strategies, one per trusted issuer. */
export const JWT_STRATEGIES = Symbol('JWT_STRATEGIES');
