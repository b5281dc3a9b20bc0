import {
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
  verify,
  type JsonWebKey,
} from 'node:crypto';
import {
  startReferenceApp,
  type ReferenceApp,
  type ReferenceAppAdapter,
  type ReferenceAppStore,
} from './reference-app';

/**
 * The HTTP contract of the reference app (DESIGN.md, "Reference app HTTP contract"), black box:
 * the built app runs as child processes and is spoken to only with `fetch`. With Redis, two
 * instances share one store and requests alternate between them like behind a load balancer.
 */

interface SetUp {
  readonly adapter: ReferenceAppAdapter;
  readonly store: ReferenceAppStore;
  readonly instances: 1 | 2;
}

const SET_UPS: readonly SetUp[] = [
  { adapter: 'express', store: 'memory', instances: 1 },
  { adapter: 'fastify', store: 'memory', instances: 1 },
  { adapter: 'express', store: 'redis', instances: 2 },
  { adapter: 'fastify', store: 'redis', instances: 2 },
];

const ALICE = { username: 'alice', password: 'alice-password' } as const;
const ADMIN = { username: 'admin', password: 'admin-password' } as const;
const ONE_YEAR_SECONDS = 31_536_000;
const REFERRER_POLICIES = new Set([
  'no-referrer',
  'no-referrer-when-downgrade',
  'origin',
  'origin-when-cross-origin',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
]);
/** JWK members that only private keys have (RFC 7517, RFC 7518). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

type JsonObject = Record<string, unknown>;

/** One HTTP exchange, read completely. */
interface Reply {
  readonly request: string;
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON; `undefined` when it is not JSON. */
  readonly json: unknown;
}

interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'DELETE';
  readonly token?: string;
  /** A session: its cookie (`name=value`) and, for unsafe methods, its CSRF token. */
  readonly session?: { readonly cookie: string; readonly csrfToken?: string };
  /** A raw body, sent as is. */
  readonly body?: string;
  /** Content-Type of `body`; `application/json` unless given. */
  readonly contentType?: string;
}

async function send(app: ReferenceApp, path: string, options: RequestOptions = {}): Promise<Reply> {
  const method = options.method ?? (options.body === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.session !== undefined) {
    headers.Cookie = options.session.cookie;
    if (options.session.csrfToken !== undefined)
      headers['X-CSRF-Token'] = options.session.csrfToken;
  }
  if (options.body !== undefined || method === 'POST') {
    headers['Content-Type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${app.url}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    redirect: 'manual',
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    request: `${method} ${path}`,
    status: response.status,
    headers: response.headers,
    text,
    json,
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objectBody(reply: Reply): JsonObject {
  if (!isObject(reply.json)) {
    throw new Error(
      `${reply.request} -> ${reply.status}: body is not a JSON object: ${reply.text}`,
    );
  }
  return reply.json;
}

function decodeSegment(segment: string | undefined): JsonObject {
  const value: unknown = JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
  if (!isObject(value)) throw new Error('JWT segment is not a JSON object');
  return value;
}

function encodeSegment(value: JsonObject): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The three segments of a compact JWS. */
function splitJwt(token: string): { header: string; payload: string; signature: string } {
  const [header, payload, signature, ...rest] = token.split('.');
  if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) {
    throw new Error('not a compact JWS');
  }
  return { header, payload, signature };
}

/** Parameters of a `;`-separated header (HSTS, Cache-Control-like), names lower-cased. */
function directives(value: string | null, separator: RegExp = /;/): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (value ?? '').split(separator)) {
    const trimmed = part.trim();
    if (trimmed === '') continue;
    const [name = '', ...rest] = trimmed.split(/[=\s]+/);
    map.set(name.toLowerCase(), rest.join(' '));
  }
  return map;
}

