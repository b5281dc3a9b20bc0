import type { GlobalTestRedis } from './redis-server';

/** Jest globalTeardown of the e2e project: stops the `redis-server` that globalSetup started. */
export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as GlobalTestRedis;
  const redis = holder.rampartTestRedis;
  if (redis === undefined) return;
  holder.rampartTestRedis = undefined;
  delete process.env.REDIS_URL;
  await redis.stop();
}
