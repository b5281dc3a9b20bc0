import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { SecurityClock, TokenService, type SecurityModuleOptions } from '@rampart/security';
import request from 'supertest';
import { ManualClock, MATRIX, startApp, storeOptions } from '../support/apps';
import { es256KeyPair, forgeJwt } from '../support/jwt-forge';
import { ExternalIssuerScenarioModule } from './app.module';
import { ecKey, FakeJwksServer, publicJwk, rsaKey, signWith, type IdpKey } from './fake-idp';

const AUDIENCE = 'orders-api';
const RAMPART_ISSUER = 'https://orders.acme.test';
const RAMPART_KID = 'rampart-1';
/** Keycloak-like: ES256, realm roles under `realm_access.roles`, a web client `acme-web`. */
const KEYCLOAK = {
  issuer: 'https://sso.acme.test/realms/acme',
  path: '/realms/acme/protocol/openid-connect/certs',
};
/** Auth0-like: RS256 (default allow-list RS256 + ES256), roles in `roles`. */
const AUTH0 = { issuer: 'https://acme.auth0.test/', path: '/.well-known/jwks.json' };
const ATTACKER_PATH = '/attacker/jwks.json';
/** jwksMinRefetchIntervalSeconds (the default), in milliseconds. */
const REFETCH_INTERVAL_MS = 30_000;
/** jwksCacheSeconds (the default), in milliseconds. */
const CACHE_MS = 600_000;

const INVALID = 'SECURITY_INVALID_TOKEN';
const EXPIRED = 'SECURITY_TOKEN_EXPIRED';

