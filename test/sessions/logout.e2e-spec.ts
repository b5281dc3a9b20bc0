import { MATRIX } from '../support/apps';
import {
  ALICE_ID,
  CLEARED_COOKIE,
  expectError,
  indexKey,
  recordKey,
  setCookies,
  useSessionApp,
  withCsrf,
} from './session-client';

/** Logout ends the session in the store and clears the cookie; the old cookie is refused after. */
describe.each(MATRIX)('logout (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store);

  it('answers 204, clears the cookie, removes the record, and the old cookie gets 401', async () => {
    const { http, login, me, store: securityStore } = scenario();
    const alice = await login();
    expect(await securityStore.getRecord(recordKey(alice.handle))).toBeDefined();
    const response = await http().post('/auth/logout').set(withCsrf(alice));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(setCookies(response)).toEqual([CLEARED_COOKIE]);
    expect(await securityStore.getRecord(recordKey(alice.handle))).toBeUndefined();
    expect(await securityStore.members(indexKey(ALICE_ID))).not.toContain(alice.handle);
    const replay = await me(alice);
    expectError(replay, 401, 'SECURITY_INVALID_SESSION');
    expect(setCookies(replay)).toEqual([CLEARED_COOKIE]);
    expectError(
      await http().post('/auth/logout').set(withCsrf(alice)),
      401,
      'SECURITY_INVALID_SESSION',
    );
  });

  it('ends only the session it was sent with', async () => {
    const { http, login, me } = scenario();
    const laptop = await login();
    const phone = await login();
    await http().post('/auth/logout').set(withCsrf(laptop)).expect(204);
    expectError(await me(laptop), 401, 'SECURITY_INVALID_SESSION');
    await me(phone).expect(200);
  });

  it('needs the CSRF token: a forged logout is refused with 403 and the session lives on', async () => {
    const { http, login, me, store: securityStore } = scenario();
    const alice = await login();
    const forged = await http().post('/auth/logout').set('Cookie', alice.cookie);
    expectError(forged, 403, 'SECURITY_CSRF_REJECTED');
    expect(setCookies(forged)).toEqual([]);
    const crossSite = await http()
      .post('/auth/logout')
      .set(withCsrf(alice))
      .set('Sec-Fetch-Site', 'cross-site');
    expectError(crossSite, 403, 'SECURITY_CSRF_REJECTED');
    await me(alice).expect(200);
    expect(await securityStore.getRecord(recordKey(alice.handle))).toBeDefined();
  });

  it('without a session cookie answers 401', async () => {
    expectError(
      await scenario().http().post('/auth/logout'),
      401,
      'SECURITY_AUTHENTICATION_REQUIRED',
    );
  });
});
