import { startRedisServer, type GlobalTestRedis } from './redis-server';

/**
 * Jest globalSetup of the e2e project: unless `REDIS_URL` is set, starts one throwaway
 * `redis-server` and exposes it to every test file as `process.env.REDIS_URL` (workers inherit the
 * environment of this parent process). globalTeardown stops it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL !== undefined && process.env.REDIS_URL !== '') return;
  const redis = await startRedisServer();
  (globalThis as GlobalTestRedis).rampartTestRedis = redis;
  process.env.REDIS_URL = redis.url;
}