/** The security headers that every response carries, whatever its status. */
function expectSecurityHeaders(reply: Reply): void {
  const hsts = directives(reply.headers.get('strict-transport-security'));
  expect(Number(hsts.get('max-age'))).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
  expect(hsts.has('includesubdomains')).toBe(true);
  expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
  const csp = directives(reply.headers.get('content-security-policy'));
  expect({
    'object-src': csp.get('object-src'),
    'base-uri': csp.get('base-uri'),
    'frame-ancestors': csp.get('frame-ancestors'),
  }).toEqual({ 'object-src': "'none'", 'base-uri': "'none'", 'frame-ancestors': "'none'" });
  const referrerPolicy = (reply.headers.get('referrer-policy') ?? '')
    .split(',')
    .map((policy) => policy.trim().toLowerCase());
  for (const policy of referrerPolicy) expect(REFERRER_POLICIES).toContain(policy);
  expect(referrerPolicy.at(-1)).not.toBe('unsafe-url');
  expect(reply.headers.get('x-powered-by')).toBeNull();
}

function expectNoStore(reply: Reply): void {
  expect([...directives(reply.headers.get('cache-control'), /,/).keys()]).toContain('no-store');
}

/**
 * An error response: exactly `{ statusCode, code, message }`, JSON, the security headers, and
 * nothing in the body that must not leak (`secrets`: tokens, passwords; any stack frame).
 */
function expectError(
  reply: Reply,
  statusCode: number,
  code: string | undefined,
  secrets: readonly string[] = [],
): void {
  expect({ request: reply.request, status: reply.status }).toEqual({
    request: reply.request,
    status: statusCode,
  });
  expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
  expect({ request: reply.request, body: reply.json }).toEqual({
    request: reply.request,
    body: { statusCode, code: code ?? expect.any(String), message: expect.any(String) },
  });
  const body = objectBody(reply);
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'statusCode']);
  expect(String(body.message).length).toBeGreaterThan(0);
  expect(reply.text).not.toMatch(/\bat .+\.[cm]?[jt]s:\d+/);
  expect(reply.text).not.toMatch(/eyJ[\w-]{8,}/);
  for (const secret of secrets) expect(reply.text).not.toContain(secret);
  expectSecurityHeaders(reply);
}

/** Verifies an ES256 JWS against a published JWK with node:crypto alone. */
function verifiesWith(jwk: JsonWebKey, token: string): boolean {
  const { header, payload, signature } = splitJwt(token);
  return verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
}

