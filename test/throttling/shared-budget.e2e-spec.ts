import { randomUUID } from 'node:crypto';
import type { ThrottlingOptions } from '@rampart/security';
import { ADAPTERS } from '../support/apps';
import { LIMIT, RATE_LIMITED } from './app.module';
import { useOwnRedis, useThrottlingApp, type ThrottlingClient } from './scenario';
import { quotaOf, remainingOf } from './rate-limit-fields';

const PER_ACCOUNT = 4;
/** Below the general LIMIT, so that the refusals below are the credential limit's. */
const PER_IP = 3;
const throttling: ThrottlingOptions = {
  trustedProxies: ['127.0.0.1'],
  credentials: {
    perAccount: { limit: PER_ACCOUNT, windowMs: 60_000 },
    perIp: { limit: PER_IP, windowMs: 60_000 },
  },
};

/**
 * Issue 6, scale-out: two instances of the app (two Nest applications of the same module, as two
 * processes behind a load balancer would be) share one Redis, the suite's own redis-server. They
 * count on one budget: requests alternating between them pass `limit` times in total, and the next
 * is refused by either instance. The same holds for the credential limits, per account and per
 * address. Express and Fastify.
 */
describe.each(ADAPTERS)('one budget across two instances (%s)', (adapter) => {
  const redis = useOwnRedis();

  describe('sharing one Redis', () => {
    // Both instances of a test under one prefix; every test a fresh one.
    let keyPrefix = '';
    beforeEach(() => {
      keyPrefix = `shared:${randomUUID()}:`;
    });
    const a = useThrottlingApp(adapter, () => redis.storeOptions(keyPrefix), throttling, {
      perTest: true,
    });
    const b = useThrottlingApp(adapter, () => redis.storeOptions(keyPrefix), throttling, {
      perTest: true,
    });
    /** A then B then A ...: the instance that serves the `index`-th request. */
    const alternate = (index: number): ThrottlingClient => (index % 2 === 0 ? a : b);

    it('lets `limit` requests through in total, then refuses on either instance', async () => {
      for (let index = 1; index <= LIMIT; index++) {
        const response = await alternate(index).get('/open', { forwardedFor: '203.0.113.9' });
        expect(response.status).toBe(200);
        // Each instance sees the count the other one left.
        expect(remainingOf(response.headers)).toBe(LIMIT - index);
      }
      for (const instance of [a, b]) {
        const refused = await instance.get('/open', { forwardedFor: '203.0.113.9' }).expect(429);
        expect(refused.body).toEqual(RATE_LIMITED);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // Another client still has its whole budget, on both.
      const other = await b.get('/open', { forwardedFor: '203.0.113.10' }).expect(200);
      expect(remainingOf(other.headers)).toBe(LIMIT - 1);
      await a.get('/open', { forwardedFor: '203.0.113.10' }).expect(200);
    });

    it('shares the budget of an authenticated principal', async () => {
      const token = await a.accessToken('alice', 'alice-password');
      for (let index = 0; index < LIMIT; index++) {
        await alternate(index).get('/whoami', { token }).expect(200);
      }
      await a.get('/whoami', { token }).expect(429);
      await b.get('/whoami', { token }).expect(429);
    });

    it('shares the per-account credential budget, from any address', async () => {
      for (let index = 0; index < PER_ACCOUNT; index++) {
        await alternate(index).tokenAttempt('alice', 'wrong', `198.51.100.${index}`).expect(401);
      }
      // Spent on A and B together: the right password is refused on both.
      for (const [instance, address] of [
        [a, '198.51.100.50'],
        [b, '198.51.100.51'],
      ] as const) {
        const refused = await instance.tokenAttempt('alice', 'alice-password', address).expect(429);
        expect(refused.body).toEqual(RATE_LIMITED);
        expect(quotaOf(refused.headers, 'credentials-account')).toBe(PER_ACCOUNT);
        expect(remainingOf(refused.headers, 'credentials-account')).toBe(0);
      }
      // Another account is not affected.
      await b.tokenAttempt('admin', 'admin-password', '198.51.100.52').expect(200);
    });

    it('shares the per-address credential budget, across accounts', async () => {
      for (let index = 0; index < PER_IP; index++) {
        await alternate(index).tokenAttempt(`user-${index}`, 'wrong', '192.0.2.77').expect(401);
      }
      // The general limit (5) still has room: it is the credential limit that refuses.
      const refused = await a.tokenAttempt('someone', 'wrong', '192.0.2.77').expect(429);
      expect(quotaOf(refused.headers, 'credentials-ip')).toBe(PER_IP);
      expect(remainingOf(refused.headers, 'credentials-ip')).toBe(0);
      expect(refused.body).toEqual(RATE_LIMITED);
      await b.tokenAttempt('someone-else', 'wrong', '192.0.2.77').expect(429);
      await a.tokenAttempt('someone', 'wrong', '192.0.2.78').expect(401);
    });
  });
});
