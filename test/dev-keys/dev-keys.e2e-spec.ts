import type { INestApplication } from '@nestjs/common';
import { TokenService, type SecurityModuleOptions } from '@rampart/security';
import request from 'supertest';
import { ADAPTERS, startApp, storeOptions } from '../support/apps';
import { JwtBearerScenarioModule } from '../jwt-bearer/app.module';

const jwt = { issuer: 'https://issuer.test', audience: 'api.test' };

/**
 * Outside production, without configured keys, each store generates one development key pair.
 * Two instances on one Redis agree on it (a token from one verifies on the other); two instances
 * with their own memory stores do not.
 */
describe.each(ADAPTERS)('generated development keys (%s)', (adapter) => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const start = async (options: SecurityModuleOptions) => {
    const app = await startApp(JwtBearerScenarioModule.with(options), adapter);
    apps.push(app);
    return app;
  };
  const issue = (app: INestApplication) =>
    app.get(TokenService).issueAccessToken({ id: 'u-1', username: 'alice', roles: ['user'] })
      .accessToken;

  it('are shared by two instances on the same Redis', async () => {
    const store = storeOptions('redis');
    const a = await start({ environment: 'development', jwt, store });
    const b = await start({ environment: 'development', jwt, store });
    const token = issue(a);
    await request(b.getHttpServer())
      .get('/protected')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const jwksA = await request(a.getHttpServer()).get('/public').expect(200);
    expect(jwksA.body).toEqual({ ok: true, user: null });
    expect(b.get(TokenService).jwks()).toEqual(a.get(TokenService).jwks());
  });

  it('differ between two instances with their own memory stores', async () => {
    const a = await start({ environment: 'development', jwt, store: { type: 'memory' } });
    const b = await start({ environment: 'development', jwt, store: { type: 'memory' } });
    const response = await request(b.getHttpServer())
      .get('/protected')
      .set('Authorization', `Bearer ${issue(a)}`);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_TOKEN');
  });

  it('publish only public key material in the JWKS', async () => {
    const app = await start({ environment: 'development', jwt, store: { type: 'memory' } });
    const { keys } = app.get(TokenService).jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: expect.stringMatching(/^dev-/),
    });
    expect(keys[0]).not.toHaveProperty('d');
  });
});
