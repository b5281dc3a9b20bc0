import type { INestApplication } from '@nestjs/common';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { es256KeyPair, forgeJwt, validClaims } from '../support/jwt-forge';
import { TokenLifecycleModule } from './app.module';
import { client } from './client';

const keys = es256KeyPair();
const jwt = {
  issuer: 'https://issuer.test',
  audience: 'api.test',
  keys: [{ kid: 'k1', privateKey: keys.privatePem }],
};

describe.each(MATRIX)('token types kept apart (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp(
      TokenLifecycleModule.with({ environment: 'test', jwt, store: storeOptions(store) }),
      adapter,
    );
  });
  afterAll(() => app.close());

  it('a refresh token is never accepted as an access token', async () => {
    const pair = await client(app).login();
    const response = await client(app).me(pair.refresh_token);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_TOKEN');
  });

  it('an access token is never accepted by the refresh endpoint', async () => {
    const pair = await client(app).login();
    const response = await client(app).refresh(pair.access_token);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_REFRESH_TOKEN');
  });

  it('an ID token (typ JWT, signed by the same key) is never accepted as an access token', async () => {
    const idToken = forgeJwt(
      { alg: 'ES256', kid: 'k1', typ: 'JWT' },
      validClaims({ iss: jwt.issuer, aud: jwt.audience, sub: 'u-alice', nonce: 'n-1' }),
      { kind: 'es256', key: keys.privateKey },
    );
    await client(app).me(idToken).expect(401);
  });
});
