import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CurrentSession,
  SecurityModule,
  type OidcProviderOptions,
  type StoreOptions,
  type UserSession,
} from '@rampart/security';
import { DemoUsersService } from '../../src/demo-users.service';
import { MeController } from '../../src/me.controller';
import { OidcController } from '../../src/oidc.controller';
import { GENEROUS_THROTTLING, type AdapterName } from '../support/apps';

/** The client secret every test client is registered with (not a real secret). */
export const CLIENT_SECRET = 'rampart-e2e-client-secret-0123456789';

/** A running OpenID provider child process (oidc-provider, see provider.mjs). */
export interface TestProvider {
  readonly issuer: string;
  /** The provider's recent stderr (back-channel errors land here). */
  logs(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again; the caller binds it next). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts `provider.mjs` (oidc-provider with devInteractions) with these registered clients
 * (oidc-provider client metadata), and resolves once it listens.
 */
export async function startTestProvider(
  clients: readonly Record<string, unknown>[],
): Promise<TestProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'provider.mjs')], {
    env: { ...process.env, OIDC_TEST_CONFIG: JSON.stringify({ clients }), NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    logs = (logs + chunk.toString()).slice(-8000);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`OpenID provider did not start:\n${logs}`));
    }, 20_000);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT=(\d+)/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`OpenID provider exited (${code}):\n${logs}`));
    });
  });
  return {
    issuer: `http://127.0.0.1:${port}`,
    logs: () => logs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A client registration for oidc-provider: code flow, client_secret_basic, PKCE required. */
export function testClient(
  clientId: string,
  appPort: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    client_id: clientId,
    client_secret: CLIENT_SECRET,
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [`http://127.0.0.1:${appPort}/auth/oidc/callback`],
    post_logout_redirect_uris: [`http://127.0.0.1:${appPort}/signed-out`],
    backchannel_logout_uri: `http://127.0.0.1:${appPort}/auth/oidc/backchannel-logout`,
    backchannel_logout_session_required: true,
    ...extra,
  };
}

@Controller('auth')
class CsrfController {
  @Get('csrf')
  csrf(@CurrentSession() session: UserSession | undefined): { csrfToken: string } {
    return { csrfToken: session?.csrfToken() ?? '' };
  }
}

/** What {@link startOidcApp} starts: the reference app's OIDC and /me routes on a test module. */
export interface OidcAppOptions {
  readonly adapter: AdapterName;
  readonly store: StoreOptions;
  readonly port: number;
  readonly provider: Omit<OidcProviderOptions, 'clientSecret' | 'redirectUri'> &
    Partial<Pick<OidcProviderOptions, 'clientSecret' | 'redirectUri'>>;
}

