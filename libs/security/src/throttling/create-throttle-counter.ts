import type { ResolvedStoreOptions } from '../store/resolve-store-options';
import { RedisSecurityStore } from '../store/redis-security.store';
import type { SecurityStore } from '../store/security-store.interface';
import { MemoryThrottleCounter } from './memory-throttle.counter';
import { RedisThrottleCounter } from './redis-throttle.counter';
import type { ThrottleCounter } from './throttle-counter.interface';

/**
 * The {@link ThrottleCounter} that goes with the configured store: in process for the memory
 * store; in Redis, on the store's own connection and under its key prefix, for the Redis store,
 * so that every instance shares one budget.
 *
 * @example
 * const counter = createThrottleCounter(options.store, store);
 */
export function createThrottleCounter(
  options: ResolvedStoreOptions,
  store: SecurityStore,
): ThrottleCounter {
  switch (options.type) {
    case 'memory':
      return new MemoryThrottleCounter();
    case 'redis':
      if (!(store instanceof RedisSecurityStore)) {
        throw new TypeError('store.type is redis, but the store is not a RedisSecurityStore');
      }
      return new RedisThrottleCounter(store.scriptClient(), {
        keyPrefix: options.keyPrefix,
        commandTimeoutMs: options.commandTimeoutMs,
      });
  }
}
