import { generateKeyPairSync } from 'node:crypto';
import { VerifiedTokenCache, type VerifiedToken } from './verified-token-cache';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function verifiedToken(sub: string): VerifiedToken {
  return Object.freeze({
    kid: 'k1',
    alg: 'ES256',
    key: publicKey,
    claims: Object.freeze({ sub }) as VerifiedToken['claims'],
  });
}

/** A JWS-shaped string whose signature segment ends with `end`. */
function token(payload: string, end: string): string {
  return `eyJhbGciOiJFUzI1NiJ9.${payload}.${'s'.repeat(54)}${end}`;
}

/** A token whose signature ends with 32 times `character`. */
function tokenEnding(character: string): string {
  return token('YQ', character.repeat(32));
}

/** Remembers each `[token, sub]` in order, as verified by one owner. */
function rememberAll(
  cache: VerifiedTokenCache<string>,
  ...entries: readonly (readonly [token: string, sub: string])[]
): void {
  for (const [remembered, sub] of entries) cache.remember(remembered, 'owner', verifiedToken(sub));
}

/** The `sub` each token's entry answers with; `undefined` where it finds none. */
function subsOf(cache: VerifiedTokenCache<string>, ...tokens: string[]): unknown[] {
  return tokens.map((looked) => cache.get(looked)?.verified.claims.sub);
}

const SHARED_END = 'x'.repeat(32);

describe('VerifiedTokenCache', () => {
  it('returns what was remembered for the same token, and nothing for another', () => {
    const cache = new VerifiedTokenCache<string>(10);
    const a = token('YQ', 'a'.repeat(32));
    cache.remember(a, 'owner', verifiedToken('alice'));

    expect(cache.get(a)).toEqual({ token: a, owner: 'owner', verified: verifiedToken('alice') });
    expect(cache.get(`${a.slice(0, -1)}b`)).toBeUndefined();
    expect(cache.get(token('Yg', 'b'.repeat(32)))).toBeUndefined();
  });

  it('answers only for the whole token when another ends with the same characters', () => {
    const cache = new VerifiedTokenCache<string>(10);
    const genuine = token('eyJzdWIiOiJhbGljZSJ9', SHARED_END);
    const forged = token('eyJzdWIiOiJhZG1pbiJ9', SHARED_END);
    cache.remember(genuine, 'owner', verifiedToken('alice'));

    expect(cache.get(forged)).toBeUndefined();
    // Forgetting the forgery (its verification failed) leaves the genuine entry alone.
    cache.forget(forged);
    expect(cache.get(genuine)?.verified.claims.sub).toBe('alice');
    expect(cache.size).toBe(1);
  });

  it('finds a copy of the token built from other strings (equal text, another string)', () => {
    const cache = new VerifiedTokenCache<string>(10);
    const original = token('YQ', 'c'.repeat(32));
    cache.remember(original, 'owner', verifiedToken('alice'));
    const copy = original.split('.').join('.');

    expect(cache.get(copy)?.verified.claims.sub).toBe('alice');
  });

  it('works for tokens shorter than the key', () => {
    const cache = new VerifiedTokenCache<string>(10);
    cache.remember('a.b.c', 'owner', verifiedToken('alice'));

    expect(cache.get('a.b.c')?.verified.claims.sub).toBe('alice');
    expect(cache.get('a.b.d')).toBeUndefined();
  });

  it('forgets a token', () => {
    const cache = new VerifiedTokenCache<string>(10);
    const a = token('YQ', 'd'.repeat(32));
    cache.remember(a, 'owner', verifiedToken('alice'));
    cache.forget(a);

    expect(cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entry when full, and keeps at most maxEntries', () => {
    const cache = new VerifiedTokenCache<string>(2);
    const [a, b, c] = [tokenEnding('e'), tokenEnding('f'), tokenEnding('g')] as const;
    rememberAll(cache, [a, 'a'], [b, 'b'], [c, 'c']);

    expect(cache.size).toBe(2);
    expect(subsOf(cache, a, b, c)).toEqual([undefined, 'b', 'c']);
  });

  it('re-remembering a token replaces its entry without evicting another', () => {
    const cache = new VerifiedTokenCache<string>(2);
    const [a, b] = [tokenEnding('h'), tokenEnding('i')] as const;
    // The newest again: a full cache that evicted here would drop `a`, the oldest.
    rememberAll(cache, [a, 'a'], [b, 'b'], [b, 'b2']);

    expect(cache.size).toBe(2);
    expect(subsOf(cache, a, b)).toEqual(['a', 'b2']);
  });

  it('remembers nothing with maxEntries 0', () => {
    const cache = new VerifiedTokenCache<string>(0);
    const a = token('YQ', 'j'.repeat(32));
    cache.remember(a, 'owner', verifiedToken('a'));

    expect(cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
