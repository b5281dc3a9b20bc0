import type { INestApplication } from '@nestjs/common';
import {
  bearer,
  collectSecurityEvents,
  mintAccessToken,
  mintTokenPair,
  TestClock,
  useTestClock,
} from '@rampart/security/testing';
import type { TokenPair } from '@rampart/security';
import request from 'supertest';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { ADMIN, JWT, TestingKitModule, USER } from './app.module';

const HOUR_MS = 3_600_000;
const jwt = {
  ...JWT,
  refreshTokenIdleTtlSeconds: 2 * 3600,
  refreshTokenAbsoluteTtlSeconds: 5 * 3600,
};

/** The testing kit against the real guard, on every adapter and store. */
describe.each(MATRIX)('testing kit (%s, %s store)', (adapter, store) => {
  let app: INestApplication;
  let clock: TestClock;
  const get = (path: string, headers: Record<string, string> = {}) =>
    request(app.getHttpServer()).get(path).set(headers);
  const refresh = (refreshToken: string) =>
    request(app.getHttpServer()).post('/refresh').send({ refresh_token: refreshToken });

  beforeAll(async () => {
    clock = new TestClock();
    app = await startApp(
      TestingKitModule.with({ environment: 'test', jwt, store: storeOptions(store) }),
      adapter,
      (builder) => useTestClock(builder, clock),
    );
  });
  afterAll(() => app.close());

  it('leaves public routes open and protected ones closed without a token', async () => {
    await get('/public').expect(200, { ok: true });
    const response = await get('/protected');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_AUTHENTICATION_REQUIRED');
  });

  it('mints a user token the real guard accepts, and the roles guard limits', async () => {
    await get('/protected', bearer(app, USER)).expect(200, {
      id: USER.id,
      username: USER.username,
      roles: USER.roles,
    });
    const response = await get('/admin', bearer(app, USER));
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('SECURITY_FORBIDDEN');
  });

  it('mints an admin token that reaches the admin route', async () => {
    await get('/admin', bearer(app, ADMIN)).expect(200, { admin: true });
  });

  it('uses the id as username when none is given', async () => {
    await get('/protected', bearer(app, { id: 'u-anon', roles: [] })).expect(200, {
      id: 'u-anon',
      username: 'u-anon',
      roles: [],
    });
  });

  it('mints genuine tokens: a tampered one is refused', async () => {
    const token = mintAccessToken(app, USER);
    const [header = '', payload = '', signature = ''] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<
      string,
      unknown
    >;
    const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString(
      'base64url',
    );
    const response = await get('/admin', {
      Authorization: `Bearer ${header}.${forged}.${signature}`,
    });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_TOKEN');
  });

  it('mints a token pair whose access token works and whose refresh token rotates', async () => {
    const pair = await mintTokenPair(app, USER);
    expect(pair.token_type).toBe('Bearer');
    await get('/protected', { Authorization: `Bearer ${pair.access_token}` }).expect(200);
    const next = (await refresh(pair.refresh_token).expect(200)).body as TokenPair;
    expect(next.refresh_token).not.toBe(pair.refresh_token);
  });

  it('ages refresh tokens on the TestClock: alive within the idle lifetime', async () => {
    const pair = await mintTokenPair(app, USER);
    clock.advance(2 * HOUR_MS - 1);
    await refresh(pair.refresh_token).expect(200);
  });

  it('ages refresh tokens on the TestClock: dead past the idle lifetime, without sleeping', async () => {
    const pair = await mintTokenPair(app, USER);
    clock.advance(2 * HOUR_MS);
    const response = await refresh(pair.refresh_token);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('SECURITY_INVALID_REFRESH_TOKEN');
  });

  it('collects the security events of a refresh-token reuse', async () => {
    const pair = await mintTokenPair(app, USER);
    const audit = collectSecurityEvents(app);
    await refresh(pair.refresh_token).expect(200);
    expect(audit.events).toEqual([]);
    await refresh(pair.refresh_token).expect(401);
    audit.stop();

    const [reused] = audit.ofType('refresh_token.reused');
    expect(reused).toEqual({
      type: 'refresh_token.reused',
      userId: USER.id,
      familyId: expect.any(String),
      at: clock.now(),
    });
    expect(audit.ofType('refresh_family.revoked')).toEqual([
      {
        type: 'refresh_family.revoked',
        familyId: reused?.familyId,
        userId: USER.id,
        at: clock.now(),
      },
    ]);
    // the family's access token is revoked with it
    await get('/protected', { Authorization: `Bearer ${pair.access_token}` }).expect(401);
  });

  it('stops collecting after stop()', async () => {
    const audit = collectSecurityEvents(app);
    audit.stop();
    const pair = await mintTokenPair(app, USER);
    await refresh(pair.refresh_token).expect(200);
    await refresh(pair.refresh_token).expect(401);
    expect(audit.events).toEqual([]);
  });
});
