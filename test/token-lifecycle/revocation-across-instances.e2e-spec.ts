import type { INestApplication } from '@nestjs/common';
import { ADAPTERS, startApp, storeOptions } from '../support/apps';
import { es256KeyPair } from '../support/jwt-forge';
import { TokenLifecycleModule } from './app.module';
import { client, until } from './client';

const keys = es256KeyPair();
const jwt = {
  issuer: 'https://issuer.test',
  audience: 'api.test',
  keys: [{ kid: 'k1', privateKey: keys.privatePem }],
};

describe.each(ADAPTERS)('revocation across two instances sharing Redis (%s)', (adapter) => {
  let a: INestApplication;
  let b: INestApplication;
  beforeAll(async () => {
    const store = storeOptions('redis');
    a = await startApp(TokenLifecycleModule.with({ environment: 'test', jwt, store }), adapter);
    b = await startApp(TokenLifecycleModule.with({ environment: 'test', jwt, store }), adapter);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('a token revoked on A is refused by A at once and by B shortly after', async () => {
    const pair = await client(a).login();
    await client(b).me(pair.access_token).expect(200);
    await client(a).revoke(pair.access_token).expect(204);
    await client(a).me(pair.access_token).expect(401);
    const elapsedMs = await until(
      async () => (await client(b).me(pair.access_token)).status === 401,
    );
    console.log(
      `revocation reached the second instance in ${elapsedMs.toFixed(1)} ms (${adapter})`,
    );
    await client(b).refresh(pair.refresh_token).expect(401);
  });

  it('logout-all on B is applied by A', async () => {
    const pair = await client(a).login();
    await client(b).logoutAll(pair.access_token).expect(204);
    await until(async () => (await client(a).me(pair.access_token)).status === 401);
  });

  it('a refresh token rotated on A and reused on B revokes the family on both', async () => {
    const first = await client(a).login();
    const second = (await client(a).refresh(first.refresh_token).expect(200)).body as {
      access_token: string;
    };
    await client(b).refresh(first.refresh_token).expect(401);
    await until(async () => (await client(a).me(second.access_token)).status === 401);
  });
});
