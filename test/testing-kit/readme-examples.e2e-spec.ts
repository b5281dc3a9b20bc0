// The code of README "Testing your app", verbatim (imports merged at the top), so it compiles and runs.
import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import {
  bearer,
  collectSecurityEvents,
  createSecurityTestingApp,
  createSecurityTestingModule,
  mintTokenPair,
  TestClock,
} from '@rampart/security/testing';
import request from 'supertest';
import { AppModule } from './app.module';

describe('my API', () => {
  let app: INestApplication;
  const clock = new TestClock();
  const alice = { id: 'u-alice', roles: ['user'] };
  const refresh = (token: string) =>
    request(app.getHttpServer()).post('/refresh').send({ refresh_token: token });

  beforeAll(async () => {
    app = await createSecurityTestingApp(
      createSecurityTestingModule({ imports: [AppModule] }, { clock }),
    );
  });
  afterAll(() => app.close());

  it('asks for a token', async () => {
    await request(app.getHttpServer()).get('/protected').expect(401);
  });

  it('lets a user in and keeps them out of admin routes', async () => {
    await request(app.getHttpServer()).get('/protected').set(bearer(app, alice)).expect(200);
    await request(app.getHttpServer()).get('/admin').set(bearer(app, alice)).expect(403);
  });

  it('lets an admin in', async () => {
    const admin = bearer(app, { id: 'u-admin', roles: ['admin'] });
    await request(app.getHttpServer()).get('/admin').set(admin).expect(200);
  });

  it('expires an idle refresh token, without sleeping', async () => {
    const pair = await mintTokenPair(app, alice);
    clock.advance(15 * 24 * 3_600_000); // past jwt.refreshTokenIdleTtlSeconds (14 days)
    await refresh(pair.refresh_token).expect(401);
  });

  it('reports refresh-token reuse', async () => {
    const audit = collectSecurityEvents(app);
    const pair = await mintTokenPair(app, alice);
    await refresh(pair.refresh_token).expect(200);
    await refresh(pair.refresh_token).expect(401); // reuse: the whole family is revoked
    audit.stop();
    expect(audit.ofType('refresh_token.reused')).toMatchObject([{ userId: 'u-alice' }]);
  });
});

describe('my API on Fastify', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createSecurityTestingApp(createSecurityTestingModule({ imports: [AppModule] }), {
      httpAdapter: new FastifyAdapter(),
    });
  });
  afterAll(() => app.close());

  it('lets a user in', async () => {
    const alice = bearer(app, { id: 'u-alice', roles: ['user'] });
    await request(app.getHttpServer()).get('/protected').set(alice).expect(200);
  });
});
