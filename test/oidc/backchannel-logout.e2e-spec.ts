import { randomUUID } from 'node:crypto';
import { ADAPTERS } from '../support/apps';
import {
  freePort,
  readForm,
  redisStore,
  signInAtProvider,
  startOidcApp,
  startTestProvider,
  testClient,
  TestBrowser,
  type OidcApp,
  type TestProvider,
} from './oidc-harness';

/** Polls `url` with `cookie` until it answers `status` (the invalidation is asynchronous). */
async function untilStatus(url: string, cookie: string, status: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const response = await fetch(url, { headers: { cookie } });
    if (response.status === status) return;
    if (Date.now() > deadline) throw new Error(`${url} still answers ${response.status}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Logout against the real provider with two instances of the app sharing one Redis: the browser
 * signs in through A; the provider's back-channel logout reaches B (its registered
 * backchannel_logout_uri); the session is then refused by both. RP-initiated logout from A
 * sends the browser to the provider's end-session endpoint with id_token_hint.
 */
describe.each(ADAPTERS)('OIDC logout across instances (%s)', (adapter) => {
  let provider: TestProvider;
  let a: OidcApp;
  let b: OidcApp;

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    // A's public URL is the redirect URI of both instances (one application behind a balancer);
    // the provider calls B for back-channel logout.
    provider = await startTestProvider([
      testClient('rampart-web', portA, {
        backchannel_logout_uri: `http://127.0.0.1:${portB}/auth/oidc/backchannel-logout`,
      }),
    ]);
    const store = redisStore(`oidc-logout:${randomUUID()}:`);
    const common = {
      issuer: provider.issuer,
      clientId: 'rampart-web',
      redirectUri: `http://127.0.0.1:${portA}/auth/oidc/callback`,
    };
    [a, b] = await Promise.all([
      startOidcApp({ adapter, port: portA, store, provider: common }),
      startOidcApp({ adapter, port: portB, store, provider: common }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
    await provider.stop();
  });

  async function signedIn(): Promise<{ browser: TestBrowser; cookie: string }> {
    const browser = new TestBrowser();
    const done = await browser.request(await signInAtProvider(browser, a.url, 'alice'));
    expect(done.status).toBe(303);
    const cookie = `rampart-session=${browser.cookie(a.url, 'rampart-session') ?? ''}`;
    expect((await fetch(`${a.url}/me`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${b.url}/me`, { headers: { cookie } })).status).toBe(200);
    return { browser, cookie };
  }

  it('revokes the session on every instance when the user signs out at the provider (back-channel to B)', async () => {
    const { browser, cookie } = await signedIn();
    const other = await signedIn();

    // Sign out at the provider (not through the app): its confirmation form, then the POST that
    // sends the logout token to B.
    const page = await browser.request(`${provider.issuer}/session/end`);
    const form = readForm(page.text, page.url);
    const confirmed = await browser.request(form.action, {
      method: 'POST',
      form: { ...form.fields, logout: 'yes' },
    });
    expect(confirmed.status).toBe(303);
    expect(provider.logs()).not.toContain('backchannel.error');

    await untilStatus(`${b.url}/me`, cookie, 401);
    await untilStatus(`${a.url}/me`, cookie, 401);
    // Another browser's session of the same user (another provider session, another sid) lives on.
    expect((await fetch(`${a.url}/me`, { headers: { cookie: other.cookie } })).status).toBe(200);
  });

  it('RP-initiated logout ends the session and redirects to end_session_endpoint with id_token_hint', async () => {
    const { browser, cookie } = await signedIn();
    const csrf = await browser.request(`${a.url}/auth/csrf`);
    const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
    const logout = await browser.request(`${a.url}/auth/oidc/logout`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(logout.status).toBe(303);
    const end = new URL(logout.location ?? '');
    expect(`${end.origin}${end.pathname}`).toBe(`${provider.issuer}/session/end`);
    expect(end.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect(end.searchParams.get('client_id')).toBe('rampart-web');
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${a.url}/signed-out`);
    expect(
      logout.setCookies.some((line) => /^rampart-session=;/.test(line) && /Max-Age=0/.test(line)),
    ).toBe(true);
    expect((await fetch(`${a.url}/me`, { headers: { cookie } })).status).toBe(401);
    await untilStatus(`${b.url}/me`, cookie, 401);

    // The provider accepts the hint and, once confirmed, returns the browser to the app.
    const page = await browser.request(logout.location ?? '');
    const form = readForm(page.text, page.url);
    const confirmed = await browser.request(form.action, {
      method: 'POST',
      form: { ...form.fields, logout: 'yes' },
    });
    let next = confirmed.location;
    for (let hop = 0; hop < 5 && next !== undefined && !next.startsWith(a.url); hop++) {
      next = (await browser.request(next)).location;
    }
    expect(next).toBe(`${a.url}/signed-out`);
  });

  it('refuses RP-initiated logout without the CSRF token (403)', async () => {
    const { browser, cookie } = await signedIn();
    const logout = await browser.request(`${a.url}/auth/oidc/logout`, { method: 'POST' });
    expect(logout.status).toBe(403);
    expect((await fetch(`${a.url}/me`, { headers: { cookie } })).status).toBe(200);
  });
});
