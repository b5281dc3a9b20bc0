import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  CurrentSession,
  SessionService,
  type SecurityRequest,
  type SessionLogin,
  type UserSession,
} from '@rampart/security';
import { MATRIX } from '../support/apps';
import {
  ALICE_ID,
  expectError,
  indexKey,
  MINUTE_MS,
  recordKey,
  sessionSetBy,
  setCookies,
  useSessionApp,
  withCsrf,
  type BrowserSession,
} from './session-client';

/** A privilege change (say, the user just passed step-up authentication): a new session id. */
@Controller('account')
class AccountController {
  constructor(private readonly sessions: SessionService) {}

  @Post('elevate')
  @HttpCode(200)
  elevate(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<SessionLogin> {
    return this.sessions.rotate(request, response, { roles: ['user', 'admin'] });
  }

  @Post('rotate')
  @HttpCode(200)
  rotate(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<SessionLogin> {
    return this.sessions.rotate(request, response);
  }

  @Post('theme')
  @HttpCode(204)
  async theme(@CurrentSession() session: UserSession | undefined): Promise<void> {
    await session?.set('theme', 'dark');
  }
}

/** `SessionService.rotate()`: a new id (and CSRF secret), the roles changed, the old id dead. */
describe.each(MATRIX)('privilege change (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store, { controllers: [AccountController] });

  async function elevate(session: BrowserSession): Promise<BrowserSession> {
    const response = await scenario().http().post('/account/elevate').set(withCsrf(session));
    expect(response.status).toBe(200);
    const next = sessionSetBy(response);
    expect(response.body).toEqual({ sessionId: next.handle, csrfToken: expect.any(String) });
    return next;
  }

  it('moves the session to a new id with the new roles; the old id answers 401', async () => {
    const { login, me, store: securityStore } = scenario();
    const before = await login();
    expect((await me(before).expect(200)).body).toMatchObject({ roles: ['user'] });
    const after = await elevate(before);
    expect(after.id).not.toBe(before.id);
    expect(after.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await me(after).expect(200)).body).toEqual({
      id: ALICE_ID,
      username: 'alice',
      roles: ['user', 'admin'],
      authMethod: 'session',
    });
    expectError(await me(before), 401, 'SECURITY_INVALID_SESSION');
    expect(await securityStore.getRecord(recordKey(before.handle))).toBeUndefined();
    expect(await securityStore.getRecord(recordKey(after.handle))).toMatchObject({
      user: { id: ALICE_ID, roles: ['user', 'admin'] },
    });
    const index = await securityStore.members(indexKey(ALICE_ID));
    expect(index).toContain(after.handle);
    expect(index).not.toContain(before.handle);
  });

  it('sets exactly one cookie, the new one, with the usual attributes', async () => {
    const before = await scenario().login();
    const response = await scenario().http().post('/account/rotate').set(withCsrf(before));
    expect(response.status).toBe(200);
    expect(setCookies(response)).toEqual([
      expect.stringMatching(
        /^__Host-rampart-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      ),
    ]);
  });

  it('gives a new CSRF secret: the old token is refused, the new one accepted', async () => {
    const { http, login } = scenario();
    const before = await login();
    const after = await elevate(before);
    expectError(
      await http()
        .post('/notes')
        .set('Cookie', after.cookie)
        .set('X-CSRF-Token', before.csrfToken)
        .send({ text: 'x' }),
      403,
      'SECURITY_CSRF_REJECTED',
    );
    await http().post('/notes').set(withCsrf(after)).send({ text: 'x' }).expect(201);
  });

  it('keeps the session’s data and its absolute end: rotation does not extend the lifetime', async () => {
    const { clock, http, login, me, store: securityStore } = scenario();
    const before = await login();
    const loggedInAt = clock.now();
    await http().post('/account/theme').set(withCsrf(before)).expect(204);
    for (let i = 0; i < 19; i++) {
      clock.advance(25 * MINUTE_MS);
      await me(before).expect(200);
    }
    const after = await elevate(before); // 7 h 55 min after login
    const record = await securityStore.getRecord(recordKey(after.handle));
    expect(record).toMatchObject({
      'd.theme': 'dark',
      meta: { createdAt: loggedInAt, absoluteExpiresAt: loggedInAt + 8 * 60 * MINUTE_MS },
    });
    clock.advance(5 * MINUTE_MS); // 8 h after login
    expectError(await me(after), 401, 'SECURITY_SESSION_EXPIRED');
  });

  it('refuses to rotate without the CSRF token, and then nothing changes', async () => {
    const { http, login, me } = scenario();
    const before = await login();
    const response = await http().post('/account/elevate').set('Cookie', before.cookie);
    expectError(response, 403, 'SECURITY_CSRF_REJECTED');
    expect(setCookies(response)).toEqual([]);
    expect((await me(before).expect(200)).body).toMatchObject({ roles: ['user'] });
  });
});
