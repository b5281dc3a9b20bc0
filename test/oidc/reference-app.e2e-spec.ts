import { startReferenceApp, type ReferenceApp } from '../contract/reference-app';
import {
  CLIENT_SECRET,
  freePort,
  signInAtProvider,
  startTestProvider,
  testClient,
  TestBrowser,
  type TestProvider,
} from './oidc-harness';

/**
 * The reference app (built, `dist/src/main.js`) with OpenID Connect switched on by the OIDC_*
 * environment variables: the demo user `alice` signs in at the provider and `/me` accepts the
 * session.
 */
describe.each(['express', 'fastify'] as const)('reference app OIDC login (%s)', (adapter) => {
  let provider: TestProvider;
  let app: ReferenceApp;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startTestProvider([testClient('reference', port)]);
    app = await startReferenceApp({
      adapter,
      store: 'memory',
      env: {
        PORT: String(port),
        SESSION_ALLOW_INSECURE_HTTP: 'true',
        OIDC_ISSUER: provider.issuer,
        OIDC_CLIENT_ID: 'reference',
        OIDC_CLIENT_SECRET: CLIENT_SECRET,
        OIDC_REDIRECT_URI: `http://127.0.0.1:${port}/auth/oidc/callback`,
        OIDC_POST_LOGOUT_REDIRECT_URI: `http://127.0.0.1:${port}/signed-out`,
      },
    });
  }, 30_000);
  afterAll(async () => {
    await app.stop();
    await provider.stop();
  });

  it('signs alice in through /auth/oidc/login and /auth/oidc/callback', async () => {
    const browser = new TestBrowser();
    const done = await browser.request(await signInAtProvider(browser, app.url, 'alice'));
    expect(done.status).toBe(303);
    const me = await browser.request(`${app.url}/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toMatchObject({ username: 'alice', authMethod: 'oidc' });
  });
});
