import type { INestApplication } from '@nestjs/common';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { ThrottlingScenarioModule, get } from './app.module';

/**
 * Issue 6: an IPv6 subscriber holds a whole /64, so IPv6 clients are counted per /64 by default:
 * rotating the interface identifier does not reset the limit; another /64 has its own budget. The
 * prefix length is configurable. Clients reach the app through a trusted proxy (127.0.0.1), which
 * reports their IPv6 addresses in X-Forwarded-For. Express and Fastify, memory and Redis.
 */
describe.each(MATRIX)('IPv6 grouping (%s, %s store)', (adapter, store) => {
  describe('by /64 (default)', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startApp(
        ThrottlingScenarioModule.with({ trustedProxies: ['127.0.0.1'] }, storeOptions(store)),
        adapter,
      );
    });
    afterAll(async () => {
      await app.close();
    });

    it('counts every address of one /64 together', async () => {
      await get(app, '/strict', { forwardedFor: '2001:db8:1:2::1' }).expect(200);
      await get(app, '/strict', { forwardedFor: '2001:db8:1:2:aaaa:bbbb:cccc:dddd' }).expect(200);
      await get(app, '/strict', { forwardedFor: '2001:DB8:1:2::ffff' }).expect(429);
      await get(app, '/strict', { forwardedFor: '[2001:db8:1:2::9]:4431' }).expect(429);
      // The neighbouring /64 is another subscriber.
      await get(app, '/strict', { forwardedFor: '2001:db8:1:3::1' }).expect(200);
    });
  });

  describe('by /128 (ipv6PrefixLength: 128)', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startApp(
        ThrottlingScenarioModule.with(
          { trustedProxies: ['127.0.0.1'], ipv6PrefixLength: 128 },
          storeOptions(store),
        ),
        adapter,
      );
    });
    afterAll(async () => {
      await app.close();
    });

    it('counts each address apart', async () => {
      await get(app, '/strict', { forwardedFor: '2001:db8:1:2::1' }).expect(200);
      await get(app, '/strict', { forwardedFor: '2001:db8:1:2::1' }).expect(200);
      await get(app, '/strict', { forwardedFor: '2001:db8:1:2::1' }).expect(429);
      await get(app, '/strict', { forwardedFor: '2001:db8:1:2::2' }).expect(200);
    });
  });
});
