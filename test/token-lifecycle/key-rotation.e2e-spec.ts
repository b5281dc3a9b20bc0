import type { INestApplication } from '@nestjs/common';
import { TokenService } from '@rampart/security';
import { ADAPTERS, MATRIX, startApp, storeOptions } from '../support/apps';
import { es256KeyPair, forgeJwt, validClaims } from '../support/jwt-forge';
import { TokenLifecycleModule } from './app.module';
import { client } from './client';

const oldKey = es256KeyPair();
const newKey = es256KeyPair();
const base = { issuer: 'https://issuer.test', audience: 'api.test' };
const rotated = {
  ...base,
  keys: [
    { kid: 'k2', privateKey: newKey.privatePem },
    { kid: 'k1', publicKey: oldKey.publicPem },
  ],
};
const header = (kid: string) => ({ alg: 'ES256', kid, typ: 'at+jwt' });

describe.each(MATRIX)('signing-key rotation (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp(
      TokenLifecycleModule.with({ environment: 'test', jwt: rotated, store: storeOptions(store) }),
      adapter,
    );
  });
  afterAll(() => app.close());

  it('signs with the active key and publishes both keys in the JWKS', () => {
    const { accessToken } = app
      .get(TokenService)
      .issueAccessToken({ id: 'u-alice', username: 'alice', roles: ['user'] });
    expect(
      JSON.parse(Buffer.from(accessToken.split('.')[0]!, 'base64url').toString()),
    ).toMatchObject({ kid: 'k2' });
    expect(
      app
        .get(TokenService)
        .jwks()
        .keys.map((key) => key.kid),
    ).toEqual(['k2', 'k1']);
  });

  it('keeps verifying tokens of the retired key until they expire', async () => {
    const claims = validClaims({ iss: base.issuer, aud: base.audience, sub: 'u-alice' });
    await client(app)
      .me(forgeJwt(header('k1'), claims, { kind: 'es256', key: oldKey.privateKey }))
      .expect(200);
  });

  it('refuses a token that claims the new kid but is signed with the old key', async () => {
    const claims = validClaims({ iss: base.issuer, aud: base.audience, sub: 'u-alice' });
    await client(app)
      .me(forgeJwt(header('k2'), claims, { kind: 'es256', key: oldKey.privateKey }))
      .expect(401);
  });
});

describe.each(ADAPTERS)('rotation without downtime across instances on Redis (%s)', (adapter) => {
  it("an instance still on the old key and one already rotated accept each other's tokens", async () => {
    const store = storeOptions('redis');
    const before = await startApp(
      TokenLifecycleModule.with({
        environment: 'test',
        jwt: {
          ...base,
          keys: [
            { kid: 'k1', privateKey: oldKey.privatePem },
            { kid: 'k2', publicKey: newKey.publicPem },
          ],
        },
        store,
      }),
      adapter,
    );
    const after = await startApp(
      TokenLifecycleModule.with({
        environment: 'test',
        jwt: { ...rotated, keys: [rotated.keys[0]!, { kid: 'k1', publicKey: oldKey.publicPem }] },
        store,
      }),
      adapter,
    );
    try {
      const fromOld = await client(before).login();
      const fromNew = await client(after).login();
      await client(after).me(fromOld.access_token).expect(200);
      await client(before).me(fromNew.access_token).expect(200);
      const kids = (app: INestApplication) =>
        app
          .get(TokenService)
          .jwks()
          .keys.map((key) => key.kid)
          .sort();
      expect(kids(before)).toEqual(['k1', 'k2']);
      expect(kids(after)).toEqual(['k1', 'k2']);
    } finally {
      await before.close();
      await after.close();
    }
  });
});
