import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { startReferenceApp, type ReferenceApp } from '../contract/reference-app';
import { testPki } from '../support/certificates';
import { launchChromium } from '../support/chromium';

const SESSION_COOKIE = '__Host-rampart-session';

/** A port's worth of attacker: a page whose form posts `text=evil` to the app's `/notes`. */
function attackerPage(target: string) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    // `?csrf=` puts a token in the form: the victim's real one, as if it had leaked.
    const token = new URL(request.url ?? '/', 'http://attacker.invalid').searchParams.get('csrf');
    const csrf = (token ?? 'guess').replace(/[^\w-]/g, '');
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(`<!doctype html><html lang="en"><head><title>Win a prize</title></head><body>
      <form id="evil" method="post" action="${target}/notes">
        <input name="text" value="evil" /><input type="hidden" name="_csrf" value="${csrf}" />
        <button type="submit">Win a prize</button>
      </form></body></html>`);
  };
}

async function listen(server: Server, scheme: 'http' | 'https', host: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://${host}:${String((server.address() as AddressInfo).port)}`;
}

async function close(server: Server | undefined): Promise<void> {
  if (server?.listening !== true) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

/** Whether the browser sent the session cookie with the request that got `response`. */
async function sentSessionCookie(response: Response): Promise<boolean> {
  const cookie = (await response.request().allHeaders()).cookie ?? '';
  return cookie.split(/;\s*/).some((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
}

/**
 * Issue 3, in a real browser: headless Chromium (Debian's, driven by playwright-core) against the
 * reference app over HTTPS. Logging in through the app's page sets a session cookie that page
 * scripts cannot read; the page's CSRF-protected form post succeeds; a form on another origin that
 * posts to the app is refused and changes nothing: from another site SameSite=Lax keeps the cookie
 * home (401), from a sibling origin of the same site the cookie goes along and the CSRF guard
 * refuses it (403), even with the victim's real token in the form.
 */
describe.each(['express', 'fastify'] as const)('sessions in Chromium (%s)', (adapter) => {
  let dir: string | undefined;
  let app: ReferenceApp | undefined;
  let origin: string;
  let browser: Browser | undefined;
  let context: BrowserContext;
  /** Another site: plain HTTP on 127.0.0.1 (the app is https://localhost). */
  let crossSite: Server | undefined;
  let crossSiteOrigin: string;
  /** The same site, another origin: https://localhost on another port. */
  let sameSite: Server | undefined;
  let sameSiteOrigin: string;
  /** Content-Security-Policy violations the app's pages reported in the current test. */
  let cspViolations: string[];

  beforeAll(async () => {
    // First, so that a missing Chromium fails the suite before anything is started.
    browser = await launchChromium();
    const pki = await testPki();
    dir = await mkdtemp(join(tmpdir(), 'rampart-browser-'));
    await writeFile(join(dir, 'cert.pem'), pki.server.cert);
    await writeFile(join(dir, 'key.pem'), pki.server.key, { mode: 0o600 });
    app = await startReferenceApp({
      adapter,
      store: 'memory',
      env: { TLS_CERT_FILE: join(dir, 'cert.pem'), TLS_KEY_FILE: join(dir, 'key.pem') },
    });
    // The certificate names localhost: the browser talks to https://localhost:<port>.
    origin = app.url.replace('127.0.0.1', 'localhost');
    crossSite = createServer(attackerPage(origin));
    crossSiteOrigin = await listen(crossSite, 'http', '127.0.0.1');
    sameSite = createHttpsServer(
      { cert: pki.server.cert, key: pki.server.key },
      attackerPage(origin),
    );
    sameSiteOrigin = await listen(sameSite, 'https', 'localhost');
  }, 60_000);

  beforeEach(async () => {
    if (browser === undefined) throw new Error('Chromium did not start (see beforeAll).');
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    cspViolations = [];
    context.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
        cspViolations.push(message.text());
      }
    });
  });
  afterEach(async () => {
    await context.close();
    // The login page is CSP-clean: no inline script, no inline handler, nothing refused.
    expect(cspViolations).toEqual([]);
  });

  // Tolerates a beforeAll that failed half-way: whatever was started is stopped.
  afterAll(async () => {
    await browser?.close();
    await Promise.all([close(crossSite), close(sameSite)]);
    await app?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** Signs in as alice through the app's login page. */
  async function signIn(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('alice-password');
    const login = page.waitForResponse((response) => response.url().endsWith('/auth/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await login).status()).toBe(200);
    await page.getByRole('button', { name: 'Save note' }).waitFor();
    return page;
  }

  /** Opens `attackerOrigin` in the victim's browser and clicks its form's button. */
  async function submitEvilForm(attackerOrigin: string, query = ''): Promise<Response> {
    const evil = await context.newPage();
    await evil.goto(`${attackerOrigin}/${query}`);
    const posted = evil.waitForResponse((response) => response.url() === `${origin}/notes`);
    await evil.getByRole('button', { name: 'Win a prize' }).click();
    const response = await posted;
    expect(response.request().method()).toBe('POST');
    return response;
  }

  /** GET /me from the victim's page: the session still works. */
  async function meStatus(page: Page): Promise<number> {
    return page.evaluate(async () => (await fetch('/me')).status);
  }

  it('logs in; the session cookie is HttpOnly, Secure, SameSite=Lax, __Host-, and invisible to scripts', async () => {
    const page = await signIn();
    const cookies = await context.cookies(origin);
    const session = cookies.find((cookie) => cookie.name === SESSION_COOKIE);
    expect(session).toMatchObject({
      domain: 'localhost',
      path: '/',
      httpOnly: true,
      secure: true,
      sameSite: 'Lax',
    });
    expect(session?.name.startsWith('__Host-')).toBe(true);
    expect(session?.value).toMatch(/^[\w-]{43}$/);
    expect(await page.evaluate('document.cookie')).not.toContain('rampart-session');
    expect(await page.locator('#cookies').textContent()).not.toContain('rampart-session');
    // The browser sends it back: the page's own fetches are authenticated by the session.
    const me = await page.evaluate(async () => {
      const response = await fetch('/me');
      return { status: response.status, body: await response.json() };
    });
    expect(me).toEqual({
      status: 200,
      body: { id: 'u-alice', username: 'alice', roles: ['user'], authMethod: 'session' },
    });
  });

  it('shows a failed sign-in on the page and sets no cookie', async () => {
    const page = await context.newPage();
    await page.goto(`${origin}/login`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('wrong-password');
    const login = page.waitForResponse((response) => response.url().endsWith('/auth/login'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await login).status()).toBe(401);
    await page.getByRole('status').filter({ hasText: 'Sign-in failed (401).' }).waitFor();
    expect(await page.locator('#note').isHidden()).toBe(true);
    expect(await context.cookies(origin)).toEqual([]);
  });

  it('posts the CSRF-protected note form; the page navigates to the 201 answer', async () => {
    const page = await signIn();
    await page.getByLabel('Note').fill('hello from Chromium');
    const posted = page.waitForResponse((response) => response.url() === `${origin}/notes`);
    await page.getByRole('button', { name: 'Save note' }).click();
    const response = await posted;
    expect(response.request().isNavigationRequest()).toBe(true);
    expect(response.request().postDataJSON()).toMatchObject({ text: 'hello from Chromium' });
    // Chromium sends `Origin: null` here (the page's Referrer-Policy is no-referrer) and
    // `Sec-Fetch-Site: same-origin`, which the CSRF guard trusts.
    expect(await response.request().headerValue('sec-fetch-site')).toBe('same-origin');
    expect(response.status()).toBe(201);
    expect(await response.json()).toEqual({ text: 'hello from Chromium' });
    await page.waitForURL(`${origin}/notes`);
    expect(await page.locator('body').textContent()).toContain('hello from Chromium');
  });

  it('refuses a form on another site that posts to the app (SameSite=Lax: no cookie, 401)', async () => {
    const page = await signIn();
    const response = await submitEvilForm(crossSiteOrigin);
    expect(await response.request().headerValue('sec-fetch-site')).toBe('cross-site');
    // http://127.0.0.1 and https://localhost are different sites: a top-level cross-site POST
    // does not carry a SameSite=Lax cookie, so the request is anonymous.
    expect(await sentSessionCookie(response)).toBe(false);
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ code: 'SECURITY_AUTHENTICATION_REQUIRED' });
    expect(await response.text()).not.toContain('evil');
    expect(await meStatus(page)).toBe(200);
  });

  it('refuses a form on a sibling origin of the same site (cookie sent, CSRF guard: 403), even with the real token', async () => {
    const page = await signIn();
    const token = await page.locator('#note input[name="_csrf"]').inputValue();
    expect(token).not.toBe('');
    // https://localhost:<other port> is the same site as the app (ports do not make sites):
    // SameSite=Lax lets the cookie go, and only the CSRF guard stands between. It refuses on
    // provenance (Sec-Fetch-Site: same-site, a foreign Origin) before looking at the token.
    const response = await submitEvilForm(sameSiteOrigin, `?csrf=${token}`);
    expect(await response.request().headerValue('sec-fetch-site')).toBe('same-site');
    expect(await response.request().headerValue('origin')).toBe(sameSiteOrigin);
    expect(await sentSessionCookie(response)).toBe(true);
    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ code: 'SECURITY_CSRF_REJECTED' });
    expect(await meStatus(page)).toBe(200);
  });

  it('gives a credentialed cross-origin fetch from the other site no readable answer', async () => {
    const page = await signIn();
    const evil = await context.newPage();
    await evil.goto(crossSiteOrigin);
    const status = await evil.evaluate(async (target) => {
      try {
        const response = await fetch(`${target}/notes`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'text=evil',
        });
        return response.status;
      } catch {
        return 'blocked';
      }
    }, origin);
    // No CORS grant: the attacker's script gets a network error, never the answer.
    expect(status).toBe('blocked');
    expect(await meStatus(page)).toBe(200);
  });
});
