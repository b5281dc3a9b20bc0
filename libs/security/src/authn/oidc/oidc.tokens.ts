/** Injection token of the configured {@link OidcClient}s (discovered at start-up; `[]` when OIDC is off). */
export const OIDC_CLIENTS = Symbol('OIDC_CLIENTS');
