import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TokenService, type SecurityModuleOptions } from '@rampart/security';
import { MATRIX, storeOptions, type AdapterName, type StoreName } from '../support/apps';
import {
  escapedPem,
  rfc9440,
  testPki,
  type TestCertificate,
  type TestPki,
} from '../support/certificates';
import { es256KeyPair } from '../support/jwt-forge';
import { CERTIFICATE_USERS, MtlsScenarioModule } from './app.module';

const keys = es256KeyPair();
const alice = CERTIFICATE_USERS.alice!;

/** The HTTPS server options of an mTLS listener (both adapters accept this shape). */
interface TlsListenerOptions {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
  readonly requestCert: true;
  readonly rejectUnauthorized: false;
}

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

interface Call {
  readonly path?: string;
  /** Client certificate presented in the TLS handshake (HTTPS only). */
  readonly cert?: TestCertificate;
  readonly headers?: Record<string, string>;
}

/** One request on a fresh connection (no keep-alive: each call has its own handshake). */
function call(url: URL, { path = '/protected', cert, headers = {} }: Call = {}, ca?: string) {
  return new Promise<Reply>((resolve, reject) => {
    const options = {
      host: url.hostname,
      port: url.port,
      path,
      method: 'GET',
      headers,
      agent: false as const,
    };
    const onResponse = (response: IncomingMessage): void => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text === '' ? undefined : (JSON.parse(text) as unknown),
        });
      });
    };
    const outgoing =
      url.protocol === 'https:'
        ? httpsRequest(
            { ...options, ca, ...(cert === undefined ? {} : { cert: cert.cert, key: cert.key }) },
            onResponse,
          )
        : httpRequest(options, onResponse);
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** Starts the scenario on `adapter`, over HTTPS when `https` is given, on 127.0.0.1 port 0. */
async function listen(
  adapter: AdapterName,
  store: StoreName,
  mtls: NonNullable<SecurityModuleOptions['mtls']>,
  https?: TlsListenerOptions,
): Promise<{ app: INestApplication; url: URL }> {
  const options: SecurityModuleOptions = {
    environment: 'test',
    jwt: {
      issuer: 'https://issuer.test',
      audience: 'api.test',
      keys: [{ kid: 'k1', privateKey: keys.privatePem }],
    },
    mtls,
    store: storeOptions(store),
  };
  const ref = await Test.createTestingModule({
    imports: [MtlsScenarioModule.with(options)],
  }).compile();
  const app =
    adapter === 'fastify'
      ? ref.createNestApplication<NestFastifyApplication>(
          new FastifyAdapter(https === undefined ? {} : { https }),
          { logger: false },
        )
      : ref.createNestApplication({
          logger: false,
          ...(https === undefined ? {} : { httpsOptions: https }),
        });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return { app, url: new URL(`${https === undefined ? 'http' : 'https'}://127.0.0.1:${port}`) };
}

const refusedWith = (reply: Reply, code: string): void => {
  expect(reply.status).toBe(401);
  expect(reply.body).toEqual({ statusCode: 401, code, message: expect.any(String) });
  expect(reply.headers['cache-control']).toBe('no-store');
};