/** A running test app. */
export interface OidcApp {
  readonly url: string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

/** The OIDC test module: Rampart with sessions and one OpenID provider, the reference routes. */
export function oidcTestModule(options: Omit<OidcAppOptions, 'adapter'>): new () => unknown {
  @Module({
    imports: [
      SecurityModule.forRoot({
        environment: 'test',
        session: { dangerouslyAllowInsecureHttp: true },
        store: options.store,
        // Tests poll /me while an invalidation travels: no general limit in the way.
        throttling: {
          ...GENEROUS_THROTTLING,
          throttlers: [{ name: 'default', limit: 1_000_000, windowMs: 60_000 }],
        },
        oidc: {
          providers: [
            {
              clientSecret: CLIENT_SECRET,
              redirectUri: `http://127.0.0.1:${options.port}/auth/oidc/callback`,
              postLogoutRedirectUri: `http://127.0.0.1:${options.port}/signed-out`,
              ...options.provider,
            },
          ],
        },
        userProvider: DemoUsersService,
      }),
    ],
    controllers: [OidcController, MeController, CsrfController],
  })
  class OidcTestModule {}
  return OidcTestModule;
}

/** Starts the test module on `adapter`, listening on 127.0.0.1:`port`. */
export async function startOidcApp(options: OidcAppOptions): Promise<OidcApp> {
  const module = oidcTestModule(options);
  const app =
    options.adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
          logger: false,
          abortOnError: false,
        })
      : await NestFactory.create(module, { logger: false, abortOnError: false });
  await app.listen(options.port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${options.port}`,
    app,
    close: () => app.close(),
  };
}

/** A unique Redis store for one scenario (never a flush), or the memory store. */
export function redisStore(prefix = `oidc:${randomUUID()}:`): StoreOptions {
  const url = process.env.REDIS_URL;
  if (url === undefined || url === '') throw new Error('REDIS_URL is not set');
  return { type: 'redis', url, keyPrefix: prefix };
}

/** A response as the browser saw it. */
export interface BrowserResponse {
  readonly status: number;
  readonly location: string | undefined;
  readonly headers: Headers;
  readonly setCookies: readonly string[];
  readonly text: string;
  readonly url: string;
}

/**
 * A minimal browser: one cookie jar per origin (name -> value; paths are ignored, expired
 * cookies removed), redirects followed by hand so every hop can be inspected.
 */
export class TestBrowser {
  private readonly jars = new Map<string, Map<string, string>>();

  /** The cookie header this browser sends to `origin`. */
  cookieHeader(origin: string): string {
    const jar = this.jars.get(origin);
    return jar === undefined ? '' : [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** A cookie this browser holds for `origin`. */
  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  /** Replaces the jar of `origin` with another browser's (cross-browser tests use this sparingly). */
  setCookie(origin: string, name: string, value: string): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    jar.set(name, value);
    this.jars.set(origin, jar);
  }

  async request(
    url: string,
    init: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
  ): Promise<BrowserResponse> {
    const { origin } = new URL(url);
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.cookieHeader(origin);
    if (cookie !== '') headers.cookie = cookie;
    let body: string | undefined;
    if (init.form !== undefined) {
      body = new URLSearchParams(init.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
    });
    const setCookies = response.headers.getSetCookie();
    this.store(origin, setCookies);
    const location = response.headers.get('location') ?? undefined;
    return {
      status: response.status,
      location: location === undefined ? undefined : new URL(location, url).href,
      headers: response.headers,
      setCookies,
      text: await response.text(),
      url,
    };
  }

  /** Follows redirects from `url` until a non-redirect or until `stop(url)` says so. */
  async follow(
    url: string,
    stop: (next: string) => boolean = () => false,
  ): Promise<{ response: BrowserResponse; next: string | undefined }> {
    let current = url;
    for (let hop = 0; hop < 20; hop++) {
      const response = await this.request(current);
      if (response.location === undefined || response.status < 300 || response.status >= 400) {
        return { response, next: undefined };
      }
      if (stop(response.location)) return { response, next: response.location };
      current = response.location;
    }
    throw new Error('too many redirects');
  }

  private store(origin: string, lines: readonly string[]): void {
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const equals = pair.indexOf('=');
      if (equals === -1) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      const expired = attributes.some((attribute) => {
        const [key = '', val = ''] = attribute.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(val) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(val) <= Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    this.jars.set(origin, jar);
  }
}

/** The action URL and hidden fields of the first form of an HTML page. */
export function readForm(
  html: string,
  base: string,
): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form?.[1] === undefined) throw new Error(`no form in page:\n${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const input of (form[2] ?? '').matchAll(/<input[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name !== undefined && value !== undefined) fields[name] = value;
  }
  return { action: new URL(form[1].replace(/&amp;/g, '&'), base).href, fields };
}

/**
 * Drives a login at the test provider from the app's `/auth/oidc/login` up to the callback URL
 * the provider redirects to (not requested yet): authorize, the login form (any name and
 * password), the consent form. Returns that callback URL.
 */
export async function signInAtProvider(
  browser: TestBrowser,
  appUrl: string,
  login: string,
): Promise<string> {
  const start = await browser.request(`${appUrl}/auth/oidc/login`);
  if (start.status !== 302 || start.location === undefined) {
    throw new Error(`login did not redirect: ${start.status} ${start.text}`);
  }
  return continueAtProvider(browser, start.location, appUrl, login);
}

/** From the authorization URL through the provider's forms to the callback URL of `appUrl`. */
export async function continueAtProvider(
  browser: TestBrowser,
  authorizationUrl: string,
  appUrl: string,
  login: string,
): Promise<string> {
  const isCallback = (url: string): boolean => url.startsWith(`${appUrl}/auth/oidc/callback`);
  let { response, next } = await browser.follow(authorizationUrl, isCallback);
  for (let step = 0; step < 4 && next === undefined; step++) {
    const form = readForm(response.text, response.url);
    const fields =
      form.fields.prompt === 'login'
        ? { ...form.fields, login, password: 'any-password' }
        : form.fields;
    const submitted = await browser.request(form.action, { method: 'POST', form: fields });
    if (submitted.location === undefined) {
      throw new Error(`provider form not accepted: ${submitted.status} ${submitted.text}`);
    }
    if (isCallback(submitted.location)) return submitted.location;
    ({ response, next } = await browser.follow(submitted.location, isCallback));
  }
  if (next === undefined) throw new Error('the provider never redirected to the callback');
  return next;
}
