import { ADAPTERS } from '../support/apps';
import {
  continueAtProvider,
  freePort,
  redisStore,
  signInAtProvider,
  startOidcApp,
  startTestProvider,
  testClient,
  TestBrowser,
  type OidcApp,
  type TestProvider,
} from './oidc-harness';

/**
 * Issue 5: the whole authorization code flow against a real OpenID provider (oidc-provider on
 * 127.0.0.1): /auth/oidc/login -> the provider's authorization endpoint with PKCE S256, state and
 * nonce -> its login and consent forms -> /auth/oidc/callback -> a Rampart session that /me
 * accepts, on Express and Fastify, with the memory store and with Redis.
 */
describe.each(
  ADAPTERS.flatMap((adapter) =>
    (['memory', 'redis'] as const).map((store) => [adapter, store] as const),
  ),
)('OIDC code flow (%s, %s store)', (adapter, store) => {
  let provider: TestProvider;
  let app: OidcApp;

  beforeAll(async () => {
    const port = await freePort();
    provider = await startTestProvider([testClient('rampart-web', port)]);
    app = await startOidcApp({
      adapter,
      port,
      store: store === 'memory' ? { type: 'memory' } : redisStore(),
      provider: { issuer: provider.issuer, clientId: 'rampart-web' },
    });
  }, 30_000);
  afterAll(async () => {
    await app.close();
    await provider.stop();
  });

  it('sends the browser to the provider with PKCE S256, state, nonce and the configured redirect_uri', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${app.url}/auth/oidc/login`);
    expect(start.status).toBe(302);
    expect(start.headers.get('cache-control')).toContain('no-store');
    const authorize = new URL(start.location ?? '');
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${provider.issuer}/auth`);
    const params = authorize.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe('rampart-web');
    expect(params.get('redirect_uri')).toBe(`${app.url}/auth/oidc/callback`);
    expect(params.get('scope')).toBe('openid profile email');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The binding cookie: HttpOnly, SameSite=Lax (it must come back on the provider's redirect).
    const binding = start.setCookies.find((line) => line.startsWith('rampart-oidc='));
    expect(binding).toMatch(/HttpOnly/);
    expect(binding).toMatch(/SameSite=Lax/);
    expect(binding).toMatch(/Path=\//);
  });

  it('ends with a new session cookie that /me accepts', async () => {
    const browser = new TestBrowser();
    const callback = await signInAtProvider(browser, app.url, 'alice');
    const done = await browser.request(callback);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${app.url}/`);
    const sessionCookie = done.setCookies.find((line) => line.startsWith('rampart-session='));
    expect(sessionCookie).toMatch(/HttpOnly/);
    const me = await browser.request(`${app.url}/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toEqual({
      id: 'u-alice',
      username: 'alice',
      roles: ['user'],
      authMethod: 'oidc',
    });
  });

  it('keeps several logins of one browser pending at once (parallel tabs)', async () => {
    const browser = new TestBrowser();
    const first = await browser.request(`${app.url}/auth/oidc/login`);
    const second = await browser.request(`${app.url}/auth/oidc/login`);
    expect(new URL(first.location ?? '').searchParams.get('state')).not.toBe(
      new URL(second.location ?? '').searchParams.get('state'),
    );
    // The first tab finishes after the second one started: its state is still good.
    const callback = await continueAtProvider(browser, first.location ?? '', app.url, 'alice');
    const done = await browser.request(callback);
    expect(done.status).toBe(303);
    expect((await browser.request(`${app.url}/me`)).status).toBe(200);
  });

  it('replaces a session the browser already had (fixation): a new id at every login', async () => {
    const browser = new TestBrowser();
    await browser.request(await signInAtProvider(browser, app.url, 'alice'));
    const firstSession = browser.cookie(app.url, 'rampart-session');
    await browser.request(await signInAtProvider(browser, app.url, 'alice'));
    const secondSession = browser.cookie(app.url, 'rampart-session');
    expect(secondSession).toBeDefined();
    expect(secondSession).not.toBe(firstSession);
    const old = await fetch(`${app.url}/me`, {
      headers: { cookie: `rampart-session=${firstSession ?? ''}` },
    });
    expect(old.status).toBe(401);
  });

  it('refuses a provider user the application does not know (mapClaims gives undefined), with no session', async () => {
    const browser = new TestBrowser();
    const done = await browser.request(await signInAtProvider(browser, app.url, 'mallory'));
    expect(done.status).toBe(401);
    expect(JSON.parse(done.text)).toMatchObject({ code: 'SECURITY_OIDC_FAILED' });
    expect(browser.cookie(app.url, 'rampart-session')).toBeUndefined();
  });
});
