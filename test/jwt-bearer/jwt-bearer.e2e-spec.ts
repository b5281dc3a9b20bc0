import type { INestApplication } from '@nestjs/common';
import { TokenService, type SecurityModuleOptions } from '@rampart/security';
import request from 'supertest';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { es256KeyPair, forgeJwt, validClaims } from '../support/jwt-forge';
import { JwtBearerScenarioModule } from './app.module';

const keys = es256KeyPair();
const otherKeys = es256KeyPair();
const KID = 'k1';

describe.each(MATRIX)('JWT bearer authentication (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  let tokens: TokenService;
  const header = { alg: 'ES256', kid: KID, typ: 'at+jwt' };
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const get = (path: string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer()).get(path).set(headers);

  beforeAll(async () => {
    const options: SecurityModuleOptions = {
      environment: 'test',
      jwt: {
        issuer: 'https://issuer.test',
        audience: 'api.test',
        keys: [{ kid: KID, privateKey: keys.privatePem }],
      },
      store: storeOptions(store),
    };
    app = await startApp(JwtBearerScenarioModule.with(options), adapter);
    tokens = app.get(TokenService);
  });
  afterAll(() => app.close());

  const expect401 = async (token: string, code = 'SECURITY_INVALID_TOKEN') => {
    const response = await get('/protected', bearer(token));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ statusCode: 401, code, message: expect.any(String) });
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(JSON.stringify(response.body)).not.toContain(token);
    return response;
  };

  it('refuses an anonymous request to a protected route with 401 and a Bearer challenge', async () => {
    const response = await get('/protected');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      code: 'SECURITY_AUTHENTICATION_REQUIRED',
      message: 'Authentication is required.',
    });
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('serves a @Public() route anonymously', async () => {
    await get('/public').expect(200, { ok: true, user: null });
  });

  it('accepts a token it issued and exposes the principal', async () => {
    const { accessToken } = tokens.issueAccessToken({
      id: 'u-1',
      username: 'alice',
      roles: ['user'],
    });
    const response = await get('/protected', bearer(accessToken));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      id: 'u-1',
      username: 'alice',
      roles: ['user'],
      authMethod: 'jwt',
      token: { id: expect.any(String), expiresAt: expect.any(Number) },
    });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('accepts a well-formed token signed by the configured key, with any case of the scheme', async () => {
    const token = forgeJwt(header, validClaims(), { kind: 'es256', key: keys.privateKey });
    await get('/protected', { Authorization: `bearer ${token}` }).expect(200);
  });

  it('refuses an expired token with SECURITY_TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect401(
      forgeJwt(header, validClaims({ iat: now - 600, exp: now - 120 }), {
        kind: 'es256',
        key: keys.privateKey,
      }),
      'SECURITY_TOKEN_EXPIRED',
    );
  });

  it('tolerates expiry within the clock skew (30 s) but not beyond', async () => {
    const now = Math.floor(Date.now() / 1000);
    await get(
      '/protected',
      bearer(
        forgeJwt(header, validClaims({ exp: now - 10 }), { kind: 'es256', key: keys.privateKey }),
      ),
    ).expect(200);
    await expect401(
      forgeJwt(header, validClaims({ exp: now - 45 }), { kind: 'es256', key: keys.privateKey }),
      'SECURITY_TOKEN_EXPIRED',
    );
  });

  it.each([
    ['a wrong issuer', { iss: 'https://evil.test' }],
    ['a wrong audience', { aud: 'other-api' }],
    ['no exp', { exp: undefined }],
    ['an iat in the future', { iat: Math.floor(Date.now() / 1000) + 3600 }],
    ['a not-before in the future', { nbf: Math.floor(Date.now() / 1000) + 3600 }],
    ['no sub', { sub: undefined }],
    ['roles that are not strings', { roles: [{ name: 'admin' }] }],
  ])('refuses a token with %s', async (_name, overrides) => {
    await expect401(
      forgeJwt(header, validClaims(overrides), { kind: 'es256', key: keys.privateKey }),
    );
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'refuses alg "%s", with or without a signature',
    async (alg) => {
      await expect401(forgeJwt({ ...header, alg }, validClaims(), { kind: 'none' }));
      await expect401(
        forgeJwt({ ...header, alg }, validClaims(), { kind: 'none', signature: 'c2lnbmF0dXJl' }),
      );
    },
  );

  it('refuses HS256 signed with the public key (key confusion), whatever encoding of the key', async () => {
    const der = keys.publicKey.export({ format: 'der', type: 'spki' });
    for (const secret of [
      keys.publicPem,
      der,
      JSON.stringify(keys.publicKey.export({ format: 'jwk' })),
    ]) {
      await expect401(
        forgeJwt({ ...header, alg: 'HS256' }, validClaims(), { kind: 'hmac', secret }),
      );
    }
  });

  it('refuses an unknown kid, a missing kid, and a known kid signed by another key', async () => {
    await expect401(
      forgeJwt({ ...header, kid: 'unknown' }, validClaims(), {
        kind: 'es256',
        key: keys.privateKey,
      }),
    );
    await expect401(
      forgeJwt({ alg: 'ES256', typ: 'at+jwt' }, validClaims(), {
        kind: 'es256',
        key: keys.privateKey,
      }),
    );
    await expect401(forgeJwt(header, validClaims(), { kind: 'es256', key: otherKeys.privateKey }));
  });

  it('never takes a key from the token header (jwk, jku, x5u)', async () => {
    const jwk = otherKeys.publicKey.export({ format: 'jwk' });
    const forged = {
      ...header,
      kid: 'attacker',
      jwk,
      jku: 'http://127.0.0.1:1/jwks',
      x5u: 'http://127.0.0.1:1/cert',
    };
    await expect401(forgeJwt(forged, validClaims(), { kind: 'es256', key: otherKeys.privateKey }));
  });

  it('refuses a tampered payload', async () => {
    const token = forgeJwt(header, validClaims(), { kind: 'es256', key: keys.privateKey });
    const [h, , s] = token.split('.');
    const tampered = Buffer.from(JSON.stringify(validClaims({ roles: ['admin'] }))).toString(
      'base64url',
    );
    await expect401(`${h}.${tampered}.${s}`);
  });

  it('refuses a token whose typ is not at+jwt (an ID token, a plain JWT)', async () => {
    await expect401(
      forgeJwt({ ...header, typ: 'JWT' }, validClaims(), { kind: 'es256', key: keys.privateKey }),
    );
    await expect401(
      forgeJwt({ alg: 'ES256', kid: KID }, validClaims(), { kind: 'es256', key: keys.privateKey }),
    );
  });

  it.each(['garbage', 'a.b.c', '...', 'eyJhbGciOiJFUzI1NiJ9', ''])(
    'refuses the malformed token %j',
    async (token) => {
      const response = await get('/protected', { Authorization: `Bearer ${token}` });
      expect(response.status).toBe(401);
    },
  );

  it('answers 401 to an invalid token even on a public route (never falls through to anonymous)', async () => {
    const response = await get('/public', bearer('not-a-token'));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_TOKEN');
  });

  it('never reads a token from the URL', async () => {
    const { accessToken } = tokens.issueAccessToken({
      id: 'u-1',
      username: 'alice',
      roles: ['user'],
    });
    await get(`/protected?access_token=${accessToken}`).expect(401);
  });

  it('treats another scheme (Basic) as no credentials', async () => {
    const response = await get('/protected', {
      Authorization: 'Basic YWxpY2U6YWxpY2UtcGFzc3dvcmQ=',
    });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_AUTHENTICATION_REQUIRED');
  });

  describe('roles', () => {
    const tokenFor = (roles: string[]) =>
      tokens.issueAccessToken({ id: `u-${roles.join('-')}`, username: 'x', roles }).accessToken;

    it('answers 403 to a user on an admin route', async () => {
      const response = await get('/admin', bearer(tokenFor(['user'])));
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        statusCode: 403,
        code: 'SECURITY_FORBIDDEN',
        message: expect.any(String),
      });
    });

    it('lets an admin in, and (hierarchy) into user routes too', async () => {
      await get('/admin', bearer(tokenFor(['admin']))).expect(200, { admin: true });
      await get('/user-area', bearer(tokenFor(['admin']))).expect(200, { user: true });
    });

    it('answers 401 (not 403) to an anonymous request on a role route', async () => {
      const response = await get('/admin');
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('SECURITY_AUTHENTICATION_REQUIRED');
    });

    it('answers 403 to a principal with no roles on a role route', async () => {
      await get('/user-area', bearer(tokenFor([]))).expect(403);
    });
  });

  it('answers a thrown error with a 500 that carries no internals', async () => {
    const response = await get('/boom');
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toContain('internal detail');
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts/);
  });
});
