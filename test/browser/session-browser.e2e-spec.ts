import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { startReferenceApp, type ReferenceApp } from '../contract/reference-app';
import { testPki } from '../support/certificates';
import { launchChromium } from '../support/chromium';

/**
 * Issue 3, in a real browser: headless Chromium (Debian's, driven by playwright-core) against the
 * reference app over HTTPS. Logging in through the app's page sets a session cookie that page
 * scripts cannot read; the page's CSRF-protected form post succeeds; a form on another origin that
 * posts to the app is refused and changes nothing.
 */
describe.each(['express', 'fastify'] as const)('sessions in Chromium (%s)', (adapter) => {
  let dir: string;
  let app: ReferenceApp;
  let origin: string;
  let browser: Browser;
  let context: BrowserContext;
  let attacker: Server;
  let attackerOrigin: string;

  beforeAll(async () => {
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
    // Another origin (another host name and port, plain HTTP): a page with a form aimed at the app.
    attacker = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><html><body>
        <form id="evil" method="post" action="${origin}/notes">
          <input name="text" value="evil" /><input name="_csrf" value="guess" />
          <button type="submit">Win a prize</button>
        </form></body></html>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 60_000);

  beforeEach(async () => {
    context = await browser.newContext({ ignoreHTTPSErrors: true });
  });
  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser.close();
    await new Promise<void>((resolve) =>
      attacker.close(() => {
        resolve();
      }),
    );
    await app.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** Signs in as alice through the app's login page. */
  async function signIn(): Promise<import('playwright-core').Page> {
    const page = await context.newPage();
    await page.goto(`${origin}/login`);
    await page.fill('input[name="username"]', 'alice');
    await page.fill('input[name="password"]', 'alice-password');
    const login = page.waitForResponse((response) => response.url().endsWith('/auth/login'));
    await page.click('#login button[type="submit"]');
    expect((await login).status()).toBe(200);
    await page.waitForSelector('#note:not([hidden])');
    return page;
  }

  it('logs in; the session cookie is HttpOnly, Secure, SameSite=Lax, __Host-, and invisible to scripts', async () => {
    const page = await signIn();
    const cookies = await context.cookies(origin);
    const session = cookies.find((cookie) => cookie.name === '__Host-rampart-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    expect(session?.value).toMatch(/^[\w-]{43}$/);
    expect(await page.evaluate('document.cookie')).not.toContain('rampart-session');
    expect(await page.textContent('#cookies')).not.toContain('rampart-session');
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

  it('posts the CSRF-protected note form', async () => {
    const page = await signIn();
    await page.fill('#note input[name="text"]', 'hello from Chromium');
    const posted = page.waitForResponse((response) => response.url().endsWith('/notes'));
    await page.click('#note button[type="submit"]');
    const response = await posted;
    // Chromium sends `Origin: null` here (the page's Referrer-Policy is no-referrer) and
    // `Sec-Fetch-Site: same-origin`, which the CSRF guard trusts.
    expect(await response.request().headerValue('sec-fetch-site')).toBe('same-origin');
    expect(response.status()).toBe(201);
    expect(await response.json()).toEqual({ text: 'hello from Chromium' });
  });

  it('refuses a form on another origin that posts to the app, and the session stays usable', async () => {
    const page = await signIn();
    const evil = await context.newPage();
    await evil.goto(attackerOrigin);
    const posted = evil.waitForResponse((response) => response.url().endsWith('/notes'));
    await evil.click('#evil button[type="submit"]');
    const response = await posted;
    // SameSite=Lax keeps the cookie off a cross-site POST (401); were it sent, the CSRF guard
    // would answer 403. Either way the note is refused.
    expect([401, 403]).toContain(response.status());
    expect(response.status()).not.toBe(201);
    const body = (await response.json()) as { code: string };
    expect(['SECURITY_AUTHENTICATION_REQUIRED', 'SECURITY_CSRF_REJECTED']).toContain(body.code);
    // The victim's session is intact.
    const status = await page.evaluate(async () => (await fetch('/me')).status);
    expect(status).toBe(200);
  });

  it('gives a credentialed cross-origin fetch from the other origin no readable answer', async () => {
    const page = await signIn();
    const evil = await context.newPage();
    await evil.goto(attackerOrigin);
    // A credentialed cross-origin fetch: the browser sends Origin and Sec-Fetch-Site cross-site.
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
    expect(await page.evaluate(async () => (await fetch('/me')).status)).toBe(200);
  });
});
