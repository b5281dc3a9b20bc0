import { MemorySecurityStore } from './memory-security.store';
import { RedisSecurityStore } from './redis-security.store';
import type { ResolvedStoreOptions } from './resolve-store-options';
import type { SecurityStore } from './security-store.interface';

/**
 * Builds the store the options ask for; a Redis store is connected before start-up goes on.
 *
 * @example
 * const store = await createSecurityStore({ type: 'memory', maxEntries: 100_000 });
 */
export async function createSecurityStore(options: ResolvedStoreOptions): Promise<SecurityStore> {
  switch (options.type) {
    case 'memory':
      return new MemorySecurityStore({ maxEntries: options.maxEntries });
    case 'redis':
      return RedisSecurityStore.connect({
        url: options.url,
        keyPrefix: options.keyPrefix,
        connectTimeoutMs: options.connectTimeoutMs,
        commandTimeoutMs: options.commandTimeoutMs,
      });
  }
}
