import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MATRIX, startApp, storeOptions } from '../support/apps';
import { RATE_LIMITED, ThrottlingScenarioModule, tokenAttempt } from './app.module';

const PER_ACCOUNT = 3;
const PER_IP = 6;
const credentials = {
  perAccount: { limit: PER_ACCOUNT, windowMs: 60_000 },
  perIp: { limit: PER_IP, windowMs: 60_000 },
};

/**
 * Issue 6: credential endpoints (`@ThrottleCredentials()`: the reference app's /auth/token) are
 * limited per account across any number of addresses, and per address across accounts. Every
 * attempt counts, before the password is checked, so an unknown account and a known one are
 * refused alike: same status, body and headers. Clients come through a trusted proxy
 * (127.0.0.1) so that each attempt can come from another address. Express and Fastify, memory
 * and Redis.
 */
describe.each(MATRIX)('credential endpoints (%s, %s store)', (adapter, store) => {
  let app: INestApplication;

  beforeEach(async () => {
    app = await startApp(
      ThrottlingScenarioModule.with(
        { trustedProxies: ['127.0.0.1'], credentials, throttlers: [] },
        storeOptions(store),
      ),
      adapter,
    );
  });
  afterEach(async () => {
    await app.close();
  });

  it('limits one account across many addresses, even with the right password', async () => {
    for (let index = 0; index < PER_ACCOUNT; index++) {
      await tokenAttempt(app, 'alice', 'wrong', `198.51.100.${index}`).expect(401);
    }
    const refused = await tokenAttempt(app, 'alice', 'alice-password', '198.51.100.99').expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    // Case and Unicode width do not make another account.
    await tokenAttempt(app, 'ALICE', 'alice-password', '198.51.100.98').expect(429);
    await tokenAttempt(app, '\uff41lice', 'alice-password', '198.51.100.96').expect(429);
    // Another account is not affected.
    await tokenAttempt(app, 'admin', 'admin-password', '198.51.100.97').expect(200);
  });

  it('refuses an unknown account exactly as a known one', async () => {
    const answers = [];
    for (const username of ['nobody-here', 'admin']) {
      for (let index = 0; index < PER_ACCOUNT; index++) {
        await tokenAttempt(app, username, 'wrong', `192.0.2.${index + 10}`).expect(401);
      }
      answers.push(await tokenAttempt(app, username, 'wrong', '192.0.2.200'));
    }
    const [unknown, known] = answers;
    expect(unknown?.status).toBe(429);
    expect(known?.status).toBe(429);
    expect(unknown?.body).toEqual(known?.body);
    for (const header of ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-policy']) {
      expect(unknown?.headers[header]).toBe(known?.headers[header]);
    }
  });

  it('limits one address across many accounts', async () => {
    for (let index = 0; index < PER_IP; index++) {
      await tokenAttempt(app, `user-${index}`, 'wrong', '203.0.113.50').expect(401);
    }
    const refused = await tokenAttempt(app, 'someone-else', 'wrong', '203.0.113.50').expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(refused.headers['ratelimit-limit']).toBe(String(PER_IP));
    // The refresh route has no account: it is counted per address, and this one is spent.
    const refresh = (forwardedFor: string) =>
      request(app.getHttpServer())
        .post('/auth/refresh')
        .set('X-Forwarded-For', forwardedFor)
        .send({ refresh_token: 'not-a-token' });
    await refresh('203.0.113.50').expect(429);
    await refresh('203.0.113.51').expect(401);
    // Another address may still try.
    await tokenAttempt(app, 'someone-else', 'wrong', '203.0.113.52').expect(401);
  });
});
