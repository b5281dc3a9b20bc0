import { randomUUID } from 'node:crypto';
import type { ThrottlingOptions } from '@rampart/security';
import { collectSecurityEvents, type SecurityEventCollector } from '@rampart/security/testing';
import { ADAPTERS } from '../support/apps';
import { until } from '../token-lifecycle/client';
import { LIMIT } from './app.module';
import { useOwnRedis, useThrottlingApp, type OwnRedis, type ThrottlingClient } from './scenario';
import { quotaOf, remainingOf } from './rate-limit-fields';

/** What every throttle refusal for want of a store answers. */
const STORE_UNAVAILABLE = {
  statusCode: 503,
  code: 'SECURITY_STORE_UNAVAILABLE',
  message: 'The security store is unavailable; try again shortly.',
};

/** The `throttle.store_unavailable` events collected, without their time. */
function outageEvents(audit: SecurityEventCollector): { throttler: string; policy: string }[] {
  return audit
    .ofType('throttle.store_unavailable')
    .map(({ throttler, policy }) => ({ throttler, policy }));
}

/**
 * Starts the scenario app on a redis-server of the block's own, which each test kills (and may
 * start again on the same port). The app closes before its server is stopped.
 */
function useOutageApp(
  adapter: (typeof ADAPTERS)[number],
  throttling: ThrottlingOptions,
  body: (client: ThrottlingClient, redis: OwnRedis) => void,
): void {
  const redis = useOwnRedis();
  describe('on a redis-server of its own', () => {
    body(
      useThrottlingApp(adapter, () => redis.storeOptions(`outage:${randomUUID()}:`, 500), {
        trustedProxies: ['127.0.0.1'],
        ...throttling,
      }),
      redis,
    );
  });
}

/**
 * Issue 6 and DESIGN.md ("Store unreachable"): when Redis cannot count a request, each limit
 * follows its `onStoreUnavailable` policy and a `throttle.store_unavailable` event says so. By
 * default the general limit fails open (an outage must not take the API down) and the credential
 * limits fail closed with 503 (an outage must not hand out unlimited password guesses). Either
 * policy can be turned around. The suite kills its own redis-server (never the shared one) and
 * starts it again on the same port: counting resumes without a restart. Express and Fastify.
 */
describe.each(ADAPTERS)('throttling while Redis is down (%s)', (adapter) => {
  describe('default policies: general limit fail-open, credentials fail-closed', () => {
    useOutageApp(adapter, {}, (client, redis) => {
      it('lets general requests through uncounted, refuses credential attempts with 503, and recovers', async () => {
        const counted = await client.get('/open').expect(200);
        expect(remainingOf(counted.headers)).toBe(LIMIT - 1);
        const audit = collectSecurityEvents(client.app);

        await redis.stop();
        // More than the limit, all let through, none counted (so no RateLimit headers).
        for (let index = 0; index < LIMIT + 2; index++) {
          const response = await client.get('/open').expect(200, { ok: true });
          expect(response.headers.ratelimit).toBeUndefined();
        }
        expect(outageEvents(audit)).toEqual(
          Array.from({ length: LIMIT + 2 }, () => ({ throttler: 'default', policy: 'fail-open' })),
        );

        // A credential attempt, even with the right password, is refused before it is checked.
        const refused = await client.tokenAttempt('alice', 'alice-password').expect(503);
        expect(refused.body).toEqual(STORE_UNAVAILABLE);
        expect(refused.headers['retry-after']).toBe('1');
        expect(refused.headers.ratelimit).toBeUndefined();
        expect(outageEvents(audit).slice(LIMIT + 2)).toEqual([
          { throttler: 'default', policy: 'fail-open' },
          { throttler: 'credentials-ip', policy: 'fail-closed' },
        ]);
        await client.tokenAttempt('nobody', 'wrong').expect(503, STORE_UNAVAILABLE);
        // A route that is not throttled does not notice.
        await client.get('/unlimited').expect(200);
        audit.stop();

        // Redis is back, empty, on the same port: counting resumes from zero.
        await redis.restart();
        await until(async () => quotaOf((await client.get('/open')).headers) === LIMIT, 15_000);
        for (let index = 1; index < LIMIT; index++) await client.get('/open').expect(200);
        await client.get('/open').expect(429);
        await client.tokenAttempt('alice', 'wrong').expect(401);
        await client.tokenAttempt('alice', 'alice-password').expect(200);
      });
    });
  });

  describe('turned around: general limit fail-closed, credentials fail-open', () => {
    const throttling: ThrottlingOptions = {
      throttlers: [
        { name: 'default', limit: LIMIT, windowMs: 60_000, onStoreUnavailable: 'fail-closed' },
      ],
      credentials: { onStoreUnavailable: 'fail-open' },
    };
    useOutageApp(adapter, throttling, (client, redis) => {
      it('refuses every throttled route with 503, credential routes included, and recovers', async () => {
        const audit = collectSecurityEvents(client.app);
        await redis.stop();
        const refused = await client.get('/open').expect(503);
        expect(refused.body).toEqual(STORE_UNAVAILABLE);
        expect(refused.headers['retry-after']).toBe('1');
        // The general limit covers the credential routes too, and refuses first.
        await client.tokenAttempt('alice', 'wrong').expect(503, STORE_UNAVAILABLE);
        expect(outageEvents(audit)).toEqual([
          { throttler: 'default', policy: 'fail-closed' },
          { throttler: 'default', policy: 'fail-closed' },
        ]);
        await client.get('/unlimited').expect(200);
        audit.stop();

        await redis.restart();
        await until(async () => (await client.get('/open')).status === 200, 15_000);
        const counted = await client.get('/open').expect(200);
        expect(remainingOf(counted.headers)).toBe(LIMIT - 2);
      });
    });
  });

  describe('credentials fail-open, no general limit', () => {
    const throttling: ThrottlingOptions = {
      throttlers: [],
      credentials: { onStoreUnavailable: 'fail-open' },
    };
    useOutageApp(adapter, throttling, (client, redis) => {
      it('lets a credential attempt through to the password check, uncounted', async () => {
        const audit = collectSecurityEvents(client.app);
        await redis.stop();
        // The password is checked: a wrong one is 401, as it would be with Redis up...
        const wrong = await client.tokenAttempt('alice', 'wrong').expect(401);
        expect(wrong.body).toMatchObject({ statusCode: 401 });
        expect(wrong.headers.ratelimit).toBeUndefined();
        expect(outageEvents(audit)).toEqual([
          { throttler: 'credentials-ip', policy: 'fail-open' },
          { throttler: 'credentials-account', policy: 'fail-open' },
        ]);
        // ...and the right one gets as far as issuing tokens, which needs the store itself.
        await client.tokenAttempt('alice', 'alice-password').expect(503, STORE_UNAVAILABLE);
        audit.stop();

        await redis.restart();
        await until(
          async () => (await client.tokenAttempt('alice', 'alice-password')).status === 200,
          15_000,
        );
        const counted = await client.tokenAttempt('alice', 'wrong').expect(401);
        expect(counted.headers.ratelimit).toBeDefined();
      });
    });
  });
});
