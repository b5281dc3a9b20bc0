import { randomUUID } from 'node:crypto';
import { es256KeyPair } from '../support/jwt-forge';
import { ADAPTERS } from '../support/apps';
import {
  answerWithIdToken,
  callback,
  HOSTILE_CLIENT_ID,
  startLogin,
  useHostileScenario,
  type HostileScenario,
} from './hostile-scenario';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A session made through the hostile provider (sid 'hostile-sid', sub 'alice'); its cookie. */
async function session(scenario: HostileScenario, sid = 'hostile-sid'): Promise<string> {
  const login = await startLogin(scenario);
  answerWithIdToken(
    scenario,
    scenario.provider.sign(
      scenario.provider.idTokenClaims(HOSTILE_CLIENT_ID, login.nonce, { sid }),
    ),
  );
  expect((await callback(scenario, login.browser, { code: 'c', state: login.state })).status).toBe(
    303,
  );
  return `rampart-session=${login.browser.cookie(scenario.app.url, 'rampart-session') ?? ''}`;
}

function logoutClaims(
  scenario: HostileScenario,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: scenario.provider.issuer,
    aud: HOSTILE_CLIENT_ID,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    sid: 'hostile-sid',
    sub: 'alice',
    events: { [EVENT]: {} },
    ...overrides,
  };
}

const LOGOUT_HEADER = { alg: 'ES256', kid: 'hostile-1', typ: 'logout+jwt' };

async function postLogout(scenario: HostileScenario, body: string): Promise<Response> {
  return fetch(`${scenario.app.url}/auth/oidc/backchannel-logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

async function meStatus(scenario: HostileScenario, cookie: string): Promise<number> {
  return (await fetch(`${scenario.app.url}/me`, { headers: { cookie } })).status;
}

/**
 * Back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.6): a valid one revokes
 * the sessions it names, once; every malformed one is refused with 400 and revokes nothing.
 */
describe.each(ADAPTERS)('OIDC back-channel logout token (%s)', (adapter) => {
  const scenario = useHostileScenario(adapter);

  it('revokes the session of the sid, answers 200 no-store, and refuses the same jti again', async () => {
    const cookie = await session(scenario, 'sid-1');
    const other = await session(scenario, 'sid-2');
    const token = scenario.provider.sign(logoutClaims(scenario, { sid: 'sid-1' }), {
      header: LOGOUT_HEADER,
    });
    const response = await postLogout(
      scenario,
      new URLSearchParams({ logout_token: token }).toString(),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await meStatus(scenario, cookie)).toBe(401);
    expect(await meStatus(scenario, other)).toBe(200);

    const replay = await postLogout(
      scenario,
      new URLSearchParams({ logout_token: token }).toString(),
    );
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: 'SECURITY_OIDC_INVALID_LOGOUT_TOKEN' });
  });

  it('revokes every session of the sub when the token has no sid', async () => {
    const first = await session(scenario, 'sid-3');
    const second = await session(scenario, 'sid-4');
    const claims = logoutClaims(scenario);
    delete claims.sid;
    const token = scenario.provider.sign(claims, { header: LOGOUT_HEADER });
    const response = await postLogout(
      scenario,
      new URLSearchParams({ logout_token: token }).toString(),
    );
    expect(response.status).toBe(200);
    expect(await meStatus(scenario, first)).toBe(401);
    expect(await meStatus(scenario, second)).toBe(401);
  });

  const now = (): number => Math.floor(Date.now() / 1000);
  it.each<[string, () => string]>([
    ['no logout_token', () => ''],
    ['a logout_token that is not a JWT', () => 'logout_token=not.a.jwt'],
    [
      'typ JWT instead of logout+jwt',
      () => form(scenario, logoutClaims(scenario), { ...LOGOUT_HEADER, typ: 'JWT' }),
    ],
    ['no events claim', () => form(scenario, logoutClaims(scenario, { events: undefined }))],
    [
      'another event',
      () => form(scenario, logoutClaims(scenario, { events: { 'urn:other': {} } })),
    ],
    ['a nonce', () => form(scenario, logoutClaims(scenario, { nonce: 'n' }))],
    [
      'neither sid nor sub',
      () => form(scenario, logoutClaims(scenario, { sid: undefined, sub: undefined })),
    ],
    ['no jti', () => form(scenario, logoutClaims(scenario, { jti: undefined }))],
    ['another audience', () => form(scenario, logoutClaims(scenario, { aud: 'other' }))],
    [
      'another issuer',
      () => form(scenario, logoutClaims(scenario, { iss: 'https://evil.example' })),
    ],
    [
      'an expired exp',
      () => form(scenario, logoutClaims(scenario, { iat: now() - 600, exp: now() - 300 })),
    ],
    [
      'a signature by another key',
      () =>
        new URLSearchParams({
          logout_token: scenario.provider.sign(logoutClaims(scenario), {
            header: LOGOUT_HEADER,
            signer: { kind: 'es256', key: es256KeyPair().privateKey },
          }),
        }).toString(),
    ],
    [
      'alg none',
      () =>
        new URLSearchParams({
          logout_token: scenario.provider.sign(logoutClaims(scenario), {
            header: { alg: 'none', typ: 'logout+jwt' },
            signer: { kind: 'none' },
          }),
        }).toString(),
    ],
  ])('refuses %s with 400 and revokes nothing', async (_name, body) => {
    const cookie = await session(scenario);
    const response = await postLogout(scenario, body());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      statusCode: 400,
      code: 'SECURITY_OIDC_INVALID_LOGOUT_TOKEN',
    });
    expect(await meStatus(scenario, cookie)).toBe(200);
  });
});

function form(
  scenario: HostileScenario,
  claims: Record<string, unknown>,
  header: Record<string, unknown> = LOGOUT_HEADER,
): string {
  return new URLSearchParams({
    logout_token: scenario.provider.sign(claims, { header }),
  }).toString();
}
