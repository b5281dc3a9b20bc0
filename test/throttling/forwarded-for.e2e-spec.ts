import { MATRIX } from '../support/apps';
import { LIMIT, RATE_LIMITED } from './app.module';
import { useThrottlingApp } from './scenario';
import { remainingOf } from './rate-limit-fields';

/**
 * Issue 6: a client can never choose its own throttle key. Without trusted proxies,
 * `X-Forwarded-For` is ignored, so rotating it does not reset the limit. With the test client's
 * address (127.0.0.1) trusted as a proxy, the hop it appended (the rightmost untrusted one) is the
 * client: two clients behind the proxy have their own budgets, and what a client prepends to the
 * header changes nothing. Express and Fastify, memory and Redis.
 */
describe.each(MATRIX)('X-Forwarded-For (%s, %s store)', (adapter, store) => {
  describe('from an untrusted client', () => {
    const client = useThrottlingApp(adapter, store);

    it('does not reset the limit when the header rotates', async () => {
      for (let index = 0; index < LIMIT; index++) {
        await client.get('/open', { forwardedFor: `203.0.113.${index}` }).expect(200);
      }
      for (const spoofed of ['198.51.100.1', '2001:db8::1', '127.0.0.2, 10.0.0.1', 'garbage']) {
        const refused = await client.get('/open', { forwardedFor: spoofed }).expect(429);
        expect(refused.body).toEqual(RATE_LIMITED);
      }
    });
  });

  describe('through a trusted proxy', () => {
    const client = useThrottlingApp(adapter, store, { trustedProxies: ['127.0.0.1'] });
    const open = (forwardedFor: string) => client.get('/open', { forwardedFor });
    const strict = (forwardedFor: string) => client.get('/strict', { forwardedFor });

    it('keys the real client, not the proxy', async () => {
      for (let index = 0; index < LIMIT; index++) {
        await open('203.0.113.7').expect(200);
      }
      await open('203.0.113.7').expect(429);
      // Another client behind the same proxy has its own budget.
      const other = await open('203.0.113.8').expect(200);
      expect(remainingOf(other.headers)).toBe(LIMIT - 1);
    });

    it('ignores what the client prepends to the header', async () => {
      for (let index = 0; index < LIMIT; index++) {
        await strict('198.51.100.20').expect(index < 2 ? 200 : 429);
      }
      // The proxy appended 198.51.100.20; the client wrote the rest.
      for (const forged of [
        '1.2.3.4, 198.51.100.20',
        'garbage, 198.51.100.20',
        '::1, 198.51.100.20',
      ]) {
        await strict(forged).expect(429);
      }
    });

    it('counts a client that sends a malformed hop under the proxy that vouched for it', async () => {
      // The proxy appended 198.51.100.30 after an entry that is not an address: the walk stops
      // there, at the last address the proxy vouched for.
      await strict('not-an-ip, 198.51.100.30').expect(200);
      await strict('198.51.100.30').expect(200);
      await strict('x, 198.51.100.30').expect(429);
    });
  });
});