describe.each(MATRIX)('resource-server mode: external issuers (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  let jwks: FakeJwksServer;
  let clock: ManualClock;
  let tokens: TokenService;
  const keycloakKey = ecKey('kc-1');
  const auth0Key = rsaKey('a0-1');
  const rampartKeys = es256KeyPair();

  const seconds = () => Math.floor(Date.now() / 1000);
  const keycloakClaims = (extra: Record<string, unknown> = {}) => ({
    iss: KEYCLOAK.issuer,
    aud: [AUDIENCE, 'account'],
    azp: 'acme-web',
    typ: 'Bearer',
    sub: '6c1b3a7e-kc',
    preferred_username: 'kate',
    realm_access: { roles: ['admin', 'offline_access'] },
    iat: seconds(),
    exp: seconds() + 300,
    ...extra,
  });
  const auth0Claims = (extra: Record<string, unknown> = {}) => ({
    iss: AUTH0.issuer,
    aud: AUDIENCE,
    sub: 'auth0|42',
    preferred_username: 'olivia',
    roles: ['user'],
    iat: seconds(),
    exp: seconds() + 300,
    ...extra,
  });
  /** A token signed by `key`, its header naming the key's `alg` and `kid` unless overridden. */
  const token = (
    key: IdpKey,
    claims: Record<string, unknown>,
    header: Record<string, unknown> = {},
  ): string =>
    signWith(key.privateKey, { alg: key.alg, kid: key.kid, typ: 'JWT', ...header }, claims);

  const bearer = (value: string) => ({ Authorization: `Bearer ${value}` });
  const get = (path: string, value: string) =>
    request(app.getHttpServer()).get(path).set(bearer(value));
  const expect401 = async (value: string, code = INVALID) => {
    const response = await get('/me', value);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, code, message: expect.any(String) });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(JSON.stringify(response.body)).not.toContain(value);
  };
  const expect200 = async (value: string) => {
    const response = await get('/me', value);
    expect(response.status).toBe(200);
    return response.body as Record<string, unknown>;
  };
  /**
   * Leaves both issuers with a fresh cache and a re-fetch allowed: whatever earlier tests did
   * to the clock, the next unknown kid costs exactly one fetch.
   */
  const settle = async () => {
    clock.advance(REFETCH_INTERVAL_MS);
    await expect200(token(keycloakKey, keycloakClaims()));
    await expect200(token(auth0Key, auth0Claims()));
    clock.advance(REFETCH_INTERVAL_MS);
  };

  beforeAll(async () => {
    jwks = await FakeJwksServer.start();
    jwks.publish(KEYCLOAK.path, keycloakKey);
    jwks.publish(AUTH0.path, auth0Key);
    clock = new ManualClock();
    const options: SecurityModuleOptions = {
      environment: 'test',
      jwt: {
        issuer: RAMPART_ISSUER,
        audience: AUDIENCE,
        keys: [{ kid: RAMPART_KID, privateKey: rampartKeys.privatePem }],
      },
      externalIssuers: [
        {
          issuer: KEYCLOAK.issuer,
          jwksUri: jwks.url(KEYCLOAK.path),
          audience: AUDIENCE,
          algorithms: ['ES256'],
          rolesClaim: 'realm_access.roles',
          clientIds: ['acme-web'],
        },
        {
          issuer: AUTH0.issuer,
          jwksUri: jwks.url(AUTH0.path),
          audience: [AUDIENCE, 'https://billing.acme.test'],
        },
      ],
      store: storeOptions(store),
    };
    app = await startApp(ExternalIssuerScenarioModule.with(options), adapter, (builder) =>
      builder.overrideProvider(SecurityClock).useValue(clock),
    );
    // Listening, so that concurrent supertest requests share one server.
    await app.listen(0, '127.0.0.1');
    tokens = app.get(TokenService);
  });
  afterEach(() => {
    jwks.mode = 'up';
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('accepts a valid external token and maps its principal (roles from rolesClaim)', async () => {
    expect(await expect200(token(auth0Key, auth0Claims()))).toEqual({
      id: 'auth0|42',
      username: 'olivia',
      roles: ['user'],
      authMethod: 'jwt',
    });
    await request(app.getHttpServer())
      .get('/admin')
      .set(bearer(token(auth0Key, auth0Claims())))
      .expect(403)
      .expect((response) => {
        expect(response.body.code).toBe('SECURITY_FORBIDDEN');
      });
  });

  it('reads Keycloak realm roles from the nested path realm_access.roles', async () => {
    expect(await expect200(token(keycloakKey, keycloakClaims()))).toEqual({
      id: '6c1b3a7e-kc',
      username: 'kate',
      roles: ['admin', 'offline_access'],
      authMethod: 'jwt',
    });
    await request(app.getHttpServer())
      .get('/admin')
      .set(bearer(token(keycloakKey, keycloakClaims())))
      .expect(200, { admin: true });
  });

  it.each(['JWT', 'at+jwt', 'application/at+jwt', 'AT+JWT'])(
    'accepts the header typ %s by default',
    async (typ) => {
      await expect200(token(auth0Key, auth0Claims(), { typ }));
    },
  );

  it('refuses a token without typ, or with a typ outside acceptedTypes', async () => {
    await expect401(token(auth0Key, auth0Claims(), { typ: undefined }));
    await expect401(token(auth0Key, auth0Claims(), { typ: 'dpop+jwt' }));
  });

  it.each<[string, Record<string, unknown>]>([
    ['a wrong audience', { aud: 'another-api' }],
    ['an audience list without this API', { aud: ['account', 'acme-web'] }],
    ['no audience', { aud: undefined }],
    ['an unknown issuer', { iss: 'https://evil.test/' }],
    ["another issuer's name with a trailing slash", { iss: `${AUTH0.issuer}x` }],
    ['no exp', { exp: undefined }],
    ['a not-before in the future', { nbf: Math.floor(Date.now() / 1000) + 3600 }],
    ['an iat in the future', { iat: Math.floor(Date.now() / 1000) + 3600 }],
    ['no sub', { sub: undefined }],
    ['roles that are not a list of strings', { roles: 'admin' }],
  ])('refuses a token with %s: 401 SECURITY_INVALID_TOKEN', async (_name, extra) => {
    await expect401(token(auth0Key, auth0Claims(extra)));
  });

  it('refuses an expired token: 401 SECURITY_TOKEN_EXPIRED', async () => {
    await expect401(
      token(auth0Key, auth0Claims({ iat: seconds() - 900, exp: seconds() - 120 })),
      EXPIRED,
    );
    await expect401(
      token(keycloakKey, keycloakClaims({ iat: seconds() - 900, exp: seconds() - 120 })),
      EXPIRED,
    );
  });

  it('refuses a token signed by a key that is not in the JWKS', async () => {
    const stranger = rsaKey();
    await expect401(token({ ...stranger, kid: auth0Key.kid }, auth0Claims()));
    await expect401(token(stranger, auth0Claims()));
    await expect401(token({ ...ecKey(), kid: keycloakKey.kid }, keycloakClaims()));
  });

  it('re-fetches the JWKS once for an unknown kid, and not again within the interval', async () => {
    await settle();
    const before = jwks.requests(AUTH0.path);
    await expect401(token(rsaKey('unknown-1'), auth0Claims()));
    expect(jwks.requests(AUTH0.path)).toBe(before + 1);
    await expect401(token(rsaKey('unknown-2'), auth0Claims()));
    await expect200(token(auth0Key, auth0Claims()));
    expect(jwks.requests(AUTH0.path)).toBe(before + 1);
  });

  it('picks up a key rotated in at the identity provider', async () => {
    await settle();
    const rotated = rsaKey('a0-2');
    jwks.publish(AUTH0.path, auth0Key, rotated);
    const before = jwks.requests(AUTH0.path);
    await expect200(token(rotated, auth0Claims()));
    expect(jwks.requests(AUTH0.path)).toBe(before + 1);
    await expect200(token(rotated, auth0Claims()));
    await expect200(token(auth0Key, auth0Claims()));
    expect(jwks.requests(AUTH0.path)).toBe(before + 1);
  });

  it('answers a flood of 50 tokens with random kids with one JWKS request at most', async () => {
    await settle();
    const before = jwks.requests(AUTH0.path);
    const stranger = rsaKey();
    const flood = () =>
      Promise.all(
        Array.from({ length: 50 }, () =>
          get('/me', token({ ...stranger, kid: randomUUID() }, auth0Claims())),
        ),
      );
    for (const response of await flood()) {
      expect(response.status).toBe(401);
      expect(response.body.code).toBe(INVALID);
    }
    expect(jwks.requests(AUTH0.path) - before).toBe(1);
    // A second wave within the interval costs nothing at all.
    const after = jwks.requests(AUTH0.path);
    for (const response of await flood()) expect(response.status).toBe(401);
    expect(jwks.requests(AUTH0.path)).toBe(after);
  });

  it('while the JWKS endpoint is down: cached keys still pass, unknown kids get 401, never 500', async () => {
    await settle();
    for (const mode of ['down', 'garbage'] as const) {
      jwks.mode = mode;
      clock.advance(REFETCH_INTERVAL_MS);
      const before = jwks.requests(AUTH0.path);
      await expect200(token(auth0Key, auth0Claims()));
      await expect401(token(rsaKey(), auth0Claims()));
      expect(jwks.requests(AUTH0.path)).toBe(before + 1);
      await expect200(token(auth0Key, auth0Claims()));
      await expect200(token(keycloakKey, keycloakClaims()));
    }
    // Once the cached keys are stale and the endpoint is still down: 401, not 500, not a pass.
    jwks.mode = 'down';
    clock.advance(CACHE_MS);
    await expect401(token(auth0Key, auth0Claims()));
    // Back up: the next allowed fetch restores service.
    jwks.mode = 'up';
    clock.advance(REFETCH_INTERVAL_MS);
    await expect200(token(auth0Key, auth0Claims()));
  });

  it('refuses HS256 signed with the identity provider public key (key confusion)', async () => {
    for (const key of [auth0Key, keycloakKey]) {
      const claims = key === auth0Key ? auth0Claims() : keycloakClaims();
      const secrets = [
        key.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
        key.publicKey.export({ format: 'der', type: 'spki' }),
        JSON.stringify(publicJwk(key)),
      ];
      for (const secret of secrets) {
        await expect401(
          forgeJwt({ alg: 'HS256', kid: key.kid, typ: 'JWT' }, claims, { kind: 'hmac', secret }),
        );
      }
      await expect401(
        forgeJwt({ alg: 'none', kid: key.kid, typ: 'JWT' }, claims, { kind: 'none' }),
      );
    }
  });

  it('never takes a key from the token header (jwk, jku, x5u)', async () => {
    const attacker = rsaKey('evil');
    jwks.publish(ATTACKER_PATH, attacker);
    const injected = {
      jwk: publicJwk(attacker),
      jku: jwks.url(ATTACKER_PATH),
      x5u: jwks.url('/attacker/cert.pem'),
    };
    for (const kid of [attacker.kid, auth0Key.kid]) {
      await expect401(token(attacker, auth0Claims(), { ...injected, kid }));
    }
    await expect401(token({ ...ecKey(), kid: 'evil-ec' }, keycloakClaims(), injected));
    expect(jwks.requests(ATTACKER_PATH)).toBe(0);
    expect(jwks.requests('/attacker/cert.pem')).toBe(0);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a nonce claim', { nonce: 'n-0S6_WzA2Mj' }],
    ['an at_hash claim', { at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }],
    ["Keycloak's typ: ID claim", { typ: 'ID' }],
    ['aud = the client id', { aud: 'acme-web' }],
    ['aud = the client id, as a list', { aud: ['acme-web'] }],
    [
      'every ID-token trait at once',
      { aud: 'acme-web', typ: 'ID', nonce: 'n', at_hash: 'h', auth_time: 1 },
    ],
  ])('refuses an ID token (%s)', async (_name, extra) => {
    await expect401(token(keycloakKey, keycloakClaims(extra)));
  });

  it('refuses an ID token of an issuer without clientIds (nonce)', async () => {
    await expect401(token(auth0Key, auth0Claims({ nonce: 'n-0S6_WzA2Mj' })));
  });

  it('verifies each token against its own issuer only', async () => {
    expect((await expect200(token(keycloakKey, keycloakClaims()))).id).toBe('6c1b3a7e-kc');
    expect((await expect200(token(auth0Key, auth0Claims()))).id).toBe('auth0|42');
    // Each issuer's key is valid only for its own iss.
    await expect401(token(keycloakKey, auth0Claims()));
    await expect401(token(auth0Key, keycloakClaims()));
    // A key published by the other issuer does not help either.
    await settle();
    const shared = ecKey('shared-ec');
    jwks.publish(AUTH0.path, auth0Key, shared);
    await expect401(token(shared, keycloakClaims()));
    await expect200(token(shared, auth0Claims()));
  });

  it("still accepts Rampart's own tokens, and never an external token as Rampart's", async () => {
    const { accessToken } = tokens.issueAccessToken({
      id: 'u-1',
      username: 'alice',
      roles: ['user'],
    });
    expect(await expect200(accessToken)).toMatchObject({
      id: 'u-1',
      username: 'alice',
      roles: ['user'],
      authMethod: 'jwt',
    });
    const asRampart = (extra: Record<string, unknown> = {}) =>
      auth0Claims({ iss: RAMPART_ISSUER, jti: randomUUID(), ...extra });
    // Signed by the identity provider, claiming to be Rampart: Rampart's key ring has no such key.
    await expect401(token(auth0Key, asRampart(), { typ: 'at+jwt' }));
    await expect401(token(keycloakKey, asRampart(), { typ: 'at+jwt', kid: RAMPART_KID }));
    // Signed by Rampart's key, claiming to be the identity provider: its JWKS has no such key.
    await expect401(
      forgeJwt({ alg: 'ES256', kid: RAMPART_KID, typ: 'at+jwt' }, auth0Claims(), {
        kind: 'es256',
        key: rampartKeys.privateKey,
      }),
    );
  });
});
