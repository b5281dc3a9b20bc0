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
 * A bounded map from a compact JWS to its {@link VerifiedToken}: only tokens whose verification and
 * checks all succeeded go in, and an entry is dropped as soon as using it fails (expired,
 * revoked, key gone). When full, the oldest entry is dropped. Nothing here decides whether a token
 * is accepted: the caller re-runs every time-dependent and state-dependent check on each use.
 *
 * @example
 * const cache = new VerifiedTokenCache<JwtStrategy>(10_000);
 * cache.remember(token, strategy, verified);
 * cache.get(token)?.verified.claims.sub;
 */
export class VerifiedTokenCache<TOwner> {
  private readonly entries = new Map<
    string,
    { readonly owner: TOwner; readonly verified: VerifiedToken }
  >();

  constructor(private readonly maxEntries: number) {}

  /** How many tokens are remembered. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry of `token`, if remembered. */
  get(token: string): { readonly owner: TOwner; readonly verified: VerifiedToken } | undefined {
    return this.entries.get(token);
  }

  /** Remembers a token that was fully verified by `owner`. */
  remember(token: string, owner: TOwner, verified: VerifiedToken): void {
    if (this.maxEntries <= 0) return;
    if (!this.entries.has(token) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { owner, verified });
  }

  /** Forgets a token (its last use failed). */
  forget(token: string): void {
    this.entries.delete(token);
  }
}
