import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { TestingModuleBuilder } from '@nestjs/testing';
import {
  SecurityClock,
  SecurityStore,
  type SecurityErrorCode,
  type SessionOptions,
} from '@rampart/security';
import request, { type Response } from 'supertest';
import {
  ManualClock,
  startApp,
  storeOptions,
  type AdapterName,
  type StoreName,
} from '../support/apps';
import { SessionsModule, type SessionsExtras } from './app.module';

export const ALICE = { username: 'alice', password: 'alice-password' } as const;
export const ADMIN = { username: 'admin', password: 'admin-password' } as const;
export const ALICE_ID = 'u-alice';
export const ADMIN_ID = 'u-admin';

/** The cookie name over HTTPS, and over plain HTTP unless `dangerouslyAllowInsecureHttp`. */
export const SESSION_COOKIE = '__Host-rampart-session';
/** The `Set-Cookie` line that clears the default session cookie. */
export const CLEARED_COOKIE = `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;

/** Issuer and audience of the bearer tokens of `/auth/token`. */
export const JWT = { issuer: 'https://issuer.test', audience: 'api.test' };

export const MINUTE_MS = 60_000;

/** The public id of a session id, and its key in the store: SHA-256, base64url. */
export const handleOf = (id: string): string => createHash('sha256').update(id).digest('base64url');
export const recordKey = (handle: string): string => `session:${handle}`;
export const indexKey = (userId: string): string => `sessions-of:${userId}`;

/** A session as a browser holds it. */
export interface BrowserSession {
  /** The cookie value (the secret id). */
  readonly id: string;
  /** `name=value`, for a `Cookie` header. */
  readonly cookie: string;
  readonly csrfToken: string;
  /** SHA-256 of the id: the store key and the public id in `GET /auth/sessions`. */
  readonly handle: string;
}

/** Every `Set-Cookie` line of a response (`[]` when none). */
export function setCookies(response: Response): string[] {
  const header: unknown = response.headers['set-cookie'];
  if (Array.isArray(header)) return header.map((line) => String(line));
  return typeof header === 'string' ? [header] : [];
}

/** The session a response set (its cookie `name`), with the CSRF token of its body. */
export function sessionSetBy(response: Response, name = SESSION_COOKIE): BrowserSession {
  const line = setCookies(response).find((candidate) => candidate.startsWith(`${name}=`));
  if (line === undefined) throw new Error(`the response set no ${name} cookie`);
  const cookie = line.split(';')[0] ?? '';
  const id = cookie.slice(name.length + 1);
  const body = response.body as { csrfToken?: unknown };
  const csrfToken = typeof body.csrfToken === 'string' ? body.csrfToken : '';
  return { id, cookie, csrfToken, handle: handleOf(id) };
}

/** Cookie and CSRF header of an unsafe request made by the session's own page. */
export const withCsrf = (session: BrowserSession): Record<string, string> => ({
  Cookie: session.cookie,
  'X-CSRF-Token': session.csrfToken,
});

/** Asserts a Rampart error response: status and stable code. */
export function expectError(response: Response, status: number, code: SecurityErrorCode): void {
  expect({ status: response.status, body: response.body as unknown }).toEqual({
    status,
    body: { statusCode: status, code, message: expect.any(String) },
  });
}

/** One running scenario app, with its store and its hand-moved clock. */
export interface SessionScenario {
  readonly app: INestApplication;
  /** The app's own SecurityStore instance (for stored state, and spies). */
  readonly store: SecurityStore;
  readonly clock: ManualClock;
  /** The Redis key prefix of this app (unused by the memory store). */
  readonly keyPrefix: string;
  /** A supertest request builder on the app. */
  http(): ReturnType<typeof request>;
  /** Logs in (200 expected) and returns the new session. */
  login(
    credentials?: { readonly username: string; readonly password: string },
    headers?: Readonly<Record<string, string>>,
  ): Promise<BrowserSession>;
  /** `GET /me` with the cookie. */
  me(session: BrowserSession | string): request.Test;
  close(): Promise<void>;
}

/** How a spec sets up its app. */
export interface SessionSetup extends SessionsExtras {
  /** The `session` option (default `{}`). */
  readonly session?: SessionOptions;
  /** Further overrides of the testing module (after the SecurityClock one). */
  readonly configure?: (builder: TestingModuleBuilder, clock: ManualClock) => TestingModuleBuilder;
}

/** Starts the scenario app on `adapter` with `store`, the SecurityClock replaced by a ManualClock. */
export async function startSessionApp(
  adapter: AdapterName,
  store: StoreName,
  setup: SessionSetup = {},
): Promise<SessionScenario> {
  const clock = new ManualClock();
  const keyPrefix = `test:sessions:${randomUUID()}:`;
  const app = await startApp(
    SessionsModule.with(
      {
        environment: 'test',
        jwt: JWT,
        session: setup.session ?? {},
        store: storeOptions(store, keyPrefix),
      },
      setup,
    ),
    adapter,
    (builder) => {
      const withClock = builder.overrideProvider(SecurityClock).useValue(clock);
      return setup.configure === undefined ? withClock : setup.configure(withClock, clock);
    },
  );
  const http = () => request(app.getHttpServer());
  return {
    app,
    store: app.get<SecurityStore>(SecurityStore),
    clock,
    keyPrefix,
    http,
    async login(credentials = ALICE, headers = {}) {
      const response = await http().post('/auth/login').set(headers).send(credentials);
      expect(response.status).toBe(200);
      return sessionSetBy(response);
    },
    me: (session) =>
      http()
        .get('/me')
        .set('Cookie', typeof session === 'string' ? session : session.cookie),
    close: () => app.close(),
  };
}

/**
 * Starts the scenario app before the tests of the enclosing `describe` (`'all'`) or before each
 * of them (`'each'`), and closes it after; the returned function gives the running scenario.
 */
export function useSessionApp(
  adapter: AdapterName,
  store: StoreName,
  setup: SessionSetup = {},
  scope: 'all' | 'each' = 'all',
): () => SessionScenario {
  let scenario: SessionScenario | undefined;
  const start = async () => {
    scenario = await startSessionApp(adapter, store, setup);
  };
  const stop = async () => {
    await scenario?.close();
    scenario = undefined;
  };
  if (scope === 'all') {
    beforeAll(start);
    afterAll(stop);
  } else {
    beforeEach(start);
    afterEach(stop);
  }
  return () => {
    if (scenario === undefined) throw new Error('the scenario app is not running');
    return scenario;
  };
}