describe.each(SET_UPS)(
  'reference app HTTP contract ($adapter, $store, $instances instance(s))',
  ({ adapter, store, instances }) => {
    const apps: ReferenceApp[] = [];
    let turn = 0;
    /** The next instance, round-robin, like a load balancer. */
    const next = (): ReferenceApp => {
      const app = apps[turn % apps.length];
      turn += 1;
      if (app === undefined) throw new Error('no reference app is running');
      return app;
    };
    const call = (path: string, options?: RequestOptions): Promise<Reply> =>
      send(next(), path, options);
    const login = async (
      credentials: { username: string; password: string },
      app: ReferenceApp = next(),
    ): Promise<string> => {
      const reply = await send(app, '/auth/token', { body: JSON.stringify(credentials) });
      const token = objectBody(reply).access_token;
      if (reply.status !== 200 || typeof token !== 'string') {
        throw new Error(
          `POST /auth/token as ${credentials.username} -> ${reply.status}: ${reply.text}`,
        );
      }
      return token;
    };

    let aliceToken: string;
    let adminToken: string;

    beforeAll(async () => {
      // The instances of one set-up share a key prefix (as a deployment would); set-ups do not.
      const env = { REDIS_KEY_PREFIX: `contract:${randomUUID()}:` };
      const started = await Promise.allSettled(
        Array.from({ length: instances }, () => startReferenceApp({ adapter, store, env })),
      );
      for (const result of started) if (result.status === 'fulfilled') apps.push(result.value);
      for (const result of started) if (result.status === 'rejected') throw result.reason;
      aliceToken = await login(ALICE);
      adminToken = await login(ADMIN);
    }, 45_000);

    afterAll(async () => {
      await Promise.all(apps.splice(0).map((app) => app.stop()));
    }, 15_000);

    describe('GET /health', () => {
      it('answers 200 { status: "ok" } anonymously, with the security headers', async () => {
        const reply = await call('/health');
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
        expect(reply.json).toEqual({ status: 'ok' });
        expectSecurityHeaders(reply);
      });
    });

    describe('POST /auth/token', () => {
      it('issues an ES256 at+jwt access token for valid credentials', async () => {
        const reply = await call('/auth/token', { body: JSON.stringify(ALICE) });
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
        expectSecurityHeaders(reply);
        expectNoStore(reply); // RFC 6749 section 5.1
        const body = objectBody(reply);
        // refresh_token belongs to a later stage: allowed, not required.
        expect(
          Object.keys(body)
            .filter((key) => key !== 'refresh_token')
            .sort(),
        ).toEqual(['access_token', 'expires_in', 'token_type']);
        if ('refresh_token' in body) expect(body.refresh_token).toEqual(expect.any(String));
        expect(body.token_type).toBe('Bearer');
        expect(Number.isSafeInteger(body.expires_in)).toBe(true);
        expect(body.expires_in).toBeGreaterThan(0);
        expect(body.access_token).toEqual(expect.any(String));
        const { header, payload } = splitJwt(String(body.access_token));
        expect(decodeSegment(header)).toEqual({
          alg: 'ES256',
          typ: 'at+jwt',
          kid: expect.stringMatching(/^\S+$/),
        });
        const claims = decodeSegment(payload);
        expect(Number(claims.exp) - Number(claims.iat)).toBe(body.expires_in);
      });

      it('answers a wrong password and an unknown user with the same 401 body', async () => {
        const wrongPassword = await call('/auth/token', {
          body: JSON.stringify({ username: 'alice', password: 'wrong-password-7f3a' }),
        });
        const unknownUser = await call('/auth/token', {
          body: JSON.stringify({ username: 'mallory-7f3a', password: 'alice-password' }),
        });
        expectError(wrongPassword, 401, 'SECURITY_INVALID_CREDENTIALS', ['wrong-password-7f3a']);
        expectError(unknownUser, 401, 'SECURITY_INVALID_CREDENTIALS', ['alice-password']);
        expect(unknownUser.json).toEqual(wrongPassword.json);
        expectNoStore(wrongPassword);
        expectNoStore(unknownUser);
      });

      it.each<[string, string]>([
        ['an empty body', ''],
        ['invalid JSON', '{"username":"alice","password":"alice-password"'],
        ['a JSON string', '"alice-password"'],
        ['JSON null', 'null'],
        ['a JSON number', '42'],
        ['an array', '[{"username":"alice","password":"alice-password"}]'],
        ['a missing password', '{"username":"alice"}'],
        ['a missing username', '{"password":"alice-password"}'],
        ['a number instead of a string', '{"username":"alice","password":12345}'],
        ['a number as the username', '{"username":42,"password":"alice-password"}'],
        ['an object instead of a string', '{"username":{"$ne":null},"password":"alice-password"}'],
      ])('answers 400 SECURITY_BAD_REQUEST to %s', async (_name, body) => {
        const reply = await call('/auth/token', { body });
        expectError(reply, 400, 'SECURITY_BAD_REQUEST', ['alice-password']);
      });
    });

    describe('GET /me', () => {
      it('answers 401 SECURITY_AUTHENTICATION_REQUIRED with a Bearer challenge anonymously', async () => {
        const reply = await call('/me');
        expectError(reply, 401, 'SECURITY_AUTHENTICATION_REQUIRED');
        // RFC 6750 3.1: no error code when the request carried no credentials.
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer(?:\s+realm="[^"]*")?$/);
        expectNoStore(reply);
      });

      it("answers 200 with alice's principal, not storable", async () => {
        const reply = await call('/me', { token: aliceToken });
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
        expect(reply.json).toEqual({
          id: expect.stringMatching(/^\S+$/),
          username: 'alice',
          roles: ['user'],
          authMethod: 'jwt',
        });
        expectNoStore(reply);
        expectSecurityHeaders(reply);
      });

      const forgeries: [string, (token: string) => string][] = [
        ['a garbage token', () => 'garbage'],
        [
          'a token whose payload was changed (roles: ["admin"])',
          (token) => {
            const { header, payload, signature } = splitJwt(token);
            const claims = { ...decodeSegment(payload), roles: ['admin'] };
            return `${header}.${encodeSegment(claims)}.${signature}`;
          },
        ],
        [
          'a token whose signature was changed',
          (token) => {
            const { header, payload, signature } = splitJwt(token);
            const flipped = signature[10] === 'A' ? 'B' : 'A';
            return `${header}.${payload}.${signature.slice(0, 10)}${flipped}${signature.slice(11)}`;
          },
        ],
        [
          'a token with alg "none" and no signature',
          (token) => {
            const { header, payload } = splitJwt(token);
            return `${encodeSegment({ ...decodeSegment(header), alg: 'none' })}.${payload}.`;
          },
        ],
        [
          'a token signed by another P-256 key under the same kid',
          (token) => {
            const { header, payload } = splitJwt(token);
            const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
            const input = `${header}.${payload}`;
            const signature = sign('sha256', Buffer.from(input), {
              key: privateKey,
              dsaEncoding: 'ieee-p1363',
            });
            return `${input}.${signature.toString('base64url')}`;
          },
        ],
      ];

      it.each(forgeries)('answers 401 SECURITY_INVALID_TOKEN to %s', async (_name, forge) => {
        const forged = forge(aliceToken);
        const reply = await call('/me', { token: forged });
        expectError(reply, 401, 'SECURITY_INVALID_TOKEN', [forged, aliceToken]);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b.*error="invalid_token"/);
        expectNoStore(reply);
      });
    });

    describe('GET /admin', () => {
      it('answers 401 SECURITY_AUTHENTICATION_REQUIRED anonymously', async () => {
        const reply = await call('/admin');
        expectError(reply, 401, 'SECURITY_AUTHENTICATION_REQUIRED');
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
        expectNoStore(reply);
      });

      it('answers 403 SECURITY_FORBIDDEN to a user without the admin role', async () => {
        const reply = await call('/admin', { token: aliceToken });
        expectError(reply, 403, 'SECURITY_FORBIDDEN', [aliceToken]);
        expect(reply.text).not.toContain('admin');
      });

      it('answers 200 to admin, not storable', async () => {
        const reply = await call('/admin', { token: adminToken });
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
        expectNoStore(reply);
        expectSecurityHeaders(reply);
      });
    });

    describe('GET /.well-known/jwks.json', () => {
      it('publishes the public P-256 key that verifies issued tokens, and no private member', async () => {
        const reply = await call('/.well-known/jwks.json');
        expect(reply.status).toBe(200);
        expect(reply.headers.get('content-type')).toMatch(/^application\/json\b/);
        expectSecurityHeaders(reply);
        const { keys } = objectBody(reply);
        expect(Array.isArray(keys)).toBe(true);
        const jwks = (keys as unknown[]).filter(isObject);
        expect(jwks).toHaveLength((keys as unknown[]).length);
        for (const jwk of jwks) {
          for (const member of PRIVATE_JWK_MEMBERS) expect(jwk).not.toHaveProperty(member);
        }

        const { header, payload } = splitJwt(aliceToken);
        const { kid } = decodeSegment(header);
        const jwk = jwks.find((candidate) => candidate.kid === kid);
        expect(jwk).toMatchObject({
          kid,
          kty: 'EC',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
        });
        if (jwk === undefined) return;
        if ('alg' in jwk) expect(jwk.alg).toBe('ES256');
        if ('use' in jwk) expect(jwk.use).toBe('sig');
        expect(verifiesWith(jwk as JsonWebKey, aliceToken)).toBe(true);
        expect(verifiesWith(jwk as JsonWebKey, adminToken)).toBe(true);
        // The check itself can fail: the same signature over other claims does not verify.
        const { signature } = splitJwt(aliceToken);
        const other = `${header}.${encodeSegment({ ...decodeSegment(payload), sub: 'u-admin' })}.${signature}`;
        expect(verifiesWith(jwk as JsonWebKey, other)).toBe(false);
      });
    });

    describe('an unknown route', () => {
      it('answers 404 with an error body and the security headers', async () => {
        const reply = await call('/no-such-route');
        expectError(reply, 404, undefined);
      });

      it('answers 404 to an authenticated request too, without echoing the token', async () => {
        const reply = await call('/no-such-route', { token: aliceToken });
        expectError(reply, 404, undefined, [aliceToken]);
      });
    });

    describe('refresh, revoke, logout-all', () => {
      /** Logs alice in and returns the whole token response. */
      const pairOf = async (): Promise<Record<string, unknown>> => {
        const reply = await call('/auth/token', { body: JSON.stringify(ALICE) });
        expect(reply.status).toBe(200);
        return objectBody(reply);
      };
      /** Polls /me with `token` (round-robin) until every instance answers 401. */
      const refusedEverywhere = async (token: string): Promise<void> => {
        const deadline = Date.now() + 5_000;
        for (;;) {
          const replies = await Promise.all(apps.map((app) => send(app, '/me', { token })));
          if (replies.every((reply) => reply.status === 401)) return;
          if (Date.now() > deadline) throw new Error('a revoked token is still accepted');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };

      it('POST /auth/token includes an opaque refresh_token', async () => {
        const pair = await pairOf();
        expect(pair.refresh_token).toEqual(expect.stringMatching(/^rt_[A-Za-z0-9_-]{43}$/));
      });

      it('POST /auth/refresh answers a new pair, not storable; the new access token works', async () => {
        const first = await pairOf();
        const reply = await call('/auth/refresh', {
          body: JSON.stringify({ refresh_token: first.refresh_token }),
        });
        expect(reply.status).toBe(200);
        expectNoStore(reply);
        const second = objectBody(reply);
        expect(Object.keys(second).sort()).toEqual([
          'access_token',
          'expires_in',
          'refresh_token',
          'token_type',
        ]);
        expect(second.refresh_token).not.toBe(first.refresh_token);
        expect((await call('/me', { token: String(second.access_token) })).status).toBe(200);
      });

      it('a rotated refresh token used again -> 401 and its family revoked', async () => {
        const first = await pairOf();
        const rotated = await call('/auth/refresh', {
          body: JSON.stringify({ refresh_token: first.refresh_token }),
        });
        const second = objectBody(rotated);
        const reuse = await call('/auth/refresh', {
          body: JSON.stringify({ refresh_token: first.refresh_token }),
        });
        expectError(reuse, 401, 'SECURITY_INVALID_REFRESH_TOKEN', [String(first.refresh_token)]);
        const after = await call('/auth/refresh', {
          body: JSON.stringify({ refresh_token: second.refresh_token }),
        });
        expect(after.status).toBe(401);
        await refusedEverywhere(String(second.access_token));
      });

      it('POST /auth/revoke -> 204; the access token and its refresh family are refused everywhere', async () => {
        const pair = await pairOf();
        const reply = await call('/auth/revoke', { token: String(pair.access_token), body: '{}' });
        expect(reply.status).toBe(204);
        await refusedEverywhere(String(pair.access_token));
        const refresh = await call('/auth/refresh', {
          body: JSON.stringify({ refresh_token: pair.refresh_token }),
        });
        expect(refresh.status).toBe(401);
      });

      it('POST /auth/revoke anonymously -> 401', async () => {
        expectError(
          await call('/auth/revoke', { body: '{}' }),
          401,
          'SECURITY_AUTHENTICATION_REQUIRED',
          [],
        );
      });

      it('POST /auth/logout-all -> 204; every token of the user refused, another user unaffected', async () => {
        const one = await pairOf();
        const two = await pairOf();
        const admin = await login(ADMIN);
        expect(
          (await call('/auth/logout-all', { token: String(one.access_token), body: '{}' })).status,
        ).toBe(204);
        await refusedEverywhere(String(two.access_token));
        expect(
          (
            await call('/auth/refresh', {
              body: JSON.stringify({ refresh_token: two.refresh_token }),
            })
          ).status,
        ).toBe(401);
        expect((await call('/admin', { token: admin })).status).toBe(200);
      });
    });

    describe('sessions: /auth/login, /auth/csrf, /auth/sessions, /auth/logout, /notes', () => {
      interface Session {
        readonly cookie: string;
        readonly csrfToken: string;
      }
      const sessionLogin = async (
        credentials: { username: string; password: string } = ALICE,
      ): Promise<{ session: Session; reply: Reply }> => {
        const reply = await call('/auth/login', { body: JSON.stringify(credentials) });
        const cookie = reply.headers.getSetCookie()[0]?.split(';')[0];
        const csrfToken = objectBody(reply).csrfToken;
        if (reply.status !== 200 || cookie === undefined || typeof csrfToken !== 'string') {
          throw new Error(`POST /auth/login -> ${reply.status}: ${reply.text}`);
        }
        return { session: { cookie, csrfToken }, reply };
      };
      /** Status of GET /me with the cookie on every instance. */
      const meEverywhere = async (session: Session): Promise<number[]> =>
        Promise.all(apps.map(async (app) => (await send(app, '/me', { session })).status));

      it('POST /auth/login -> 200 { csrfToken }, a __Host- cookie (HttpOnly, Secure, SameSite=Lax, Path=/, no Domain), not storable', async () => {
        const { session, reply } = await sessionLogin();
        expect(reply.json).toEqual({ csrfToken: expect.stringMatching(/^[\w-]{86}$/) });
        expect(reply.headers.get('cache-control')).toMatch(/no-store/);
        const setCookie = reply.headers.getSetCookie();
        expect(setCookie).toHaveLength(1);
        expect(setCookie[0]).toMatch(
          /^__Host-rampart-session=[\w-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
        );
        expect(session.cookie).toMatch(/^__Host-rampart-session=/);
        expectSecurityHeaders(reply);
      });

      it('POST /auth/login answers a wrong password and an unknown user with the same 401 body, and no cookie', async () => {
        const wrong = await call('/auth/login', {
          body: JSON.stringify({ username: 'alice', password: 'nope' }),
        });
        const unknown = await call('/auth/login', {
          body: JSON.stringify({ username: 'nobody', password: 'nope' }),
        });
        expectError(wrong, 401, 'SECURITY_INVALID_CREDENTIALS', ['nope']);
        expect(unknown.json).toEqual(wrong.json);
        expect(wrong.headers.getSetCookie()).toEqual([]);
        expect(unknown.headers.getSetCookie()).toEqual([]);
      });

      it('GET /me with the cookie -> the session principal on every instance', async () => {
        const { session } = await sessionLogin();
        for (const app of apps) {
          const reply = await send(app, '/me', { session });
          expect(reply.status).toBe(200);
          expect(reply.json).toEqual({
            id: 'u-alice',
            username: 'alice',
            roles: ['user'],
            authMethod: 'session',
          });
        }
      });

      it('GET /auth/csrf -> 200 { csrfToken } with the cookie; 401 anonymously', async () => {
        const { session } = await sessionLogin();
        const reply = await call('/auth/csrf', { session: { cookie: session.cookie } });
        expect(reply.status).toBe(200);
        expect(reply.json).toEqual({ csrfToken: expect.stringMatching(/^[\w-]{86}$/) });
        expectError(await call('/auth/csrf'), 401, 'SECURITY_AUTHENTICATION_REQUIRED', []);
      });

      it('POST /notes -> 201 echo with the cookie and CSRF token, 403 without the token, 201 with a bearer token', async () => {
        const { session } = await sessionLogin();
        const body = JSON.stringify({ text: 'hello' });
        const ok = await call('/notes', { session, body });
        expect(ok.status).toBe(201);
        expect(ok.json).toEqual({ text: 'hello' });
        expectError(
          await call('/notes', { session: { cookie: session.cookie }, body }),
          403,
          'SECURITY_CSRF_REJECTED',
          [],
        );
        const bearer = await call('/notes', { token: await login(ALICE), body });
        expect(bearer.status).toBe(201);
        expectError(await call('/notes', { body }), 401, 'SECURITY_AUTHENTICATION_REQUIRED', []);
      });

      it('POST /notes over the 100 KiB body cap -> 413 SECURITY_BODY_TOO_LARGE, with the security headers', async () => {
        const token = await login(ALICE);
        const body = JSON.stringify({ text: 'a'.repeat(100 * 1024) });
        const reply = await call('/notes', { token, body });
        expectError(reply, 413, 'SECURITY_BODY_TOO_LARGE', [token]);
        expectSecurityHeaders(reply);
        expectNoStore(reply);
      });

      it('GET /auth/sessions lists the user’s sessions (id, createdAt, lastSeenAt, ip, userAgent, current); DELETE /auth/sessions/:id ends one', async () => {
        const bob = await login(ADMIN);
        const { session: first } = await sessionLogin(ADMIN);
        const { session: second } = await sessionLogin(ADMIN);
        const listed = await call('/auth/sessions', { session: { cookie: first.cookie } });
        expect(listed.status).toBe(200);
        expect(listed.headers.get('cache-control')).toMatch(/no-store/);
        const sessions = listed.json as JsonObject[];
        expect(sessions.length).toBeGreaterThanOrEqual(2);
        for (const entry of sessions) {
          expect(entry).toEqual({
            id: expect.stringMatching(/^[\w-]{43}$/),
            createdAt: expect.any(String),
            lastSeenAt: expect.any(String),
            ip: expect.any(String),
            userAgent: expect.anything(),
            current: expect.any(Boolean),
          });
          expect(Number.isNaN(Date.parse(String(entry.createdAt)))).toBe(false);
        }
        expect(sessions.filter((entry) => entry.current)).toHaveLength(1);
        // The cookie value itself is never listed, only its hash.
        expect(listed.text).not.toContain(first.cookie.split('=')[1]);
        const byBearer = await call('/auth/sessions', { token: bob });
        expect(byBearer.status).toBe(200);
        expect((byBearer.json as unknown[]).length).toBe(sessions.length);

        const other = sessions.find((entry) => entry.current !== true);
        const deleted = await call(`/auth/sessions/${String(other?.id)}`, {
          method: 'DELETE',
          session: first,
        });
        expect(deleted.status).toBe(204);
        const statuses = [...(await meEverywhere(first)), ...(await meEverywhere(second))];
        // Exactly one of the two was ended (the other one listed), on every instance.
        expect(statuses.filter((status) => status === 401)).toHaveLength(apps.length);
        expectError(
          await call(`/auth/sessions/${'A'.repeat(43)}`, { method: 'DELETE', session: first }),
          404,
          'SECURITY_SESSION_NOT_FOUND',
          [],
        );
      });

      it('POST /auth/logout -> 204, cookie cleared, the old cookie refused on every instance', async () => {
        const { session } = await sessionLogin();
        const reply = await call('/auth/logout', { session, body: '{}' });
        expect(reply.status).toBe(204);
        expect(reply.headers.getSetCookie()[0]).toMatch(/^__Host-rampart-session=; .*Max-Age=0/);
        expect(await meEverywhere(session)).toEqual(apps.map(() => 401));
        expectError(
          await send(apps[0] ?? next(), '/me', { session }),
          401,
          'SECURITY_INVALID_SESSION',
          [],
        );
      });

      it('POST /auth/logout-all with the cookie -> 204; every session of the user refused everywhere', async () => {
        const { session: one } = await sessionLogin();
        const { session: two } = await sessionLogin();
        const reply = await call('/auth/logout-all', { session: one, body: '{}' });
        expect(reply.status).toBe(204);
        expect(await meEverywhere(one)).toEqual(apps.map(() => 401));
        expect(await meEverywhere(two)).toEqual(apps.map(() => 401));
      });
    });

    if (instances === 2) {
      describe('two instances on one Redis', () => {
        const pair = (): [ReferenceApp, ReferenceApp] => {
          const [a, b] = apps;
          if (a === undefined || b === undefined) throw new Error('two instances expected');
          return [a, b];
        };

        it('accept on each instance a token issued by the other', async () => {
          const [a, b] = pair();
          const fromA = await login(ALICE, a);
          const fromB = await login(ALICE, b);
          const onB = await send(b, '/me', { token: fromA });
          const onA = await send(a, '/me', { token: fromB });
          expect(onB.status).toBe(200);
          expect(onA.status).toBe(200);
          expect(onB.json).toEqual(onA.json);
          expect(onB.json).toMatchObject({ username: 'alice', authMethod: 'jwt' });
          const adminOnB = await send(b, '/admin', { token: await login(ADMIN, a) });
          expect(adminOnB.status).toBe(200);
        });

        it('publish the same JWKS', async () => {
          const [a, b] = pair();
          const [jwksA, jwksB] = await Promise.all([
            send(a, '/.well-known/jwks.json'),
            send(b, '/.well-known/jwks.json'),
          ]);
          expect(jwksA.status).toBe(200);
          expect(jwksB.status).toBe(200);
          expect(jwksB.json).toEqual(jwksA.json);
          const { kid } = decodeSegment(splitJwt(aliceToken).header);
          expect(objectBody(jwksA).keys).toEqual(
            expect.arrayContaining([expect.objectContaining({ kid })]),
          );
        });
      });
    }
  },
);
