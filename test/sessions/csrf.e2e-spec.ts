import { Controller, HttpCode, Post } from '@nestjs/common';
import { CsrfExempt, CurrentUser, type Principal } from '@rampart/security';
import { MATRIX } from '../support/apps';
import {
  ADMIN,
  ALICE,
  ALICE_ID,
  expectError,
  indexKey,
  sessionSetBy,
  setCookies,
  useSessionApp,
  withCsrf,
} from './session-client';

/** A cross-site webhook that also accepts the session cookie, exempted on purpose, and a sibling. */
@Controller('hooks')
class HooksController {
  @CsrfExempt()
  @Post('exempt')
  @HttpCode(201)
  exempt(@CurrentUser() user: Principal): { user: string } {
    return { user: user.username };
  }

  @Post('guarded')
  @HttpCode(201)
  guarded(@CurrentUser() user: Principal): { user: string } {
    return { user: user.username };
  }
}

/** The Host every request names, so that its own origin is known: http://app.test. */
const HOST = 'app.test';
const OWN_ORIGIN = `http://${HOST}`;
const TRUSTED = 'https://admin.example.test';
const NOTE = { text: 'hello' };

/**
 * CSRF protection of cookie-authenticated unsafe requests: browser provenance (Sec-Fetch-Site,
 * Origin) and the session's own token (header or form field). Bearer requests, safe methods and
 * @CsrfExempt() routes pass; login is protected against cross-site posts too.
 */
