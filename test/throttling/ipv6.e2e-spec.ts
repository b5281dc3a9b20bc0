import { MATRIX } from '../support/apps';
import { useThrottlingApp } from './scenario';

const THROUGH_PROXY = { trustedProxies: ['127.0.0.1'] };

/**
 * Issue 6: an IPv6 subscriber holds a whole /64, so IPv6 clients are counted per /64 by default:
 * rotating the interface identifier does not reset the limit; another /64 has its own budget. The
 * prefix length is configurable. Clients reach the app through a trusted proxy (127.0.0.1), which
 * reports their IPv6 addresses in X-Forwarded-For. Express and Fastify, memory and Redis.
 */
describe.each(MATRIX)('IPv6 grouping (%s, %s store)', (adapter, store) => {
  describe('by /64 (default)', () => {
    const client = useThrottlingApp(adapter, store, THROUGH_PROXY);
    const strict = (forwardedFor: string) => client.get('/strict', { forwardedFor });

    it('counts every address of one /64 together', async () => {
      await strict('2001:db8:1:2::1').expect(200);
      await strict('2001:db8:1:2:aaaa:bbbb:cccc:dddd').expect(200);
      await strict('2001:DB8:1:2::ffff').expect(429);
      await strict('[2001:db8:1:2::9]:4431').expect(429);
      // The neighbouring /64 is another subscriber.
      await strict('2001:db8:1:3::1').expect(200);
    });
  });

  describe('by /128 (ipv6PrefixLength: 128)', () => {
    const client = useThrottlingApp(adapter, store, { ...THROUGH_PROXY, ipv6PrefixLength: 128 });
    const strict = (forwardedFor: string) => client.get('/strict', { forwardedFor });

    it('counts each address apart', async () => {
      await strict('2001:db8:1:2::1').expect(200);
      await strict('2001:db8:1:2::1').expect(200);
      await strict('2001:db8:1:2::1').expect(429);
      await strict('2001:db8:1:2::2').expect(200);
    });
  });
});
