import type { KeyObject } from 'node:crypto';
import type { VerifiedClaims } from './jwt-verifier-config.interface';

/** What a full verification established about one token, enough to accept it again cheaply. */
export interface VerifiedToken {
  /** `kid` of the header, to ask the key source again on every use. */
  readonly kid: string;
  /** `alg` of the header. */
  readonly alg: string;
  /** The key the signature verified with; the entry is only used while the source still returns it. */
  readonly key: KeyObject;
  /** The claims, frozen: signature, `iss`, `aud`, `typ` and `sub` checked. */
  readonly claims: VerifiedClaims;
}

/**
 * Characters of the token's end (the signature's) that key an entry. A JWT is some 300 to 1,000
 * characters, and V8 hashes the whole of a string used as a `Map` key, on every request, as each
 * request's token is a new string; the signature's last 32 characters (192 bits) are as good a
 * key, at a fraction of the hashing. An entry is only ever returned for the very same token.
 */
const KEY_LENGTH = 32;

/** A remembered token and what its verification established. */
interface Entry<TOwner> {
  /** The whole token: an entry answers for this token only. */
  readonly token: string;
  readonly owner: TOwner;
  readonly verified: VerifiedToken;
}

/**
 * A bounded map from a compact JWS to its {@link VerifiedToken}: only tokens whose verification and
 * checks all succeeded go in, and an entry is dropped as soon as using it fails (expired,
 * revoked, key gone). When full, the oldest entry is dropped. Nothing here decides whether a token
 * is accepted: the caller re-runs every time-dependent and state-dependent check on each use.
 *
 * Entries are keyed by the end of the token (see `KEY_LENGTH`) and hold the whole token, which a
 * lookup compares: another token with the same last characters (a forgery reusing a signature's
 * end, say) finds nothing, and as it fails verification it is never remembered, so it cannot
 * displace the genuine entry either.
 *
 * @example
 * const cache = new VerifiedTokenCache<JwtStrategy>(10_000);
 * cache.remember(token, strategy, verified);
 * cache.get(token)?.verified.claims.sub;
 */
export class VerifiedTokenCache<TOwner> {
  private readonly entries = new Map<string, Entry<TOwner>>();

  constructor(private readonly maxEntries: number) {}

  /** How many tokens are remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry of `token`, if remembered. */
  get(token: string): { readonly owner: TOwner; readonly verified: VerifiedToken } | undefined {
    const entry = this.entries.get(keyOf(token));
    return entry?.token === token ? entry : undefined;
  }

  /** Remembers a token that was fully verified by `owner`. */
  remember(token: string, owner: TOwner, verified: VerifiedToken): void {
    if (this.maxEntries <= 0) return;
    const key = keyOf(token);
    if (!this.entries.has(key) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { token, owner, verified });
  }

  /** Forgets a token (its last use failed); another token's entry stays. */
  forget(token: string): void {
    const key = keyOf(token);
    if (this.entries.get(key)?.token === token) this.entries.delete(key);
  }
}

function keyOf(token: string): string {
  return token.length > KEY_LENGTH ? token.slice(-KEY_LENGTH) : token;
}