describe.each(MATRIX)('CSRF (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store, { controllers: [HooksController] });
  const post = (path = '/notes') => scenario().http().post(path).set('Host', HOST);

  it('refuses a cookie-authenticated POST without a token, or with a malformed one: 403', async () => {
    const alice = await scenario().login();
    expectError(await post().set('Cookie', alice.cookie).send(NOTE), 403, 'SECURITY_CSRF_REJECTED');
    for (const token of ['', 'x', alice.csrfToken.slice(1), `${alice.csrfToken}A`]) {
      expectError(
        await post().set('Cookie', alice.cookie).set('X-CSRF-Token', token).send(NOTE),
        403,
        'SECURITY_CSRF_REJECTED',
      );
    }
  });

  it('refuses the token of another session, of the same user or another: 403', async () => {
    const alice = await scenario().login();
    const aliceElsewhere = await scenario().login();
    const admin = await scenario().login(ADMIN);
    for (const other of [aliceElsewhere, admin]) {
      expectError(
        await post().set('Cookie', alice.cookie).set('X-CSRF-Token', other.csrfToken).send(NOTE),
        403,
        'SECURITY_CSRF_REJECTED',
      );
    }
  });

  it('accepts the session’s token: from login, and every fresh one from GET /auth/csrf', async () => {
    const { http, login } = scenario();
    const alice = await login();
    expect((await post().set(withCsrf(alice)).send(NOTE).expect(201)).body).toEqual(NOTE);
    const tokens = new Set<string>([alice.csrfToken]);
    for (let i = 0; i < 3; i++) {
      const fresh = await http().get('/auth/csrf').set('Cookie', alice.cookie).expect(200);
      const { csrfToken } = fresh.body as { csrfToken: string };
      tokens.add(csrfToken);
      await post()
        .set('Cookie', alice.cookie)
        .set('X-CSRF-Token', csrfToken)
        .send(NOTE)
        .expect(201);
    }
    expect(tokens.size).toBe(4); // masked: no two responses carry the same bytes
  });

  it('refuses Sec-Fetch-Site cross-site and same-site, even with the token: 403', async () => {
    const alice = await scenario().login();
    for (const site of ['cross-site', 'same-site']) {
      expectError(
        await post().set(withCsrf(alice)).set('Sec-Fetch-Site', site).send(NOTE),
        403,
        'SECURITY_CSRF_REJECTED',
      );
    }
  });

  it('refuses a foreign Origin, even with the token: 403', async () => {
    const alice = await scenario().login();
    for (const origin of [
      'https://evil.test',
      `${OWN_ORIGIN}:8080`,
      `https://sub.${HOST}`,
      TRUSTED,
    ]) {
      expectError(
        await post().set(withCsrf(alice)).set('Origin', origin).send(NOTE),
        403,
        'SECURITY_CSRF_REJECTED',
      );
    }
  });

  it('refuses Origin null unless Fetch Metadata vouches for a same-origin post (Chromium under no-referrer)', async () => {
    const alice = await scenario().login();
    const withNullOrigin = () => post().set(withCsrf(alice)).set('Origin', 'null');
    expectError(await withNullOrigin().send(NOTE), 403, 'SECURITY_CSRF_REJECTED');
    for (const site of ['cross-site', 'same-site']) {
      expectError(
        await withNullOrigin().set('Sec-Fetch-Site', site).send(NOTE),
        403,
        'SECURITY_CSRF_REJECTED',
      );
    }
    await withNullOrigin().set('Sec-Fetch-Site', 'same-origin').send(NOTE).expect(201);
    expectError(
      await post()
        .set({ Cookie: alice.cookie, Origin: 'null', 'Sec-Fetch-Site': 'same-origin' })
        .send(NOTE),
      403,
      'SECURITY_CSRF_REJECTED',
    );
  });

  it('accepts its own Origin and Sec-Fetch-Site same-origin (or none) with the token: 201', async () => {
    const alice = await scenario().login();
    await post().set(withCsrf(alice)).set('Origin', OWN_ORIGIN).send(NOTE).expect(201);
    for (const site of ['same-origin', 'none']) {
      await post()
        .set(withCsrf(alice))
        .set('Origin', OWN_ORIGIN)
        .set('Sec-Fetch-Site', site)
        .send(NOTE)
        .expect(201);
    }
    expectError(
      await post()
        .set('Cookie', alice.cookie)
        .set('Origin', OWN_ORIGIN)
        .set('Sec-Fetch-Site', 'same-origin')
        .send(NOTE),
      403,
      'SECURITY_CSRF_REJECTED',
    );
  });

  it('reads the token from the _csrf field of an urlencoded form; the header, when sent, wins', async () => {
    const alice = await scenario().login();
    const form = () => post().set('Cookie', alice.cookie).type('form');
    const ok = await form().send({ text: 'from a form', _csrf: alice.csrfToken }).expect(201);
    expect(ok.body).toEqual({ text: 'from a form' });
    expectError(await form().send({ text: 'no token' }), 403, 'SECURITY_CSRF_REJECTED');
    expectError(
      await form().set('X-CSRF-Token', 'wrong').send({ text: 'x', _csrf: alice.csrfToken }),
      403,
      'SECURITY_CSRF_REJECTED',
    );
  });

  it('lets a bearer request through without a token, whatever its provenance: 201', async () => {
    const { http } = scenario();
    const { access_token: token } = (await http().post('/auth/token').send(ALICE).expect(200))
      .body as { access_token: string };
    await post()
      .set('Authorization', `Bearer ${token}`)
      .set('Origin', 'https://evil.test')
      .set('Sec-Fetch-Site', 'cross-site')
      .send(NOTE)
      .expect(201);
  });

  it('never checks GET: cross-site, no token, 200', async () => {
    const { http, login } = scenario();
    const alice = await login();
    for (const path of ['/me', '/auth/csrf', '/auth/sessions']) {
      await http()
        .get(path)
        .set('Cookie', alice.cookie)
        .set('Origin', 'https://evil.test')
        .set('Sec-Fetch-Site', 'cross-site')
        .expect(200);
    }
  });

  it('lets an @CsrfExempt() route through without a token, cross-site; its sibling is guarded', async () => {
    const alice = await scenario().login();
    const crossSite = (path: string) =>
      post(path)
        .set('Cookie', alice.cookie)
        .set('Origin', 'https://payments.test')
        .set('Sec-Fetch-Site', 'cross-site');
    expect((await crossSite('/hooks/exempt').expect(201)).body).toEqual({ user: 'alice' });
    expectError(await crossSite('/hooks/guarded'), 403, 'SECURITY_CSRF_REJECTED');
  });

  it('refuses a cross-site login (login CSRF): 403, no cookie, no session', async () => {
    const { http, store: securityStore } = scenario();
    const before = await securityStore.members(indexKey(ALICE_ID));
    for (const headers of [
      { Origin: 'https://evil.test' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ]) {
      const response = await http().post('/auth/login').set('Host', HOST).set(headers).send(ALICE);
      expectError(response, 403, 'SECURITY_CSRF_REJECTED');
      expect(setCookies(response)).toEqual([]);
    }
    expect((await securityStore.members(indexKey(ALICE_ID))).sort()).toEqual([...before].sort());
    // A forged login cannot end the victim's session either.
    const victim = await scenario().login();
    expectError(
      await http()
        .post('/auth/login')
        .set('Host', HOST)
        .set({ Cookie: victim.cookie, Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' })
        .send(ADMIN),
      403,
      'SECURITY_CSRF_REJECTED',
    );
    expect((await scenario().me(victim).expect(200)).body).toMatchObject({ username: 'alice' });
    const own = await http()
      .post('/auth/login')
      .set('Host', HOST)
      .set({ Origin: OWN_ORIGIN, 'Sec-Fetch-Site': 'same-origin' })
      .send(ALICE)
      .expect(200);
    await scenario().me(sessionSetBy(own)).expect(200);
  });
});

describe.each(MATRIX)('CSRF options (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store, {
    session: {
      csrf: { trustedOrigins: [TRUSTED], headerName: 'X-XSRF-Token', fieldName: 'xsrf' },
    },
  });
  const post = () => scenario().http().post('/notes').set('Host', HOST);

  it('trustedOrigins: a listed origin may send cookie-authenticated requests (with the token), even cross-site', async () => {
    const alice = await scenario().login();
    const from = (origin: string, site: string) =>
      post()
        .set('Cookie', alice.cookie)
        .set('X-XSRF-Token', alice.csrfToken)
        .set({ Origin: origin, 'Sec-Fetch-Site': site })
        .send(NOTE);
    expect((await from(TRUSTED, 'cross-site')).status).toBe(201);
    expect((await from(TRUSTED, 'same-site')).status).toBe(201);
    expectError(await from('https://evil.test', 'cross-site'), 403, 'SECURITY_CSRF_REJECTED');
    expectError(
      await post().set('Cookie', alice.cookie).set('Origin', TRUSTED).send(NOTE),
      403,
      'SECURITY_CSRF_REJECTED',
    );
  });

  it('trustedOrigins: a listed origin may log in', async () => {
    const response = await scenario()
      .http()
      .post('/auth/login')
      .set({ Origin: TRUSTED, 'Sec-Fetch-Site': 'cross-site' })
      .send(ALICE)
      .expect(200);
    await scenario().me(sessionSetBy(response)).expect(200);
  });

  it('headerName and fieldName: the configured names carry the token, the default ones no longer do', async () => {
    const alice = await scenario().login();
    await post()
      .set('Cookie', alice.cookie)
      .set('X-XSRF-Token', alice.csrfToken)
      .send(NOTE)
      .expect(201);
    await post()
      .set('Cookie', alice.cookie)
      .type('form')
      .send({ text: 'hello', xsrf: alice.csrfToken })
      .expect(201);
    expectError(await post().set(withCsrf(alice)).send(NOTE), 403, 'SECURITY_CSRF_REJECTED');
    expectError(
      await post()
        .set('Cookie', alice.cookie)
        .type('form')
        .send({ text: 'x', _csrf: alice.csrfToken }),
      403,
      'SECURITY_CSRF_REJECTED',
    );
  });
});
