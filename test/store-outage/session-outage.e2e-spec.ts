import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { SessionOutageModule } from './session-outage.module';
import { until } from '../token-lifecycle/client';

const ALICE = { username: 'alice', password: 'alice-password' };

interface Login {
  readonly cookie: string;
  readonly csrfToken: string;
}

async function login(app: INestApplication): Promise<Login> {
  const response = await request(app.getHttpServer()).post('/auth/login').send(ALICE).expect(200);
  const setCookie = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  const cookie = setCookie[0]?.split(';')[0];
  if (cookie === undefined) throw new Error('no session cookie');
  return { cookie, csrfToken: (response.body as { csrfToken: string }).csrfToken };
}

const me = (app: INestApplication, cookie: string) =>
  request(app.getHttpServer()).get('/me').set('Cookie', cookie);

/**
 * Issue 3, "fail closed": with the store unreachable, routes that need a session answer 503
 * (with a stable code, within a bounded time), public routes keep answering, login answers 503,
 * nothing is treated as authenticated; once Redis is back the app recovers without a restart, and
 * a session logged out during the outage is not alive afterwards. The test stops and freezes its
 * own redis-server, never the shared one.
 */
describe.each(ADAPTERS)('session store outage (%s)', (adapter) => {
  let redis: RedisServerHandle;
  let app: INestApplication;

  beforeEach(async () => {
    redis = await startRedisServer();
    app = await startApp(
      SessionOutageModule.with({
        environment: 'test',
        session: { localCacheTtlMs: 60_000 },
        store: { type: 'redis', url: redis.url, keyPrefix: 'outage:', commandTimeoutMs: 200 },
      }),
      adapter,
    );
  });
  afterEach(async () => {
    await app.close();
    await redis.stop();
  });

  it('answers 503 on protected routes within a bounded time, keeps public ones, and recovers', async () => {
    const alice = await login(app);
    // Cached locally (localCacheTtlMs is a minute here): the outage must still be noticed.
    await me(app, alice.cookie).expect(200);

    await redis.stop();
    const noticedAfterMs = await until(async () => (await me(app, alice.cookie)).status === 503);
    expect(noticedAfterMs).toBeLessThan(3_000);
    const started = Date.now();
    const refused = await me(app, alice.cookie);
    const tookMs = Date.now() - started;
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      statusCode: 503,
      code: 'SECURITY_STORE_UNAVAILABLE',
      message: expect.any(String),
    });
    expect(refused.headers['retry-after']).toBe('1');
    // Bounded: one command timeout (200 ms) plus overhead, never the client's offline queue.
    expect(tookMs).toBeLessThan(1_500);
    // Login answers 503, never 200.
    await request(app.getHttpServer()).post('/auth/login').send(ALICE).expect(503);
    // Public routes keep answering, with or without the cookie; nothing is authenticated.
    await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
    await request(app.getHttpServer())
      .get('/whoami')
      .set('Cookie', alice.cookie)
      .expect(200, { user: null });
    await request(app.getHttpServer()).get('/me').expect(401);

    // Redis comes back (empty, on the same port): the app recovers without a restart.
    redis = await startRedisServer({ port: redis.port });
    await until(
      async () =>
        (await request(app.getHttpServer()).post('/auth/login').send(ALICE)).status === 200,
      15_000,
    );
    const again = await login(app);
    await me(app, again.cookie).expect(200);
    // The session lost with the store does not come back.
    await me(app, alice.cookie).expect(401);
  });

  it('keeps a logout made during the outage: the session is dead once the store is back', async () => {
    const loggedOut = await login(app);
    const other = await login(app);
    await me(app, loggedOut.cookie).expect(200);

    // Frozen, not killed: the data survives, so only the kept logout can end the session.
    redis.pause();
    try {
      await until(async () => (await me(app, other.cookie)).status === 503);
      const logout = await request(app.getHttpServer())
        .post('/auth/logout')
        .set('Cookie', loggedOut.cookie)
        .set('X-CSRF-Token', loggedOut.csrfToken);
      expect(logout.status).toBe(503);
      expect(logout.body.code).toBe('SECURITY_STORE_UNAVAILABLE');
      // The browser is told to drop the cookie at once.
      expect(String(logout.headers['set-cookie'])).toMatch(/^__Host-rampart-session=;.*Max-Age=0/);
      // This instance refuses the session right away, outage or not.
      await me(app, loggedOut.cookie).expect(401);
    } finally {
      redis.resume();
    }

    await until(async () => (await me(app, other.cookie)).status === 200, 15_000);
    await me(app, loggedOut.cookie).expect(401);
    // And it is gone from the store itself, not only refused by this instance.
    const sessions = await request(app.getHttpServer())
      .get('/auth/sessions')
      .set('Cookie', other.cookie)
      .expect(200);
    expect(sessions.body).toHaveLength(1);
  });
});
