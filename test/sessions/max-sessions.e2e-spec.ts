import { MATRIX } from '../support/apps';
import {
  ADMIN,
  ALICE,
  ALICE_ID,
  expectError,
  indexKey,
  recordKey,
  sessionSetBy,
  setCookies,
  useSessionApp,
  withCsrf,
  type BrowserSession,
  type SessionScenario,
} from './session-client';

/** Logs alice in `count` times, a second apart (so "oldest" is well defined). */
async function loginsOneSecondApart(
  scenario: SessionScenario,
  count: number,
): Promise<BrowserSession[]> {
  const sessions: BrowserSession[] = [];
  for (let i = 0; i < count; i++) {
    sessions.push(await scenario.login());
    scenario.clock.advance(1_000);
  }
  return sessions;
}

/** `session.maxPerUser` with both `limitPolicy` values. */
describe.each(MATRIX)('session limit per user (%s, %s store)', (adapter, store) => {
  describe("maxPerUser: 2, limitPolicy: 'evict-oldest'", () => {
    const scenario = useSessionApp(
      adapter,
      store,
      { session: { maxPerUser: 2, limitPolicy: 'evict-oldest' } },
      'each',
    );

    it('a third login ends the oldest session (401, record gone); the two newest work', async () => {
      const [oldest, middle, newest] = await loginsOneSecondApart(scenario(), 3);
      const { me, store: securityStore } = scenario();
      expectError(await me(oldest!), 401, 'SECURITY_INVALID_SESSION');
      await me(middle!).expect(200);
      await me(newest!).expect(200);
      expect(await securityStore.getRecord(recordKey(oldest!.handle))).toBeUndefined();
      expect((await securityStore.members(indexKey(ALICE_ID))).sort()).toEqual(
        [middle!.handle, newest!.handle].sort(),
      );
    });

    it('evicts by login time, not by last use', async () => {
      const [first, second] = await loginsOneSecondApart(scenario(), 2);
      const { me, login } = scenario();
      scenario().clock.advance(2 * 60_000);
      await me(first!).expect(200); // the oldest is the most recently used
      const third = await login();
      expectError(await me(first!), 401, 'SECURITY_INVALID_SESSION');
      await me(second!).expect(200);
      await me(third).expect(200);
    });

    it('counts per user: another user’s sessions are untouched', async () => {
      const { login, me } = scenario();
      const admin = await login(ADMIN);
      scenario().clock.advance(1_000);
      await loginsOneSecondApart(scenario(), 3);
      await me(admin).expect(200);
    });
  });

  describe('maxPerUser: 2, evict-oldest by default', () => {
    const scenario = useSessionApp(adapter, store, { session: { maxPerUser: 2 } });

    it('evicts the oldest', async () => {
      const [oldest, ...rest] = await loginsOneSecondApart(scenario(), 3);
      expectError(await scenario().me(oldest!), 401, 'SECURITY_INVALID_SESSION');
      for (const session of rest) await scenario().me(session).expect(200);
    });
  });

  describe("maxPerUser: 2, limitPolicy: 'reject-new'", () => {
    const scenario = useSessionApp(
      adapter,
      store,
      { session: { maxPerUser: 2, limitPolicy: 'reject-new' } },
      'each',
    );

    it('refuses a third login with 409 SECURITY_SESSION_LIMIT, no cookie, no record; the two sessions still work', async () => {
      const [first, second] = await loginsOneSecondApart(scenario(), 2);
      const { http, me, store: securityStore } = scenario();
      const refused = await http().post('/auth/login').send(ALICE);
      expectError(refused, 409, 'SECURITY_SESSION_LIMIT');
      expect(setCookies(refused)).toEqual([]);
      await me(first!).expect(200);
      await me(second!).expect(200);
      expect((await securityStore.members(indexKey(ALICE_ID))).sort()).toEqual(
        [first!.handle, second!.handle].sort(),
      );
    });

    it('lets a login in again once a session has ended', async () => {
      const [first, second] = await loginsOneSecondApart(scenario(), 2);
      const { http, login, me } = scenario();
      await http().post('/auth/logout').set(withCsrf(first!)).expect(204);
      const third = await login();
      await me(second!).expect(200);
      await me(third).expect(200);
    });

    it('lets a browser holding one of the sessions log in again: its own session is replaced', async () => {
      const [first, second] = await loginsOneSecondApart(scenario(), 2);
      const { login, me } = scenario();
      const again = await login(ALICE, withCsrf(second!));
      expectError(await me(second!), 401, 'SECURITY_INVALID_SESSION');
      await me(first!).expect(200);
      await me(again).expect(200);
    });

    it('counts only live sessions: an idled-out one does not block a login', async () => {
      const [first] = await loginsOneSecondApart(scenario(), 2);
      const { clock, login, me } = scenario();
      clock.advance(20 * 60_000);
      await me(first!).expect(200);
      clock.advance(15 * 60_000); // the second has been idle 35 minutes
      const third = await login();
      await me(first!).expect(200);
      await me(third).expect(200);
    });

    it('holds under parallel logins: exactly two of six succeed', async () => {
      const { http, me } = scenario();
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => http().post('/auth/login').send(ALICE)),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses).toEqual([200, 200, 409, 409, 409, 409]);
      for (const response of responses.filter((r) => r.status === 200)) {
        await me(sessionSetBy(response)).expect(200);
      }
    });
  });
});
