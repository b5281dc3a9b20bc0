import type { INestApplication } from '@nestjs/common';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { LIMIT, RATE_LIMITED, ThrottlingScenarioModule, get, tokenAttempt } from './app.module';

/**
 * Issue 6: the general limit. `limit` requests pass with decreasing `RateLimit-Remaining`; the
 * next is 429 `SECURITY_RATE_LIMITED` with `Retry-After` and the `RateLimit-*` headers, and the
 * handler does not run. Per-route `@Throttle` and `@SkipThrottle` apply; an authenticated client
 * is counted per principal, not per address. Express and Fastify, memory and Redis.
 */
describe.each(MATRIX)('general limit (%s, %s store)', (adapter, store) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp(ThrottlingScenarioModule.with({}, storeOptions(store)), adapter);
  });
  afterAll(async () => {
    await app.close();
  });

  it('allows the limit with RateLimit headers, then answers 429 with Retry-After', async () => {
    for (let index = 1; index <= LIMIT; index++) {
      const response = await get(app, '/open').expect(200);
      expect(response.headers['ratelimit-limit']).toBe(String(LIMIT));
      expect(response.headers['ratelimit-remaining']).toBe(String(LIMIT - index));
      expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
      expect(response.headers['ratelimit-policy']).toBe(`${LIMIT};w=60`);
    }
    const refused = await get(app, '/open').expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Sliding window: the previous aligned window still counts, so at most two windows.
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(120);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-limit']).toBe(String(LIMIT));
    expect(refused.headers['cache-control']).toBe('no-store');
    // Still refused: a refused request is not counted, but the window has not moved on.
    await get(app, '/open').expect(429);
  });

  it('counts each route apart, honours @Throttle on a route and skips @SkipThrottle routes', async () => {
    await get(app, '/strict').expect(200);
    const last = await get(app, '/strict').expect(200);
    expect(last.headers['ratelimit-limit']).toBe('2');
    expect(last.headers['ratelimit-remaining']).toBe('0');
    await get(app, '/strict').expect(429);
    for (let index = 0; index < LIMIT * 3; index++) {
      const response = await get(app, '/unlimited').expect(200);
      expect(response.headers['ratelimit-limit']).toBeUndefined();
    }
  });

  it('counts an authenticated client per principal, whatever its address', async () => {
    const { access_token: alice } = (await tokenAttempt(app, 'alice', 'alice-password').expect(200))
      .body as { access_token: string };
    const { access_token: admin } = (await tokenAttempt(app, 'admin', 'admin-password').expect(200))
      .body as { access_token: string };
    for (let index = 0; index < LIMIT; index++) {
      await get(app, '/whoami', { token: alice }).expect(200);
    }
    await get(app, '/whoami', { token: alice }).expect(429);
    // Same address, another principal: a budget of its own.
    const other = await get(app, '/whoami', { token: admin }).expect(200);
    expect(other.headers['ratelimit-remaining']).toBe(String(LIMIT - 1));
  });
});
