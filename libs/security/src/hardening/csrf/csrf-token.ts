import { randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;
/** mask (32 bytes) + masked secret (32 bytes), base64url: 86 characters. */
const TOKEN = /^[A-Za-z0-9_-]{86}$/;

/**
 * A new per-session CSRF secret (256 random bits, base64url). It stays in the session record;
 * clients only ever see masked tokens made from it.
 *
 * @example
 * const secret = newCsrfSecret();
 */
export function newCsrfSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/**
 * A fresh token for `secret`: a random one-time mask followed by the secret XOR the mask, so
 * that no two responses carry the same bytes (BREACH). Every token of a secret is valid for it.
 *
 * @example
 * const token = maskCsrfSecret(secret); // put it in a form field or the X-CSRF-Token header
 */
export function maskCsrfSecret(secret: string): string {
  const raw = Buffer.from(secret, 'base64url');
  const mask = randomBytes(raw.length);
  const masked = Buffer.alloc(raw.length);
  for (let i = 0; i < raw.length; i += 1) masked[i] = (raw[i] ?? 0) ^ (mask[i] ?? 0);
  return Buffer.concat([mask, masked]).toString('base64url');
}

/**
 * Whether `token` was made from `secret` by {@link maskCsrfSecret}; constant time in the token's
 * content, and `false` for anything malformed.
 *
 * @example
 * if (!csrfTokenMatches(request.headers['x-csrf-token'], secret)) throw new CsrfRejectedException();
 */
export function csrfTokenMatches(token: unknown, secret: string): boolean {
  if (typeof token !== 'string' || !TOKEN.test(token)) return false;
  const bytes = Buffer.from(token, 'base64url');
  const expected = Buffer.from(secret, 'base64url');
  if (bytes.length !== 2 * SECRET_BYTES || expected.length !== SECRET_BYTES) return false;
  const unmasked = Buffer.alloc(SECRET_BYTES);
  for (let i = 0; i < SECRET_BYTES; i += 1) {
    unmasked[i] = (bytes[i] ?? 0) ^ (bytes[i + SECRET_BYTES] ?? 0);
  }
  return timingSafeEqual(unmasked, expected);
}