const invalidToken = (reply: Reply): void => {
  refusedWith(reply, 'SECURITY_INVALID_TOKEN');
  expect(reply.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
};

describe.each(MATRIX)('mTLS client-certificate authentication (%s, %s store)', (adapter, store) => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await testPki();
  });

  describe('on an HTTPS listener that requests client certificates', () => {
    let app: INestApplication;
    let url: URL;
    let tokens: TokenService;
    const get = (options: Call = {}): Promise<Reply> => call(url, options, pki.ca);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      // A proxy is trusted, but it is not us: our forwarded headers must be ignored.
      ({ app, url } = await listen(
        adapter,
        store,
        { trustedProxies: ['192.0.2.10'] },
        {
          key: pki.server.key,
          cert: pki.server.cert,
          ca: pki.ca,
          requestCert: true,
          rejectUnauthorized: false,
        },
      ));
      tokens = app.get(TokenService);
    });
    afterAll(() => app.close());

    it('answers 401 to a request without a certificate on a protected route', async () => {
      const reply = await get();
      refusedWith(reply, 'SECURITY_AUTHENTICATION_REQUIRED');
      expect(reply.headers['www-authenticate']).toBe('Bearer');
    });

    it('serves a public route without a certificate', async () => {
      expect((await get({ path: '/public' })).body).toEqual({ ok: true, user: null });
    });

    it('answers 401 SECURITY_INVALID_CERTIFICATE to a certificate from an untrusted CA', async () => {
      const reply = await get({ cert: pki.rogueAlice });
      refusedWith(reply, 'SECURITY_INVALID_CERTIFICATE');
      expect(reply.headers['www-authenticate']).toBeUndefined();
    });

    it('refuses an untrusted certificate on a public route too (it never falls through)', async () => {
      refusedWith(
        await get({ path: '/public', cert: pki.rogueAlice }),
        'SECURITY_INVALID_CERTIFICATE',
      );
    });

    it('answers 401 SECURITY_INVALID_CERTIFICATE to a trusted certificate of no known user', async () => {
      refusedWith(await get({ cert: pki.carol }), 'SECURITY_INVALID_CERTIFICATE');
    });

    it('authenticates a good certificate: 200 with authMethod mtls', async () => {
      const reply = await get({ cert: pki.alice });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        id: 'u-alice',
        username: 'alice',
        roles: ['user'],
        authMethod: 'mtls',
      });
      expect(reply.headers['cache-control']).toBe('no-store');
    });

    it('maps each certificate to its own user', async () => {
      expect((await get({ cert: pki.admin })).body).toMatchObject({
        username: 'admin',
        authMethod: 'mtls',
      });
    });

    it('ignores a forwarded-certificate header from a peer that is not a trusted proxy', async () => {
      for (const value of [escapedPem(pki.alice), rfc9440(pki.alice)]) {
        const reply = await get({ headers: { 'x-client-cert': value } });
        refusedWith(reply, 'SECURITY_AUTHENTICATION_REQUIRED');
      }
      const withCertificate = await get({
        cert: pki.alice,
        headers: { 'x-client-cert': escapedPem(pki.admin), 'x-forwarded-for': '192.0.2.10' },
      });
      expect(withCertificate.body).toMatchObject({ username: 'alice', authMethod: 'mtls' });
    });

    it('accepts a certificate-bound token presented with its certificate', async () => {
      const { accessToken } = tokens.issueAccessToken(alice, {
        certificateThumbprint: pki.alice.thumbprint,
      });
      const reply = await get({ cert: pki.alice, headers: bearer(accessToken) });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        id: 'u-alice',
        username: 'alice',
        roles: ['user'],
        authMethod: 'jwt',
      });
    });

    it('refuses a certificate-bound token without a certificate: 401 invalid_token', async () => {
      const { accessToken } = tokens.issueAccessToken(alice, {
        certificateThumbprint: pki.alice.thumbprint,
      });
      invalidToken(await get({ headers: bearer(accessToken) }));
    });

    it('refuses a certificate-bound token with another certificate: 401 invalid_token', async () => {
      const { accessToken } = tokens.issueAccessToken(alice, {
        certificateThumbprint: pki.alice.thumbprint,
      });
      invalidToken(await get({ cert: pki.admin, headers: bearer(accessToken) }));
      invalidToken(await get({ cert: pki.rogueAlice, headers: bearer(accessToken) }));
    });

    it('refuses a bound token whose certificate is forwarded by a peer that is not trusted', async () => {
      const { accessToken } = tokens.issueAccessToken(alice, {
        certificateThumbprint: pki.alice.thumbprint,
      });
      invalidToken(
        await get({
          headers: { ...bearer(accessToken), 'x-client-cert': escapedPem(pki.alice) },
        }),
      );
    });

    it('still accepts an unbound token over mTLS, with or without a certificate', async () => {
      const { accessToken } = tokens.issueAccessToken(alice);
      for (const cert of [pki.admin, undefined]) {
        const reply = await get({ cert, headers: bearer(accessToken) });
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ username: 'alice', authMethod: 'jwt' });
      }
    });

    it('lets a bad bearer token decide over a good certificate (401, never a fall-through)', async () => {
      invalidToken(await get({ cert: pki.alice, headers: bearer('not.a.token') }));
    });
  });

  describe('over plain HTTP behind a trusted proxy (127.0.0.1)', () => {
    let app: INestApplication;
    let url: URL;
    let tokens: TokenService;
    const get = (options: Call = {}): Promise<Reply> => call(url, options);

    beforeAll(async () => {
      ({ app, url } = await listen(adapter, store, { trustedProxies: ['127.0.0.1'] }));
      tokens = app.get(TokenService);
    });
    afterAll(() => app.close());

    it.each([
      ['URL-encoded PEM', escapedPem],
      ['RFC 9440', rfc9440],
    ])('honours the forwarded certificate header (%s)', async (_name, encode) => {
      const reply = await get({ headers: { 'x-client-cert': encode(pki.alice) } });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        id: 'u-alice',
        username: 'alice',
        roles: ['user'],
        authMethod: 'mtls',
      });
    });

    it('answers 401 when the proxy forwards no certificate, or an empty header', async () => {
      refusedWith(await get(), 'SECURITY_AUTHENTICATION_REQUIRED');
      refusedWith(
        await get({ headers: { 'x-client-cert': '' } }),
        'SECURITY_AUTHENTICATION_REQUIRED',
      );
    });

    it('answers 401 SECURITY_INVALID_CERTIFICATE to a malformed forwarded certificate', async () => {
      refusedWith(
        await get({ headers: { 'x-client-cert': 'not-a-certificate' } }),
        'SECURITY_INVALID_CERTIFICATE',
      );
    });

    it('checks a bound token against the forwarded certificate', async () => {
      const { accessToken } = tokens.issueAccessToken(alice, {
        certificateThumbprint: pki.alice.thumbprint,
      });
      const authorization = `Bearer ${accessToken}`;
      const ok = await get({ headers: { authorization, 'x-client-cert': escapedPem(pki.alice) } });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ username: 'alice', authMethod: 'jwt' });
      invalidToken(await get({ headers: { authorization } }));
      invalidToken(
        await get({ headers: { authorization, 'x-client-cert': escapedPem(pki.admin) } }),
      );
    });
  });

  describe('over plain HTTP with no trusted proxy (the default)', () => {
    let app: INestApplication;
    let url: URL;
    let tokens: TokenService;
    const get = (options: Call = {}): Promise<Reply> => call(url, options);

    beforeAll(async () => {
      ({ app, url } = await listen(adapter, store, {}));
      tokens = app.get(TokenService);
    });
    afterAll(() => app.close());

    it('answers 401 to a spoofed forwarded-certificate header', async () => {
      for (const value of [escapedPem(pki.admin), rfc9440(pki.admin)]) {
        refusedWith(
          await get({ headers: { 'x-client-cert': value, 'x-forwarded-for': '127.0.0.1' } }),
          'SECURITY_AUTHENTICATION_REQUIRED',
        );
      }
    });

    it('refuses a bound token with a spoofed certificate header: 401 invalid_token', async () => {
      const { accessToken } = tokens.issueAccessToken(alice, {
        certificateThumbprint: pki.alice.thumbprint,
      });
      invalidToken(
        await get({
          headers: {
            authorization: `Bearer ${accessToken}`,
            'x-client-cert': escapedPem(pki.alice),
          },
        }),
      );
    });
  });
});

describe('certificate-bound tokens with mTLS off', () => {
  it('are refused: 401 invalid_token (fail closed)', async () => {
    const ref = await Test.createTestingModule({
      imports: [
        MtlsScenarioModule.with({
          environment: 'test',
          jwt: {
            issuer: 'https://issuer.test',
            audience: 'api.test',
            keys: [{ kid: 'k1', privateKey: keys.privatePem }],
          },
        }),
      ],
    }).compile();
    const app = ref.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
      const url = new URL(`http://127.0.0.1:${port}`);
      const pki = await testPki();
      const tokens = app.get(TokenService);
      const bound = tokens.issueAccessToken(alice, { certificateThumbprint: pki.alice.thumbprint });
      invalidToken(await call(url, { headers: { authorization: `Bearer ${bound.accessToken}` } }));
      const unbound = tokens.issueAccessToken(alice);
      const reply = await call(url, {
        headers: { authorization: `Bearer ${unbound.accessToken}` },
      });
      expect(reply.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
