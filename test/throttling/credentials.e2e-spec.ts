import { MATRIX } from '../support/apps';
import { RATE_LIMITED } from './app.module';
import { useThrottlingApp } from './scenario';
import { quotaOf, rateLimitItems, remainingOf } from './rate-limit-fields';

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
  const client = useThrottlingApp(
    adapter,
    store,
    { trustedProxies: ['127.0.0.1'], credentials, throttlers: [] },
    { perTest: true },
  );
  const attempt = client.tokenAttempt.bind(client);

  it('limits one account across many addresses, even with the right password', async () => {
    for (let index = 0; index < PER_ACCOUNT; index++) {
      await attempt('alice', 'wrong', `198.51.100.${index}`).expect(401);
    }
    const refused = await attempt('alice', 'alice-password', '198.51.100.99').expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(remainingOf(refused.headers, 'credentials-account')).toBe(0);
    // Case and Unicode width do not make another account.
    await attempt('ALICE', 'alice-password', '198.51.100.98').expect(429);
    await attempt('\uff41lice', 'alice-password', '198.51.100.96').expect(429);
    // Another account is not affected.
    await attempt('admin', 'admin-password', '198.51.100.97').expect(200);
  });

  it('refuses an unknown account exactly as a known one', async () => {
    const answers = [];
    for (const username of ['nobody-here', 'admin']) {
      for (let index = 0; index < PER_ACCOUNT; index++) {
        await attempt(username, 'wrong', `192.0.2.${index + 10}`).expect(401);
      }
      answers.push(await attempt(username, 'wrong', '192.0.2.200'));
    }
    const [unknown, known] = answers;
    expect(unknown?.status).toBe(429);
    expect(known?.status).toBe(429);
    expect(unknown?.body).toEqual(known?.body);
    expect(unknown?.headers['ratelimit-policy']).toBe(known?.headers['ratelimit-policy']);
    // The same limits, and the same count for the account; the general and per-address counts
    // differ only because the second run came from addresses the first one used.
    const limits = (headers: Record<string, string> | undefined) => [
      ...rateLimitItems(headers?.ratelimit).keys(),
    ];
    expect(limits(unknown?.headers)).toEqual(limits(known?.headers));
    expect(remainingOf(unknown?.headers ?? {}, 'credentials-account')).toBe(0);
    expect(remainingOf(known?.headers ?? {}, 'credentials-account')).toBe(0);
  });

  it('limits one address across many accounts', async () => {
    for (let index = 0; index < PER_IP; index++) {
      await attempt(`user-${index}`, 'wrong', '203.0.113.50').expect(401);
    }
    const refused = await attempt('someone-else', 'wrong', '203.0.113.50').expect(429);
    expect(refused.body).toEqual(RATE_LIMITED);
    expect(quotaOf(refused.headers, 'credentials-ip')).toBe(PER_IP);
    expect(remainingOf(refused.headers, 'credentials-ip')).toBe(0);
    // The refresh route has no account: it is counted per address, and this one is spent.
    await client.refreshAttempt('not-a-token', '203.0.113.50').expect(429);
    await client.refreshAttempt('not-a-token', '203.0.113.51').expect(401);
    // Another address may still try.
    await attempt('someone-else', 'wrong', '203.0.113.52').expect(401);
  });
});
