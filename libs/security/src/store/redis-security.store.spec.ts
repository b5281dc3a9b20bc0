import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient, type RedisClientType } from 'redis';
import {
  redisUrlForTests,
  startRedisServer,
  type RedisServerHandle,
  type TestRedis,
} from '../../../../test/support/redis-server';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { RedisSecurityStore, type RedisSecurityStoreOptions } from './redis-security.store';
import type { SecurityStore } from './security-store.interface';
import { describeSecurityStoreContract } from './security-store.contract';

/** Every key this file writes starts with this, so it never meets anyone else's data. */
const FILE_PREFIX = `rampart-test:${randomUUID().slice(0, 8)}:`;
let prefixes = 0;
const nextPrefix = (): string => `${FILE_PREFIX}${prefixes++}:`;

let redis: TestRedis;
/** A plain node-redis client, to look at the raw key layout and to clean up. */
let admin: RedisClientType;

beforeAll(async () => {
  redis = await redisUrlForTests();
  admin = createClient({ url: redis.url });
  admin.on('error', () => undefined);
  await admin.connect();
});

afterAll(async () => {
  await deleteKeys(FILE_PREFIX);
  await admin.quit();
  await redis.stop();
});

/** Deletes the keys under `prefix` (never FLUSHDB: the Redis may be shared). */
async function deleteKeys(prefix: string): Promise<void> {
  for await (const key of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    await admin.unlink(key);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeSecurityStoreContract(
  'RedisSecurityStore',
  async () => {
    const keyPrefix = nextPrefix();
    const opened: RedisSecurityStore[] = [];
    const open = async (): Promise<SecurityStore> => {
      const store = await RedisSecurityStore.connect({ url: redis.url, keyPrefix });
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      openPeer: open,
      elapse: sleep,
      close: async () => {
        await Promise.all(opened.map((store) => store.onApplicationShutdown()));
        await deleteKeys(keyPrefix);
      },
    };
  },
  { shortTtlMs: 100, sharedAcrossInstances: true },
);

/** The error `promise` rejects with; fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** Asserts a fail-closed rejection: a 503 `SECURITY_STORE_UNAVAILABLE`, never a resolved value. */
async function expectUnavailable(promise: Promise<unknown>): Promise<StoreUnavailableException> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(StoreUnavailableException);
  const unavailable = error as StoreUnavailableException;
  expect(unavailable.code).toBe('SECURITY_STORE_UNAVAILABLE');
  expect(unavailable.getStatus()).toBe(503);
  return unavailable;
}

/** A listener, and the first message it receives. */
function firstMessage(): { listener: (message: string) => void; message: Promise<string> } {
  let listener!: (message: string) => void;
  const message = new Promise<string>((resolve) => {
    listener = resolve;
  });
  return { listener, message };
}

/** A port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Retries `probe` until it resolves, for at most `limitMs`. */
async function eventually(probe: () => Promise<unknown>, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      await probe();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

describe('RedisSecurityStore', () => {
  let store: RedisSecurityStore;
  let keyPrefix: string;

  beforeEach(async () => {
    keyPrefix = nextPrefix();
    store = await RedisSecurityStore.connect({ url: redis.url, keyPrefix });
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await store.onApplicationShutdown();
    await deleteKeys(keyPrefix);
  });

  describe('key layout', () => {
    it('keeps a value as JSON at keyPrefix + key, expiring with PX', async () => {
      await store.set('session:abc', { userId: '42' }, 60_000);
      await expect(admin.get(`${keyPrefix}session:abc`)).resolves.toBe('{"userId":"42"}');
      const ttlMs = await admin.pTTL(`${keyPrefix}session:abc`);
      expect(ttlMs).toBeGreaterThan(50_000);
      expect(ttlMs).toBeLessThanOrEqual(60_000);
      await expect(store.setIfAbsent('once', { a: 1 }, 60_000)).resolves.toBe(true);
      await expect(admin.get(`${keyPrefix}once`)).resolves.toBe('{"a":1}');
    });

    it('keeps a counter as an integer string with the PTTL the store reports', async () => {
      await store.increment('hits', 60_000);
      const { count, ttlMs } = await store.increment('hits', 60_000);
      expect(count).toBe(2);
      await expect(admin.get(`${keyPrefix}hits`)).resolves.toBe('2');
      const pttl = await admin.pTTL(`${keyPrefix}hits`);
      expect(pttl).toBeLessThanOrEqual(ttlMs);
      expect(pttl).toBeGreaterThan(50_000);
    });

    it('gives a counter that lost its expiry a new one, so it can never live forever', async () => {
      await admin.set(`${keyPrefix}stuck`, '7');
      const { count, ttlMs } = await store.increment('stuck', 60_000);
      expect(count).toBe(8);
      expect(ttlMs).toBe(60_000);
      expect(await admin.pTTL(`${keyPrefix}stuck`)).toBeGreaterThan(0);
    });

    it('keeps a set as a Redis set at keyPrefix + key', async () => {
      await store.addToSet('sessions-of:{user-42}', 'abc', 60_000);
      await store.addToSet('sessions-of:{user-42}', 'def', 60_000);
      expect((await admin.sMembers(`${keyPrefix}sessions-of:{user-42}`)).sort()).toEqual([
        'abc',
        'def',
      ]);
      expect(await admin.pTTL(`${keyPrefix}sessions-of:{user-42}`)).toBeGreaterThan(50_000);
    });

    it('subscribes to keyPrefix + channel, and unsubscribes on the server when the last listener leaves', async () => {
      const channel = `${keyPrefix}events`;
      const first = await store.subscribe('events', () => undefined);
      const second = await store.subscribe('events', () => undefined);
      await expect(admin.pubSubNumSub(channel)).resolves.toEqual({ [channel]: 1 });
      await first();
      await expect(admin.pubSubNumSub(channel)).resolves.toEqual({ [channel]: 1 });
      await second();
      await expect(admin.pubSubNumSub(channel)).resolves.toEqual({ [channel]: 0 });
    });

    it('uses rampart: as the default prefix', async () => {
      const key = `default-prefix-test:${randomUUID()}`;
      const plain = await RedisSecurityStore.connect({ url: redis.url });
      try {
        await plain.set(key, 1, 60_000);
        await expect(admin.get(`rampart:${key}`)).resolves.toBe('1');
      } finally {
        await plain.delete(key);
        await plain.onApplicationShutdown();
      }
    });

    it('reports a value that is not JSON as unavailable, without echoing it', async () => {
      await admin.set(`${keyPrefix}corrupt`, 'not json hunter2', { PX: 60_000 });
      const error = await expectUnavailable(store.get('corrupt'));
      expect(`${error.message} ${String(error.cause)}`).not.toContain('hunter2');
    });
  });

  describe('key prefix isolation', () => {
    let other: RedisSecurityStore;
    let otherPrefix: string;

    beforeEach(async () => {
      otherPrefix = nextPrefix();
      other = await RedisSecurityStore.connect({ url: redis.url, keyPrefix: otherPrefix });
    });

    afterEach(async () => {
      await other.onApplicationShutdown();
      await deleteKeys(otherPrefix);
    });

    it('keeps values, counters and sets of two prefixes apart', async () => {
      await store.set('k', 'mine', 60_000);
      await expect(other.get('k')).resolves.toBeUndefined();
      await expect(other.setIfAbsent('k', 'theirs', 60_000)).resolves.toBe(true);
      await expect(store.get('k')).resolves.toBe('mine');
      await store.increment('c', 60_000);
      await store.increment('c', 60_000);
      await expect(other.increment('c', 60_000)).resolves.toMatchObject({ count: 1 });
      await store.addToSet('s', 'mine', 60_000);
      await expect(other.members('s')).resolves.toEqual([]);
      await other.delete('k');
      await expect(store.get('k')).resolves.toBe('mine');
    });

    it('keeps channels of two prefixes apart', async () => {
      const peer = await RedisSecurityStore.connect({ url: redis.url, keyPrefix });
      try {
        const heardByOther: string[] = [];
        const otherHeardItsOwn = firstMessage();
        await other.subscribe('events', (message) => {
          heardByOther.push(message);
          otherHeardItsOwn.listener(message);
        });
        const heardByPeer = firstMessage();
        await peer.subscribe('events', heardByPeer.listener);
        await store.publish('events', 'for my prefix only');
        await expect(heardByPeer.message).resolves.toBe('for my prefix only');
        // Published after the first message, so it reaches `other` after it would have.
        await other.publish('events', 'other prefix');
        await expect(otherHeardItsOwn.message).resolves.toBe('other prefix');
        expect(heardByOther).toEqual(['other prefix']);
      } finally {
        await peer.onApplicationShutdown();
      }
    });
  });

  describe('connect', () => {
    it('fails startup with an error naming store.url when nothing answers, without the password', async () => {
      const port = await closedPort();
      const error = await rejectionOf(
        RedisSecurityStore.connect({
          url: `redis://app:s3cret-pw@127.0.0.1:${port}`,
          connectTimeoutMs: 300,
        }),
      );
      expect(error).toBeInstanceOf(SecurityConfigurationError);
      const configurationError = error as SecurityConfigurationError;
      expect(configurationError.code).toBe('SECURITY_INVALID_OPTIONS');
      expect(configurationError.option).toBe('store.url');
      expect(configurationError.message).toContain('"store.url"');
      expect(configurationError.message).toContain('300 ms');
      expect(configurationError.message).toContain(`redis://app:***@127.0.0.1:${port}`);
      expect(configurationError.message).toContain('ECONNREFUSED');
      expect(configurationError.message).not.toContain('s3cret-pw');
    });

    it.each<[string, Record<string, unknown>, string | RegExp]>([
      ['a missing url', {}, 'store.url'],
      ['an empty url', { url: '' }, 'store.url'],
      ['an http url', { url: 'http://127.0.0.1:6379' }, 'store.url'],
      ['a url that does not parse', { url: 'redis://u:hunter2@host:port' }, 'store.url'],
      [
        'braces in keyPrefix',
        { url: 'redis://127.0.0.1:1', keyPrefix: '{app}:' },
        'store.keyPrefix',
      ],
      ['an empty keyPrefix', { url: 'redis://127.0.0.1:1', keyPrefix: '' }, 'store.keyPrefix'],
      [
        'commandTimeoutMs 0',
        { url: 'redis://127.0.0.1:1', commandTimeoutMs: 0 },
        'store.commandTimeoutMs',
      ],
      [
        'commandTimeoutMs 1.5',
        { url: 'redis://127.0.0.1:1', commandTimeoutMs: 1.5 },
        'store.commandTimeoutMs',
      ],
      [
        'connectTimeoutMs "100"',
        { url: 'redis://127.0.0.1:1', connectTimeoutMs: '100' },
        'store.connectTimeoutMs',
      ],
      [
        'connectTimeoutMs NaN',
        { url: 'redis://127.0.0.1:1', connectTimeoutMs: Number.NaN },
        'store.connectTimeoutMs',
      ],
      [
        'a misspelt option',
        { url: 'redis://127.0.0.1:1', keyprefix: 'x:' },
        /did you mean `keyPrefix`\?/,
      ],
    ])('refuses %s before connecting', async (_label, options, expected) => {
      const error = await rejectionOf(
        RedisSecurityStore.connect(options as unknown as RedisSecurityStoreOptions),
      );
      expect(error).toBeInstanceOf(SecurityConfigurationError);
      expect((error as Error).message).toMatch(expected);
      expect((error as Error).message).not.toContain('hunter2');
    });
  });

  describe('shutdown', () => {
    it('closes both connections; later calls reject as unavailable', async () => {
      const channel = `${keyPrefix}events`;
      await store.subscribe('events', () => undefined);
      await expect(admin.pubSubNumSub(channel)).resolves.toEqual({ [channel]: 1 });
      await store.onApplicationShutdown();
      await expect(admin.pubSubNumSub(channel)).resolves.toEqual({ [channel]: 0 });
      await expectUnavailable(store.get('k'));
      await expectUnavailable(store.set('k', 1, 1_000));
      await expectUnavailable(store.subscribe('later', () => undefined));
      await expect(admin.pubSubNumSub(`${keyPrefix}later`)).resolves.toEqual({
        [`${keyPrefix}later`]: 0,
      });
    });
  });
});

describe('RedisSecurityStore on a Redis of its own', () => {
  let server: RedisServerHandle;
  let store: RedisSecurityStore;
  let warned: jest.SpyInstance;

  beforeEach(async () => {
    warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    server = await startRedisServer();
    store = await RedisSecurityStore.connect({
      url: server.url,
      keyPrefix: nextPrefix(),
      commandTimeoutMs: 300,
    });
  });

  afterEach(async () => {
    server.resume();
    await store.onApplicationShutdown();
    await server.stop();
    jest.restoreAllMocks();
  });

  it('reloads its Lua scripts after SCRIPT FLUSH (EVALSHA falls back to EVAL)', async () => {
    await store.increment('c', 60_000);
    await store.addToSet('s', 'a', 60_000);
    const scripts = createClient({ url: server.url });
    scripts.on('error', () => undefined);
    await scripts.connect();
    await scripts.scriptFlush();
    await scripts.quit();
    await expect(store.increment('c', 60_000)).resolves.toMatchObject({ count: 2 });
    await store.addToSet('s', 'b', 60_000);
    expect((await store.members('s')).sort()).toEqual(['a', 'b']);
  });

  describe('when Redis stopped', () => {
    beforeEach(async () => {
      await store.set('session:secret-key-xyz', { token: 'hunter2' }, 60_000);
      await server.stop();
    });

    it('rejects every call with StoreUnavailableException instead of answering', async () => {
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['get', () => store.get('session:secret-key-xyz')],
        ['set', () => store.set('session:secret-key-xyz', { token: 'hunter2' }, 60_000)],
        ['setIfAbsent', () => store.setIfAbsent('k', 1, 60_000)],
        ['delete', () => store.delete('k')],
        ['increment', () => store.increment('c', 60_000)],
        ['addToSet', () => store.addToSet('s', 'm', 60_000)],
        ['removeFromSet', () => store.removeFromSet('s', 'm')],
        ['members', () => store.members('s')],
        ['publish', () => store.publish('events', 'm')],
        ['subscribe', () => store.subscribe('events', () => undefined)],
        ['ping', () => store.ping()],
      ];
      for (const [operation, call] of calls) {
        const error = await expectUnavailable(call());
        const text = `${error.message} ${String(error.cause)}`;
        expect(text).toContain(operation);
        expect(text).not.toContain('hunter2');
        expect(text).not.toContain('secret-key-xyz');
      }
    });

    it('logs the lost connection once, without values or keys', async () => {
      await expectUnavailable(store.get('session:secret-key-xyz'));
      await eventually(() =>
        warned.mock.calls.length > 0 ? Promise.resolve() : Promise.reject(new Error('no log')),
      );
      const logged = JSON.stringify(warned.mock.calls);
      expect(logged).toContain('connection lost');
      expect(logged).not.toContain('hunter2');
      expect(logged).not.toContain('secret-key-xyz');
    });

    it('keeps reconnecting in the background and works again once Redis is back', async () => {
      await expectUnavailable(store.ping());
      server = await startRedisServer({ port: server.port });
      await eventually(() => store.ping());
      await store.set('k', { back: true }, 60_000);
      await expect(store.get('k')).resolves.toEqual({ back: true });
      await expect(store.increment('c', 60_000)).resolves.toMatchObject({ count: 1 });
      const received = firstMessage();
      await store.subscribe('events', received.listener);
      await store.publish('events', 'after restart');
      await expect(received.message).resolves.toBe('after restart');
    });

    it('shuts down without waiting for Redis', async () => {
      await expect(store.onApplicationShutdown()).resolves.toBeUndefined();
    });
  });

  describe('when Redis hangs (process paused)', () => {
    beforeEach(async () => {
      await store.subscribe('events', () => undefined);
      server.pause();
    });

    it('rejects each call after commandTimeoutMs with StoreUnavailableException', async () => {
      for (const call of [
        () => store.get('k'),
        () => store.set('k', { token: 'hunter2' }, 60_000),
        () => store.increment('c', 60_000),
        () => store.members('s'),
        () => store.ping(),
      ]) {
        const error = await expectUnavailable(call());
        expect(String(error.cause)).toContain('no answer within 300 ms');
        expect(String(error.cause)).not.toContain('hunter2');
      }
    });

    it('answers again once Redis resumes', async () => {
      await expectUnavailable(store.get('k'));
      server.resume();
      await eventually(() => store.ping());
      await store.set('k', 'v', 60_000);
      await expect(store.get('k')).resolves.toBe('v');
    });

    it('shuts down without waiting for Redis', async () => {
      await expect(store.onApplicationShutdown()).resolves.toBeUndefined();
    });
  });
});
