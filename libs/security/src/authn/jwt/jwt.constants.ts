/** `typ` header of Rampart access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Header `typ` values accepted as access tokens, compared case-insensitively. */
export const ACCEPTED_ACCESS_TOKEN_TYPES: readonly string[] = ['at+jwt', 'application/at+jwt'];

/** Store key under which instances sharing a store agree on a generated development key. */
export const DEV_SIGNING_KEY_STORE_KEY = 'jwt:dev-signing-key';

/** Lifetime of a generated development key in the store, in milliseconds (30 days). */
export const DEV_SIGNING_KEY_TTL_MS = 30 * 24 * 60 * 60 * 1000;
