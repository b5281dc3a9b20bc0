import { MemorySecurityStore, SecurityStore } from '@rampart/security';
import { ADAPTERS, MATRIX } from '../support/apps';
import {
  ALICE_ID,
  CLEARED_COOKIE,
  expectError,
  indexKey,
  MINUTE_MS,
  recordKey,
  setCookies,
  useSessionApp,
  withCsrf,
} from './session-client';

const HOUR_MS = 60 * MINUTE_MS;

/**
 * Absolute lifetime on a hand-moved clock: a session ends absoluteTimeoutSeconds after login
 * (default 8 h) however busy it is; nothing a request does pushes the end back.
 */
describe.each(MATRIX)('session absolute expiry (%s, %s store)', (adapter, store) => {
  describe('with the defaults (8 h absolute, 30 min idle)', () => {
    const scenario = useSessionApp(adapter, store);

    it('ends 8 h after login even with continuous activity: 401 SECURITY_SESSION_EXPIRED, cookie cleared, record gone', async () => {
      const { clock, http, login, me, store: securityStore } = scenario();
      const alice = await login();
      // Busy all day: a request every 20 minutes (well within the idle timeout), unsafe ones too.
      for (let elapsed = 20 * MINUTE_MS; elapsed < 8 * HOUR_MS; elapsed += 20 * MINUTE_MS) {
        clock.advance(20 * MINUTE_MS);
        await me(alice).expect(200);
        await http().post('/notes').set(withCsrf(alice)).send({ text: 'busy' }).expect(201);
      }
      clock.advance(19 * MINUTE_MS);
      await me(alice).expect(200); // a minute before the end
      clock.advance(MINUTE_MS);
      const expired = await me(alice);
      expectError(expired, 401, 'SECURITY_SESSION_EXPIRED');
      expect(setCookies(expired)).toEqual([CLEARED_COOKIE]);
      expect(await securityStore.getRecord(recordKey(alice.handle))).toBeUndefined();
      expect(await securityStore.members(indexKey(ALICE_ID))).not.toContain(alice.handle);
    });

    it('keeps the end fixed: touching and a fresh CSRF token do not push it back', async () => {
      const { clock, http, login, store: securityStore } = scenario();
      const alice = await login();
      const end = clock.now() + 8 * HOUR_MS;
      const meta = async () =>
        (await securityStore.getRecord(recordKey(alice.handle)))?.meta as
          { absoluteExpiresAt: number } | undefined;
      expect((await meta())?.absoluteExpiresAt).toBe(end);
      for (let i = 0; i < 4; i++) {
        clock.advance(25 * MINUTE_MS);
        await http().get('/auth/csrf').set('Cookie', alice.cookie).expect(200);
      }
      expect((await meta())?.absoluteExpiresAt).toBe(end);
    });

    it('a new login after the end gets a full lifetime again', async () => {
      const { clock, login, me } = scenario();
      const first = await login();
      clock.advance(8 * HOUR_MS);
      expectError(await me(first), 401, 'SECURITY_SESSION_EXPIRED');
      const second = await login();
      for (let i = 0; i < 19; i++) {
        clock.advance(25 * MINUTE_MS);
        await me(second).expect(200);
      }
    });
  });

  describe('with absoluteTimeoutSeconds: 3600, idleTimeoutSeconds: 900', () => {
    const scenario = useSessionApp(adapter, store, {
      session: { absoluteTimeoutSeconds: 3600, idleTimeoutSeconds: 900 },
    });

    it('ends one hour after login, however busy', async () => {
      const { clock, login, me } = scenario();
      const alice = await login();
      for (let i = 0; i < 5; i++) {
        clock.advance(10 * MINUTE_MS);
        await me(alice).expect(200);
      }
      clock.advance(9 * MINUTE_MS);
      await me(alice).expect(200);
      clock.advance(MINUTE_MS);
      expectError(await me(alice), 401, 'SECURITY_SESSION_EXPIRED');
    });
  });
});

/** As in idle-expiry: the (memory) store on Rampart's clock, as in production. */
describe.each(ADAPTERS)(
  'session absolute expiry, store on the same clock (%s, memory store)',
  (adapter) => {
    const scenario = useSessionApp(adapter, 'memory', {
      configure: (builder, clock) =>
        builder
          .overrideProvider(SecurityStore)
          .useValue(new MemorySecurityStore({ now: () => clock.now() })),
    });

    // Fails today: near the end the store TTL is cut to the absolute end (SessionService.ttlMs), so
    // the store has dropped the record when the server could call it expired: 401
    // SECURITY_INVALID_SESSION instead.
    it('still answers SECURITY_SESSION_EXPIRED at the absolute end of a busy session', async () => {
      const { clock, login, me } = scenario();
      const alice = await login();
      for (let i = 0; i < 24; i++) {
        clock.advance(20 * MINUTE_MS);
        if (i < 23) await me(alice).expect(200);
      }
      const expired = await me(alice);
      expectError(expired, 401, 'SECURITY_SESSION_EXPIRED');
      expect(setCookies(expired)).toEqual([CLEARED_COOKIE]);
    });
  },
);
