import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { ADAPTERS, startApp, storeOptions } from '../support/apps';
import { es256KeyPair } from '../support/jwt-forge';
import { TokenLifecycleModule } from './app.module';
import { client, until } from './client';

const keys = es256KeyPair();
const jwt = {
  issuer: 'https://issuer.test',
  audience: 'api.test',
  keys: [{ kid: 'k1', privateKey: keys.privatePem }],
  revocationSyncIntervalSeconds: 1,
};

/** Deletes every key under `prefix` (this test's namespace only: never FLUSHDB). */
async function flushPrefix(prefix: string): Promise<number> {
  const redis = createClient({ url: process.env.REDIS_URL });
  await redis.connect();
  let deleted = 0;
  for await (const key of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 }))
    deleted += await redis.del(key);
  await redis.quit();
  return deleted;
}

describe.each(ADAPTERS)('a lost store never brings a revoked token back (%s)', (adapter) => {
  it('Redis flushed: tokens issued before are refused (the revoked one too), new logins work', async () => {
    const prefix = `test:${randomUUID()}:`;
    const app = await startApp(
      TokenLifecycleModule.with({ environment: 'test', jwt, store: storeOptions('redis', prefix) }),
      adapter,
    );
    try {
      const api = client(app);
      const revoked = await api.login();
      const live = await api.login();
      await api.revoke(revoked.access_token).expect(204);
      expect(await flushPrefix(prefix)).toBeGreaterThan(0);
      await until(async () => (await api.me(live.access_token)).status === 401);
      await api.me(revoked.access_token).expect(401);
      await api.refresh(live.refresh_token).expect(401);
      const fresh = await api.login();
      await api.me(fresh.access_token).expect(200);
    } finally {
      await app.close();
    }
  });

  it('memory store restarted: tokens issued by the previous process are refused', async () => {
    const options = { environment: 'test' as const, jwt, store: storeOptions('memory') };
    const first = await startApp(TokenLifecycleModule.with(options), adapter);
    const revoked = await client(first).login();
    await client(first).revoke(revoked.access_token).expect(204);
    await first.close();
    const second = await startApp(TokenLifecycleModule.with(options), adapter);
    try {
      await client(second).me(revoked.access_token).expect(401);
      const fresh = await client(second).login();
      await client(second).me(fresh.access_token).expect(200);
    } finally {
      await second.close();
    }
  });
});
