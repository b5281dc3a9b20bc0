import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { ADAPTERS, MATRIX } from '../support/apps';
import {
  ALICE,
  CLEARED_COOKIE,
  expectError,
  indexKey,
  recordKey,
  SESSION_COOKIE,
  sessionSetBy,
  setCookies,
  startSessionApp,
  useSessionApp,
  withCsrf,
} from './session-client';

const ID = '[A-Za-z0-9_-]{43}';

/** Every key under `prefix` in the test Redis. */
async function redisKeys(prefix: string): Promise<string[]> {
  const redis = createClient({ url: process.env.REDIS_URL });
  await redis.connect();
  const keys: string[] = [];
  for await (const key of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(key);
  await redis.quit();
  return keys;
}

/**
 * The session cookie: a `__Host-` cookie with Secure, HttpOnly, Path=/, SameSite and no Domain or
 * Max-Age; only its exact name counts (two of them are refused, look-alikes and ids elsewhere in
 * the request are ignored); the store knows only the SHA-256 of its value.
 */
describe.each(MATRIX)('session cookie attributes (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store);

  it('is __Host-rampart-session=<43-char id>; Path=/; HttpOnly; Secure; SameSite=Lax, nothing else', async () => {
    const response = await scenario().http().post('/auth/login').send(ALICE).expect(200);
    const lines = setCookies(response);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^__Host-rampart-session=${ID}; Path=/; HttpOnly; Secure; SameSite=Lax$`),
    );
    expect(lines[0]).not.toMatch(/Domain|Max-Age|Expires/i);
    expect(response.headers['cache-control']).toBe('no-store');
    await scenario().me(sessionSetBy(response)).expect(200);
  });

  it('refuses two cookies of the exact name (cookie tossing) with 401, clearing it, and leaves the session alive', async () => {
    const { me, login } = scenario();
    const alice = await login();
    const planted = `${SESSION_COOKIE}=${randomBytes(32).toString('base64url')}`;
    for (const cookie of [`${alice.cookie}; ${alice.cookie}`, `${planted}; ${alice.cookie}`]) {
      const response = await me(cookie);
      expectError(response, 401, 'SECURITY_INVALID_SESSION');
      expect(setCookies(response)).toEqual([CLEARED_COOKIE]);
    }
    await me(alice).expect(200);
  });

  it('ignores cookies of similar names: alone they are no credential (401), beside the real one they change nothing', async () => {
    const { me, login } = scenario();
    const alice = await login();
    const lookAlikes = [
      `x-${SESSION_COOKIE}=${alice.id}`,
      `${SESSION_COOKIE}2=${alice.id}`,
      `__host-rampart-session=${alice.id}`,
      `__Secure-rampart-session=${alice.id}`,
      `rampart-session=${alice.id}`,
      ` ${SESSION_COOKIE}x=${alice.id}`,
    ];
    for (const cookie of lookAlikes) {
      const response = await me(cookie);
      expectError(response, 401, 'SECURITY_AUTHENTICATION_REQUIRED');
      expect(setCookies(response)).toEqual([]);
    }
    await me(`${lookAlikes.join('; ')}; ${alice.cookie}`).expect(200);
  });

  it('refuses a malformed session cookie with 401 and clears it', async () => {
    for (const value of ['', 'short', `${'A'.repeat(42)}!`, 'A'.repeat(44)]) {
      const response = await scenario().me(`${SESSION_COOKIE}=${value}`);
      expectError(response, 401, 'SECURITY_INVALID_SESSION');
      expect(setCookies(response)).toEqual([CLEARED_COOKIE]);
    }
  });

  it('never reads a session id from the URL, the body or another header', async () => {
    const { http, login } = scenario();
    const alice = await login();
    for (const path of [
      `/me?${SESSION_COOKIE}=${alice.id}`,
      `/me?session=${alice.id}`,
      `/me?sid=${alice.id}`,
    ]) {
      expectError(await http().get(path), 401, 'SECURITY_AUTHENTICATION_REQUIRED');
    }
    expectError(
      await http()
        .get('/me')
        .set('X-Session-Id', alice.id)
        .set('X-Rampart-Session', alice.id)
        .set('Cookie2', alice.cookie),
      401,
      'SECURITY_AUTHENTICATION_REQUIRED',
    );
    const body = {
      text: 'hi',
      [SESSION_COOKIE]: alice.id,
      sessionId: alice.id,
      _csrf: alice.csrfToken,
    };
    expectError(
      await http().post('/notes').set('X-CSRF-Token', alice.csrfToken).send(body),
      401,
      'SECURITY_AUTHENTICATION_REQUIRED',
    );
    expectError(
      await http().post('/notes').type('form').send(body),
      401,
      'SECURITY_AUTHENTICATION_REQUIRED',
    );
    await http().post('/notes').set(withCsrf(alice)).send({ text: 'hi' }).expect(201);
  });

  it('stores the session under the SHA-256 of its id: the id itself is never a key nor a value', async () => {
    const { store: securityStore, login } = scenario();
    const alice = await login();
    expect(alice.handle).not.toBe(alice.id);
    const record = await securityStore.getRecord(recordKey(alice.handle));
    expect(record).toMatchObject({ user: { id: 'u-alice', username: 'alice', roles: ['user'] } });
    expect(JSON.stringify(record)).not.toContain(alice.id);
    expect(await securityStore.getRecord(recordKey(alice.id))).toBeUndefined();
    expect(await securityStore.members(indexKey('u-alice'))).toContain(alice.handle);
    expect(await securityStore.members(indexKey('u-alice'))).not.toContain(alice.id);
  });
});

describe.each(MATRIX)('session cookie options (%s, %s store)', (adapter, store) => {
  it('dangerouslyAllowInsecureHttp: over plain HTTP the cookie is rampart-session, without Secure; a __Host- cookie is not read there', async () => {
    const scenario = await startSessionApp(adapter, store, {
      session: { dangerouslyAllowInsecureHttp: true },
    });
    try {
      const response = await scenario.http().post('/auth/login').send(ALICE).expect(200);
      const lines = setCookies(response);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^rampart-session=${ID}; Path=/; HttpOnly; SameSite=Lax$`),
      );
      const session = sessionSetBy(response, 'rampart-session');
      await scenario.me(session).expect(200);
      expectError(
        await scenario.me(`${SESSION_COOKIE}=${session.id}`),
        401,
        'SECURITY_AUTHENTICATION_REQUIRED',
      );
      const logout = await scenario
        .http()
        .post('/auth/logout')
        .set({ Cookie: session.cookie, 'X-CSRF-Token': session.csrfToken })
        .expect(204);
      expect(setCookies(logout)).toEqual([
        'rampart-session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      ]);
    } finally {
      await scenario.close();
    }
  });

  it('sameSite and cookieName are honoured; SameSite=None always goes with Secure', async () => {
    const cases = [
      [
        { sameSite: 'strict', cookieName: 'sid' },
        `^__Host-sid=${ID}; Path=/; HttpOnly; Secure; SameSite=Strict$`,
        '__Host-sid',
      ],
      [
        { sameSite: 'none' },
        `^__Host-rampart-session=${ID}; Path=/; HttpOnly; Secure; SameSite=None$`,
        SESSION_COOKIE,
      ],
      [
        { sameSite: 'none', dangerouslyAllowInsecureHttp: true },
        `^rampart-session=${ID}; Path=/; HttpOnly; Secure; SameSite=None$`,
        'rampart-session',
      ],
    ] as const;
    for (const [session, pattern, name] of cases) {
      const scenario = await startSessionApp(adapter, store, { session });
      try {
        const response = await scenario.http().post('/auth/login').send(ALICE).expect(200);
        expect(setCookies(response)).toEqual([expect.stringMatching(new RegExp(pattern))]);
        await scenario.me(sessionSetBy(response, name)).expect(200);
      } finally {
        await scenario.close();
      }
    }
  });
});

describe.each(ADAPTERS)('the session id in Redis (%s)', (adapter) => {
  const scenario = useSessionApp(adapter, 'redis');

  it('appears in no key: only its SHA-256 does', async () => {
    const { keyPrefix, login } = scenario();
    const alice = await login();
    const keys = await redisKeys(keyPrefix);
    expect(keys).toContain(`${keyPrefix}session:${alice.handle}`);
    expect(keys).toContain(`${keyPrefix}sessions-of:u-alice`);
    expect(keys.filter((key) => key.includes(alice.id))).toEqual([]);
  });
});
