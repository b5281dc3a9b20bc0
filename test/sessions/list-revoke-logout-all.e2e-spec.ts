import { randomBytes } from 'node:crypto';
import { MATRIX } from '../support/apps';
import {
  ADMIN,
  ALICE,
  ALICE_ID,
  CLEARED_COOKIE,
  expectError,
  indexKey,
  recordKey,
  setCookies,
  useSessionApp,
  withCsrf,
} from './session-client';

interface Listed {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly current: boolean;
}

interface Pair {
  readonly access_token: string;
  readonly refresh_token: string;
}

/**
 * A user's sessions: `GET /auth/sessions` lists them (public id = SHA-256 of the cookie value),
 * `DELETE /auth/sessions/:id` ends one of one's own (404 for anyone else's), and
 * `POST /auth/logout-all` ends every session, access token and refresh family of the user.
 */
describe.each(MATRIX)('list, revoke, logout-all (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store, {}, 'each');

  it('lists the user’s sessions, oldest first, with id, createdAt, lastSeenAt, ip, userAgent and current', async () => {
    const { clock, http, login } = scenario();
    const laptopAt = clock.now();
    const laptop = await login(ALICE, { 'User-Agent': 'laptop-browser/1.0' });
    clock.advance(5_000);
    const phoneAt = clock.now();
    const phone = await login(ALICE, { 'User-Agent': 'phone-browser/2.0' });
    await login(ADMIN);
    clock.advance(2 * 60_000);
    const touchedAt = clock.now();
    await scenario().me(laptop).expect(200); // touched: last seen moves
    clock.advance(30_000); // within the touch interval: listing does not move it again
    const response = await http().get('/auth/sessions').set('Cookie', laptop.cookie).expect(200);
    expect(response.headers['cache-control']).toContain('no-store');
    const listed = response.body as Listed[];
    expect(listed).toEqual([
      {
        id: laptop.handle,
        createdAt: new Date(laptopAt).toISOString(),
        lastSeenAt: new Date(touchedAt).toISOString(),
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        userAgent: 'laptop-browser/1.0',
        current: true,
      },
      {
        id: phone.handle,
        createdAt: new Date(phoneAt).toISOString(),
        lastSeenAt: new Date(phoneAt).toISOString(),
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        userAgent: 'phone-browser/2.0',
        current: false,
      },
    ]);
    const fromPhone = await http().get('/auth/sessions').set('Cookie', phone.cookie).expect(200);
    expect((fromPhone.body as Listed[]).map((entry) => [entry.id, entry.current])).toEqual([
      [laptop.handle, false],
      [phone.handle, true],
    ]);
    expect(JSON.stringify(listed)).not.toContain(laptop.id);
    expect(JSON.stringify(listed)).not.toContain(phone.id);
  });

  it('revokes one session by its public id: 204, that cookie gets 401, its record is gone, the others live', async () => {
    const { http, login, me, store: securityStore } = scenario();
    const laptop = await login();
    const phone = await login();
    const response = await http()
      .delete(`/auth/sessions/${phone.handle}`)
      .set(withCsrf(laptop))
      .expect(204);
    expect(setCookies(response)).toEqual([]);
    expectError(await me(phone), 401, 'SECURITY_INVALID_SESSION');
    await me(laptop).expect(200);
    expect(await securityStore.getRecord(recordKey(phone.handle))).toBeUndefined();
    expect(await securityStore.members(indexKey(ALICE_ID))).toEqual([laptop.handle]);
    const listed = await http().get('/auth/sessions').set('Cookie', laptop.cookie).expect(200);
    expect((listed.body as Listed[]).map((entry) => entry.id)).toEqual([laptop.handle]);
  });

  it('answers 404 SECURITY_SESSION_NOT_FOUND for another user’s id, an unknown id, a malformed id and a raw cookie value', async () => {
    const { http, login, me } = scenario();
    const alice = await login();
    const admin = await login(ADMIN);
    for (const id of [
      admin.handle,
      randomBytes(32).toString('base64url'),
      'not-an-id',
      alice.id, // the cookie value is not the public id
    ]) {
      expectError(
        await http().delete(`/auth/sessions/${id}`).set(withCsrf(alice)),
        404,
        'SECURITY_SESSION_NOT_FOUND',
      );
    }
    await me(admin).expect(200);
    await me(alice).expect(200);
  });

  it('needs the CSRF token to revoke with the cookie', async () => {
    const { http, login, me } = scenario();
    const laptop = await login();
    const phone = await login();
    expectError(
      await http().delete(`/auth/sessions/${phone.handle}`).set('Cookie', laptop.cookie),
      403,
      'SECURITY_CSRF_REJECTED',
    );
    await me(phone).expect(200);
  });

  it('logout-all ends every session, access token and refresh token of the user, and nobody else’s', async () => {
    const { http, login, me, store: securityStore } = scenario();
    const laptop = await login();
    const phone = await login();
    const admin = await login(ADMIN);
    const pair = (await http().post('/auth/token').send(ALICE).expect(200)).body as Pair;
    const adminPair = (await http().post('/auth/token').send(ADMIN).expect(200)).body as Pair;
    const bearer = (token: string) => http().get('/me').set('Authorization', `Bearer ${token}`);
    await bearer(pair.access_token).expect(200);

    const response = await http().post('/auth/logout-all').set(withCsrf(laptop));
    expect(response.status).toBe(204);
    expect(setCookies(response)).toEqual([CLEARED_COOKIE]);

    expectError(await me(laptop), 401, 'SECURITY_INVALID_SESSION');
    expectError(await me(phone), 401, 'SECURITY_INVALID_SESSION');
    expect((await bearer(pair.access_token)).status).toBe(401);
    expectError(
      await http().post('/auth/refresh').send({ refresh_token: pair.refresh_token }),
      401,
      'SECURITY_INVALID_REFRESH_TOKEN',
    );
    expect(await securityStore.members(indexKey(ALICE_ID))).toEqual([]);
    for (const session of [laptop, phone]) {
      expect(await securityStore.getRecord(recordKey(session.handle))).toBeUndefined();
    }
    await me(admin).expect(200);
    await bearer(adminPair.access_token).expect(200);
    await login(); // and alice can sign in again
  });

  it('logout-all with a bearer token ends the user’s sessions too (no CSRF token needed)', async () => {
    const { http, login, me } = scenario();
    const laptop = await login();
    const pair = (await http().post('/auth/token').send(ALICE).expect(200)).body as Pair;
    const response = await http()
      .post('/auth/logout-all')
      .set('Authorization', `Bearer ${pair.access_token}`);
    expect(response.status).toBe(204);
    expect(setCookies(response)).toEqual([]);
    expectError(await me(laptop), 401, 'SECURITY_INVALID_SESSION');
  });

  it('logout-all with the cookie needs the CSRF token', async () => {
    const { http, login, me } = scenario();
    const laptop = await login();
    const phone = await login();
    expectError(
      await http().post('/auth/logout-all').set('Cookie', laptop.cookie),
      403,
      'SECURITY_CSRF_REJECTED',
    );
    await me(laptop).expect(200);
    await me(phone).expect(200);
  });
});
