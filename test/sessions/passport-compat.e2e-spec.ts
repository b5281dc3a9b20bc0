import {
  Controller,
  HttpCode,
  Injectable,
  Logger,
  Post,
  UseGuards,
  type ExecutionContext,
} from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import {
  CredentialsService,
  CurrentSession,
  CurrentUser,
  Public,
  type Principal,
  type SecurityUser,
  type UserSession,
} from '@rampart/security';
import { Strategy } from 'passport-local';
import { MATRIX } from '../support/apps';
import {
  ALICE,
  ALICE_ID,
  expectError,
  indexKey,
  recordKey,
  sessionSetBy,
  setCookies,
  SESSION_COOKIE,
  useSessionApp,
  withCsrf,
} from './session-client';

/** An app's own passport-local strategy: validate() returns a SecurityUser. */
@Injectable()
class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly credentials: CredentialsService) {
    super();
  }

  validate(username: string, password: string): Promise<SecurityUser> {
    return this.credentials.verify({ username, password });
  }
}

/** A strategy whose user lacks `id` and `roles` (a common shape in older passport apps). */
@Injectable()
class NamelessStrategy extends PassportStrategy(Strategy, 'local-nameless') {
  validate(username: string): { username: string } {
    return { username };
  }
}

/** The usual @nestjs/passport pattern: authenticate, then `req.login()` through `super.logIn`. */
@Injectable()
class LocalLoginGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return result;
  }
}

@Injectable()
class NamelessLoginGuard extends AuthGuard('local-nameless') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const result = (await super.canActivate(context)) as boolean;
    await super.logIn(context.switchToHttp().getRequest());
    return result;
  }
}

@Controller('passport')
class PassportLoginController {
  @Public()
  @UseGuards(LocalLoginGuard)
  @Post('login')
  @HttpCode(200)
  login(
    @CurrentUser() user: Principal,
    @CurrentSession() session: UserSession | undefined,
  ): { username: string; authMethod: string; csrfToken: string | null } {
    return {
      username: user.username,
      authMethod: user.authMethod,
      csrfToken: session?.csrfToken() ?? null,
    };
  }

  @Public()
  @UseGuards(NamelessLoginGuard)
  @Post('login-nameless')
  @HttpCode(200)
  loginNameless(): { ok: true } {
    return { ok: true };
  }
}

/**
 * An app's own passport strategy: `req.login(user)` (here through @nestjs/passport's
 * `super.logIn(request)`) starts a Rampart session, with no express-session.
 */
describe.each(MATRIX)('passport req.login (%s, %s store)', (adapter, store) => {
  const scenario = useSessionApp(adapter, store, {
    controllers: [PassportLoginController],
    providers: [LocalStrategy, NamelessStrategy],
  });

  it('starts a Rampart session: the __Host- cookie, a stored record, a CSRF token, and /me works', async () => {
    const { http, me, store: securityStore } = scenario();
    const response = await http().post('/passport/login').send(ALICE);
    expect(response.status).toBe(200);
    expect(setCookies(response)).toEqual([
      expect.stringMatching(
        /^__Host-rampart-session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      ),
    ]);
    expect(response.body).toEqual({
      username: 'alice',
      authMethod: 'session',
      csrfToken: expect.any(String),
    });
    const session = sessionSetBy(response);
    expect((await me(session).expect(200)).body).toEqual({
      id: ALICE_ID,
      username: 'alice',
      roles: ['user'],
      authMethod: 'session',
    });
    expect(await securityStore.getRecord(recordKey(session.handle))).toMatchObject({
      user: { id: ALICE_ID, username: 'alice', roles: ['user'] },
    });
    expect(await securityStore.members(indexKey(ALICE_ID))).toContain(session.handle);
    await http().post('/notes').set(withCsrf(session)).send({ text: 'hi' }).expect(201);
    await http().post('/auth/logout').set(withCsrf(session)).expect(204);
    expectError(await me(session), 401, 'SECURITY_INVALID_SESSION');
  });

  it('refuses wrong credentials with 401 and sets no cookie', async () => {
    const response = await scenario()
      .http()
      .post('/passport/login')
      .send({ username: 'alice', password: 'wrong-password' });
    expectError(response, 401, 'SECURITY_INVALID_CREDENTIALS');
    expect(setCookies(response)).toEqual([]);
  });

  it('issues a new id at every login, and ends the session presented (fixation)', async () => {
    const { http, me } = scenario();
    const first = sessionSetBy(await http().post('/passport/login').send(ALICE).expect(200));
    const second = sessionSetBy(
      await http().post('/passport/login').set(withCsrf(first)).send(ALICE).expect(200),
    );
    expect(second.id).not.toBe(first.id);
    expectError(await me(first), 401, 'SECURITY_INVALID_SESSION');
    await me(second).expect(200);
  });

  it('a strategy user without id and roles: 500 with a generic body, no cookie, no session; the log names the fix', async () => {
    const { http, store: securityStore } = scenario();
    const before = await securityStore.members(indexKey(ALICE_ID));
    const logged = jest.spyOn(Logger.prototype, 'error');
    try {
      const response = await http().post('/passport/login-nameless').send(ALICE);
      expect(response.status).toBe(500);
      expect(response.body).toEqual({ statusCode: 500, message: 'Internal server error' });
      expect(setCookies(response).filter((line) => line.startsWith(SESSION_COOKIE))).toEqual([]);
      const errors = logged.mock.calls.map(([first]) => first as unknown);
      expect(errors).toContainEqual(
        expect.objectContaining({
          name: 'TypeError',
          message: expect.stringMatching(/id \(string\), username \(string\) and roles/),
        }),
      );
    } finally {
      logged.mockRestore();
    }
    expect(await securityStore.members(indexKey(ALICE_ID))).toEqual(before);
    expect(await securityStore.members(indexKey('undefined'))).toEqual([]);
  });
});
