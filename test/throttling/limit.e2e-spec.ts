import { MATRIX } from '../support/apps';
import { LIMIT, RATE_LIMITED } from './app.module';
import { useThrottlingApp } from './scenario';
import { quotaOf, remainingOf, resetOf } from './rate-limit-fields';

/**
 * Issue 6: the general limit. `limit` requests pass with decreasing `RateLimit-Remaining`; the
 * next is 429 `SECURITY_RATE_LIMITED` with `Retry-After` and the `RateLimit-*` headers, and the
 * handler does not run. Per-route `@Throttle` and `@SkipThrottle` apply; an authenticated client
 * is counted per principal, not per address. Express and Fastify, memory and Redis.
 */
describe.each(MATRIX)('general limit (%s, %s store)', (adapter, store) => {
  const client = useThrottlingApp(adapter, store);

  it('allows the limit with RateLimit headers, then answers 429 with Retry-After', async () => {
    for (let index = 1; index <= LIMIT; index++) {
      const response = await client.get('/open').expect(200);
      expect(remainingOf(response.headers)).toBe(LIMIT - index);
      expect(resetOf(response.headers)).toBeGreaterThanOrEqual(1);
      expect(response.headers['ratelimit-policy']).toBe(`"default";q=${LIMIT};w=60`);
      // The draft-8 form only: two fields.
      expect(response.headers['ratelimit-limit']).toBeUndefined();
      expect(response.headers['ratelimit-remaining']).toBeUndefined();
      expect(response.headers['ratelimit-remaining']).toBeUndefined();
    }
    const refused = await client.get('/open').expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Sliding window: the previous aligned window still counts, so at most two windows.
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
    expect(remainingOf(refused.headers)).toBe(0);
    expect(quotaOf(refused.headers)).toBe(LIMIT);
    expect(refused.headers['cache-control']).toBe('no-store');
    // Still refused: a refused request is not counted, but the window has not moved on.
    await client.get('/open').expect(429);
  });

  it('counts each route apart, honours @Throttle on a route and skips @SkipThrottle routes', async () => {
    await client.get('/strict').expect(200);
    const last = await client.get('/strict').expect(200);
    expect(quotaOf(last.headers)).toBe(2);
    expect(remainingOf(last.headers)).toBe(0);
    await client.get('/strict').expect(429);
    for (let index = 0; index < LIMIT * 3; index++) {
      const response = await client.get('/unlimited').expect(200);
      expect(response.headers.ratelimit).toBeUndefined();
      expect(response.headers['ratelimit-policy']).toBeUndefined();
    }
  });

  it('counts an authenticated client per principal, whatever its address', async () => {
    const alice = await client.accessToken('alice', 'alice-password');
    const admin = await client.accessToken('admin', 'admin-password');
    for (let index = 0; index < LIMIT; index++) {
      await client.get('/whoami', { token: alice }).expect(200);
    }
    await client.get('/whoami', { token: alice }).expect(429);
    // Same address, another principal: a budget of its own.
    const other = await client.get('/whoami', { token: admin }).expect(200);
    expect(remainingOf(other.headers)).toBe(LIMIT - 1);
  });
});

describe.each(MATRIX)('rate-limit header forms (%s, %s store)', (adapter, store) => {
  describe("rateLimitHeaders: 'draft-6'", () => {
    const client = useThrottlingApp(adapter, store, { rateLimitHeaders: 'draft-6' });

    it('sends RateLimit-Limit, -Remaining, -Reset and -Policy, on 200s and the 429', async () => {
      for (let index = 1; index <= LIMIT; index++) {
        const response = await client.get('/open').expect(200);
        expect(response.headers['ratelimit-limit']).toBe(String(LIMIT));
        expect(response.headers['ratelimit-remaining']).toBe(String(LIMIT - index));
        expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
        expect(response.headers['ratelimit-policy']).toBe(`${LIMIT};w=60`);
        expect(response.headers.ratelimit).toBeUndefined();
      }
      const refused = await client.get('/open').expect(429);
      expect(refused.headers['ratelimit-remaining']).toBe('0');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  describe('rateLimitHeaders: false', () => {
    const client = useThrottlingApp(adapter, store, { rateLimitHeaders: false });

    it('sends none, still counts, and still answers 429 with Retry-After', async () => {
      for (let index = 1; index <= LIMIT; index++) {
        const response = await client.get('/open').expect(200);
        expect(
          Object.keys(response.headers).filter((name) => name.startsWith('ratelimit')),
        ).toEqual([]);
      }
      const refused = await client.get('/open').expect(429);
      expect(refused.body).toEqual(RATE_LIMITED);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Object.keys(refused.headers).filter((name) => name.startsWith('ratelimit'))).toEqual(
        [],
      );
    });
  });
});
