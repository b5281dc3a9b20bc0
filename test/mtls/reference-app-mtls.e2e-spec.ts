import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startReferenceApp, type ReferenceApp } from '../contract/reference-app';
import { ADAPTERS } from '../support/apps';
import { escapedPem, testPki, type TestCertificate, type TestPki } from '../support/certificates';

/**
 * The reference app's HTTPS + mTLS mode (TLS_CERT_FILE, TLS_KEY_FILE, TLS_CA_FILE,
 * MTLS_TRUSTED_PROXIES), black box: the built app (`npm run build`) as a child process.
 */

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

function get(
  base: string,
  path: string,
  options: {
    ca?: string;
    cert?: TestCertificate;
    headers?: Record<string, string>;
    method?: 'GET' | 'POST';
    body?: string;
  } = {},
): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage): void => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as unknown });
      });
    };
    const common = {
      agent: false as const,
      method: options.method ?? 'GET',
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
    };
    const outgoing =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            {
              ...common,
              ca: options.ca,
              ...(options.cert === undefined
                ? {}
                : { cert: options.cert.cert, key: options.cert.key }),
            },
            onResponse,
          )
        : httpRequest(url, common, onResponse);
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

describe.each(ADAPTERS)('reference app with mTLS (%s)', (adapter) => {
  let pki: TestPki;
  let dir: string;
  const files = { cert: '', key: '', ca: '' };

  beforeAll(async () => {
    pki = await testPki();
    dir = await mkdtemp(join(tmpdir(), 'rampart-reference-tls-'));
    files.cert = join(dir, 'server.crt');
    files.key = join(dir, 'server.key');
    files.ca = join(dir, 'client-ca.crt');
    await writeFile(files.cert, pki.server.cert);
    await writeFile(files.key, pki.server.key, { mode: 0o600 });
    await writeFile(files.ca, pki.ca);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  describe('HTTPS with client certificates (TLS_CA_FILE)', () => {
    let app: ReferenceApp;
    beforeAll(async () => {
      app = await startReferenceApp({
        adapter,
        store: 'memory',
        env: {
          TLS_CERT_FILE: files.cert,
          TLS_KEY_FILE: files.key,
          TLS_CA_FILE: files.ca,
          MTLS_TRUSTED_PROXIES: undefined,
        },
      });
    });
    afterAll(() => app.stop());

    it('logs an https:// listening URL', () => {
      expect(app.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    });

    it('serves /health without a client certificate', async () => {
      const reply = await get(app.url, '/health', { ca: pki.ca });
      expect(reply).toEqual({ status: 200, body: { status: 'ok' } });
    });

    it('answers 401 on /me without a client certificate', async () => {
      const reply = await get(app.url, '/me', { ca: pki.ca });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: 'SECURITY_AUTHENTICATION_REQUIRED' });
    });

    it('maps CN=alice to the demo user alice', async () => {
      const reply = await get(app.url, '/me', { ca: pki.ca, cert: pki.alice });
      expect(reply).toEqual({
        status: 200,
        body: { id: 'u-alice', username: 'alice', roles: ['user'], authMethod: 'mtls' },
      });
    });

    it('maps CN=admin to the demo admin, who passes the admin route', async () => {
      expect((await get(app.url, '/admin', { ca: pki.ca, cert: pki.admin })).status).toBe(200);
      expect((await get(app.url, '/admin', { ca: pki.ca, cert: pki.alice })).status).toBe(403);
    });

    it('binds tokens issued over mTLS to the client certificate (cnf.x5t#S256)', async () => {
      const login = await get(app.url, '/auth/token', {
        ca: pki.ca,
        cert: pki.alice,
        method: 'POST',
        body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
      });
      expect(login.status).toBe(200);
      const token = String((login.body as { access_token: unknown }).access_token);
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
        cnf?: Record<string, unknown>;
      };
      expect(claims.cnf).toEqual({ 'x5t#S256': pki.alice.thumbprint });
      const bearer = { Authorization: `Bearer ${token}` };
      const withCert = await get(app.url, '/me', { ca: pki.ca, cert: pki.alice, headers: bearer });
      expect(withCert).toMatchObject({
        status: 200,
        body: { username: 'alice', authMethod: 'jwt' },
      });
      const without = await get(app.url, '/me', { ca: pki.ca, headers: bearer });
      expect(without).toMatchObject({ status: 401, body: { code: 'SECURITY_INVALID_TOKEN' } });
      const other = await get(app.url, '/me', { ca: pki.ca, cert: pki.admin, headers: bearer });
      expect(other).toMatchObject({ status: 401, body: { code: 'SECURITY_INVALID_TOKEN' } });
    });

    it('answers 401 SECURITY_INVALID_CERTIFICATE to an untrusted CA or an unknown CN', async () => {
      for (const cert of [pki.rogueAlice, pki.carol]) {
        const reply = await get(app.url, '/me', { ca: pki.ca, cert });
        expect(reply.status).toBe(401);
        expect(reply.body).toMatchObject({ code: 'SECURITY_INVALID_CERTIFICATE' });
      }
    });
  });

  describe('plain HTTP behind a trusted proxy (MTLS_TRUSTED_PROXIES)', () => {
    let app: ReferenceApp;
    beforeAll(async () => {
      app = await startReferenceApp({
        adapter,
        store: 'memory',
        env: {
          TLS_CERT_FILE: undefined,
          TLS_KEY_FILE: undefined,
          TLS_CA_FILE: undefined,
          MTLS_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1',
        },
      });
    });
    afterAll(() => app.stop());

    it('honours the x-client-cert header from 127.0.0.1', async () => {
      expect(app.url).toMatch(/^http:\/\//);
      const reply = await get(app.url, '/me', {
        headers: { 'x-client-cert': escapedPem(pki.alice) },
      });
      expect(reply.body).toMatchObject({ username: 'alice', authMethod: 'mtls' });
    });
  });

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    [
      'TLS_CA_FILE without a server certificate',
      { TLS_CA_FILE: '/nonexistent' },
      /TLS_CA_FILE needs HTTPS/,
    ],
    [
      'TLS_CERT_FILE without TLS_KEY_FILE',
      { TLS_CERT_FILE: '/nonexistent' },
      /TLS_CERT_FILE is set without TLS_KEY_FILE/,
    ],
    [
      'an unreadable certificate file',
      { TLS_CERT_FILE: '/nonexistent/server.crt', TLS_KEY_FILE: '/nonexistent/server.key' },
      /TLS_CERT_FILE cannot be read \(ENOENT\)/,
    ],
    [
      'an invalid trusted proxy',
      { MTLS_TRUSTED_PROXIES: 'proxy.internal' },
      /mtls\.trustedProxies\[0\]/,
    ],
  ])('refuses to start with %s', async (_name, env, message) => {
    await expect(
      startReferenceApp({
        adapter,
        store: 'memory',
        env: {
          TLS_CERT_FILE: undefined,
          TLS_KEY_FILE: undefined,
          TLS_CA_FILE: undefined,
          MTLS_TRUSTED_PROXIES: undefined,
          ...env,
        },
      }),
    ).rejects.toThrow(message);
  });
});
