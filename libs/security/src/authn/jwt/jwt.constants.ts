/** `typ` header of Rampart access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Header `typ` values accepted as access tokens, compared case-insensitively. */
export const ACCEPTED_ACCESS_TOKEN_TYPES: readonly string[] = ['at+jwt', 'application/at+jwt'];

/** Store key under which instances sharing a store agree on a generated development key. */
export const DEV_SIGNING_KEY_STORE_KEY = 'jwt:dev-signing-key';

/** Lifetime of a generated development key in the store, in milliseconds (30 days). */
export const DEV_SIGNING_KEY_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Most verified bearer tokens each instance remembers, so that a token seen again skips the
 * signature check (never the expiry, revocation or certificate-binding checks). The oldest entry
 * goes first when full.
 */
export const VERIFIED_TOKEN_CACHE_MAX_ENTRIES = 10_000;
