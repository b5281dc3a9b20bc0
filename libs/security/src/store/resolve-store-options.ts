import {
  assertKnownKeys,
  readChoice,
  readNumber,
  readObject,
  readString,
} from '../core/option-readers';
import { SecurityConfigurationError } from '../errors/security-configuration.error';

export type ResolvedStoreOptions =
  | { readonly type: 'memory'; readonly maxEntries: number }
  | {
      readonly type: 'redis';
      readonly url: string;
      readonly keyPrefix: string;
      readonly connectTimeoutMs: number;
      readonly commandTimeoutMs: number;
    };

/**
 * Validates `store` options and fills defaults (`{ type: 'memory' }` when omitted).
 *
 * @example
 * resolveStoreOptions({ type: 'redis', url: 'redis://127.0.0.1:6379' });
 */
export function resolveStoreOptions(raw: unknown): ResolvedStoreOptions {
  const store = readObject(raw ?? { type: 'memory' }, 'store');
  const type = readChoice(store.type, 'store.type', ['memory', 'redis'] as const);
  if (type === 'memory') {
    assertKnownKeys(store, ['type', 'maxEntries'], 'store');
    return {
      type,
      maxEntries:
        store.maxEntries === undefined
          ? 100_000
          : readNumber(store.maxEntries, 'store.maxEntries', {
              min: 1_000,
              integer: true,
              unit: 'entries',
            }),
    };
  }
  assertKnownKeys(
    store,
    ['type', 'url', 'keyPrefix', 'connectTimeoutMs', 'commandTimeoutMs'],
    'store',
  );
  if (store.url === undefined) {
    throw new SecurityConfigurationError(
      'store.url',
      'is required when store.type is "redis"',
      'set it to your Redis URL, e.g. "redis://127.0.0.1:6379"',
    );
  }
  const url = readString(store.url, 'store.url');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new SecurityConfigurationError(
      'store.url',
      'is not a valid URL',
      'use the form "redis://host:port" or "rediss://host:port"',
    );
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new SecurityConfigurationError(
      'store.url',
      `must use redis: or rediss:, got ${protocol}`,
      'use the form "redis://host:port" or "rediss://host:port"',
    );
  }
  return {
    type,
    url,
    keyPrefix:
      store.keyPrefix === undefined ? 'rampart:' : readString(store.keyPrefix, 'store.keyPrefix'),
    connectTimeoutMs:
      store.connectTimeoutMs === undefined
        ? 5_000
        : readNumber(store.connectTimeoutMs, 'store.connectTimeoutMs', {
            min: 100,
            max: 60_000,
            integer: true,
            unit: 'milliseconds',
          }),
    commandTimeoutMs:
      store.commandTimeoutMs === undefined
        ? 1_000
        : readNumber(store.commandTimeoutMs, 'store.commandTimeoutMs', {
            min: 10,
            max: 30_000,
            integer: true,
            unit: 'milliseconds',
          }),
  };
}
