import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';
import { es256KeyPair } from '../support/jwt-forge';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { TokenLifecycleModule } from '../token-lifecycle/app.module';
import { client, until } from '../token-lifecycle/client';

const keys = es256KeyPair();
const jwt = {
  issuer: 'https://issuer.test',
  audience: 'api.test',
  keys: [{ kid: 'k1', privateKey: keys.privatePem }],
  revocationSyncIntervalSeconds: 1,
};

/**
 * DESIGN.md: "Store unreachable: requests that need it fail closed with 503 and a clear code;
 * nothing is let in that would have been refused, and the process keeps serving public routes."
 * The test kills its own redis-server (never the shared one) and restarts it on the same port.
 */
describe.each(ADAPTERS)('Redis outage (%s)', (adapter) => {
  let redis: RedisServerHandle;
  let app: INestApplication;

  beforeAll(async () => {
    redis = await startRedisServer();
    app = await startApp(
      TokenLifecycleModule.with({
        environment: 'test',
        jwt,
        store: { type: 'redis', url: redis.url, keyPrefix: 'outage:', commandTimeoutMs: 200 },
      }),
      adapter,
    );
  });
  afterAll(async () => {
    await app.close();
    await redis.stop();
  });

  it('fails closed with 503, keeps public routes up, and recovers without letting old tokens back', async () => {
    const api = client(app);
    const before = await api.login();
    await api.me(before.access_token).expect(200);

    await redis.stop();
    // Bearer requests: 503 once the revocation state can no longer be trusted (3 sync intervals).
    await until(async () => (await api.me(before.access_token)).status === 503);
    const refused = await api.me(before.access_token);
    expect(refused.body).toEqual({
      statusCode: 503,
      code: 'SECURITY_STORE_UNAVAILABLE',
      message: expect.any(String),
    });
    expect(refused.headers['retry-after']).toBe('1');
    // Store-backed endpoints answer 503 too, never 200 and never a hang.
    const login = await request(app.getHttpServer())
      .post('/auth/token')
      .send({ username: 'alice', password: 'alice-password' });
    expect(login.status).toBe(503);
    expect((await api.refresh(before.refresh_token)).status).toBe(503);
    // Public routes keep answering.
    await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
    // Anonymous requests to protected routes are still 401, not let in.
    await request(app.getHttpServer()).get('/me').expect(401);

    // Redis comes back empty on the same port: the app recovers without a restart...
    redis = await startRedisServer({ port: redis.port });
    await until(
      async () =>
        (
          await request(app.getHttpServer())
            .post('/auth/token')
            .send({ username: 'alice', password: 'alice-password' })
        ).status === 200,
      15_000,
    );
    const after = await api.login();
    // Bearer requests are trusted again at the next revocation sync (within one interval).
    await until(async () => (await api.me(after.access_token)).status === 200);
    // ...and the state lost with Redis never brings the old token back.
    await api.me(before.access_token).expect(401);
  });
});
