import { randomUUID } from 'node:crypto';
import { commandOptions, createClient, type RedisClientType } from 'redis';
import { startRedisServer, type RedisServerHandle } from '../../../../test/support/redis-server';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { MemoryThrottleCounter } from './memory-throttle.counter';
import {
  RedisThrottleCounter,
  type RedisThrottleCounterOptions,
  type ThrottleRedisClient,
  type ThrottleRedisScriptCall,
} from './redis-throttle.counter';
import { THROTTLE_SCRIPTS, TIME_LINE, WRITE_LINE } from './redis-throttle.scripts';
import { describeThrottleCounterContract } from './throttle-counter.contract';
import type { ThrottleResult } from './throttle-result.interface';
import {
  THROTTLE_ALGORITHMS,
  type ThrottleAlgorithm,
  type ThrottleRule,
} from './throttle-rule.interface';

/** Every key this file writes starts with this, so it never meets anyone else's data. */
const FILE_PREFIX = `rampart-test:${randomUUID().slice(0, 8)}:`;
let prefixes = 0;
const nextPrefix = (): string => `${FILE_PREFIX}${prefixes++}:`;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServerHandle;
/** Two connections, as two app instances would have. */
let clientA: RedisClientType;
let clientB: RedisClientType;

async function connect(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

beforeAll(async () => {
  redis = await startRedisServer(); // a throwaway server on a free port, never 6379
  [clientA, clientB] = await Promise.all([connect(redis.url), connect(redis.url)]);
});

afterAll(async () => {
  await Promise.all([clientA.quit(), clientB.quit()]);
  await redis.stop();
});

/** Deletes the keys under `prefix` (never FLUSHDB). */
async function deleteKeys(prefix: string): Promise<void> {
  for await (const key of clientA.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    await clientA.unlink(key);
  }
}

/** A node-redis client passes for the minimal interface, with no cast. */
const typed = (client: RedisClientType): ThrottleRedisClient => client;

describeThrottleCounterContract('RedisThrottleCounter', () => {
  const keyPrefix = nextPrefix();
  return Promise.resolve({
    counter: new RedisThrottleCounter(typed(clientA), { keyPrefix }),
    close: () => deleteKeys(keyPrefix),
  });
});

/** Records every call, and forwards it to a real client. */
class RecordingClient implements ThrottleRedisClient {
  readonly calls: { command: 'evalSha' | 'eval'; keys: readonly string[] }[] = [];

  constructor(private readonly real: ThrottleRedisClient) {}

  evalSha(sha1: string, options: ThrottleRedisScriptCall): Promise<unknown> {
    this.calls.push({ command: 'evalSha', keys: options.keys });
    return this.real.evalSha(sha1, options);
  }

  eval(script: string, options: ThrottleRedisScriptCall): Promise<unknown> {
    this.calls.push({ command: 'eval', keys: options.keys });
    return this.real.eval(script, options);
  }
}

/** The key of each hit, once (a hit that met `NOSCRIPT` is sent again with `EVAL`). */
const sentKeys = (recording: RecordingClient): (string | undefined)[] =>
  recording.calls.filter((call) => call.command === 'evalSha').map((call) => call.keys[0]);

/**
 * Runs the real scripts with a fake Redis clock: `TIME` becomes two extra arguments. Keys are
 * left to expire after ten minutes instead of `resetMs`, so that the real time the test takes
 * never expires a key early; that a key past its `resetMs` answers as a fresh one is proved by the
 * properties of `applyHit`.
 */
class FakeTimeClient implements ThrottleRedisClient {
  nowMs = 0;
  private readonly sources = new Map<string, string>();

  constructor(
    private readonly real: ThrottleRedisClient,
    private readonly next: () => number,
  ) {
    for (const script of Object.values(THROTTLE_SCRIPTS)) {
      const patched = script.source
        .replace(TIME_LINE, 'local time = { ARGV[#ARGV - 1], ARGV[#ARGV] }')
        .replace(WRITE_LINE, "redis.call('SET', KEYS[1], state, 'PX', 600000)");
      this.sources.set(script.sha1, patched);
    }
  }

  evalSha(sha1: string, options: ThrottleRedisScriptCall): Promise<unknown> {
    const source = this.sources.get(sha1);
    if (source === undefined) return Promise.reject(new Error('unknown script'));
    const seconds = Math.floor(this.nowMs / 1_000);
    // Microseconds below the millisecond, which the script must floor away.
    const micros = (this.nowMs % 1_000) * 1_000 + Math.floor(this.next() * 1_000);
    return this.real.eval(source, {
      keys: options.keys,
      arguments: [...options.arguments, String(seconds), String(micros)],
    });
  }

  eval(): Promise<unknown> {
    return Promise.reject(new Error('the fake-time client answers every EVALSHA'));
  }
}

/** mulberry32, seeded, so a failing sequence can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('RedisThrottleCounter', () => {
  describe('the Lua scripts compute what the in-memory counter computes', () => {
    it.each(Object.entries(THROTTLE_SCRIPTS))(
      '%s reads the clock once, from Redis TIME, then reads and writes the key once each',
      (_algorithm, script) => {
        expect(script.source.split(TIME_LINE)).toHaveLength(2);
        expect(script.source.split(WRITE_LINE)).toHaveLength(2);
        const commands = [...script.source.matchAll(/redis\.(?:p?call)\('(\w+)'/g)].map(
          (m) => m[1],
        );
        expect(commands).toEqual(['TIME', 'GET', 'SET']);
        expect(script.source).not.toMatch(/ARGV\[4\]/);
      },
    );

    const SEEDS = Array.from({ length: 60 }, (_, index) => index + 1);

    it.each(SEEDS)('seed %i: same answers on the same timeline', async (seed) => {
      const next = random(seed);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
      const rule: ThrottleRule = {
        algorithm: pick(THROTTLE_ALGORITHMS),
        limit: pick([1, 2, 3, 7, 10, 1_000]),
        windowMs: pick([1, 3, 10, 100, 999, 1_000, 60_000, 2 ** 31 - 1]),
        blockMs: pick([0, 0, 1, 50, 1_000, 2 ** 31 - 1]),
      };
      let nowMs = Date.UTC(2030, 0, 1) + Math.floor(next() * 1_000_000);
      const fake = new FakeTimeClient(typed(clientA), next);
      const keyPrefix = nextPrefix();
      const inRedis = new RedisThrottleCounter(fake, { keyPrefix });
      const inMemory = new MemoryThrottleCounter({ now: () => nowMs });
      const keys = ['a', 'b', '{tag}c'];
      try {
        for (let step = 0; step < 50; step++) {
          const roll = next();
          if (roll < 0.5) nowMs += 0;
          else if (roll < 0.9) nowMs += Math.floor(next() * Math.min(rule.windowMs, 100_000));
          else nowMs += Math.floor(next() * 3 * Math.min(rule.windowMs, 100_000));
          fake.nowMs = nowMs;
          const key = pick(keys);
          const [redisResult, memoryResult] = await Promise.all([
            inRedis.hit(key, rule),
            inMemory.hit(key, rule),
          ]);
          expect([seed, step, rule, redisResult]).toEqual([seed, step, rule, memoryResult]);
        }
      } finally {
        await deleteKeys(keyPrefix);
      }
    });
  });

  describe('on the real Redis clock', () => {
    let keyPrefix: string;
    let counter: RedisThrottleCounter;

    beforeEach(() => {
      keyPrefix = nextPrefix();
      counter = new RedisThrottleCounter(typed(clientA), { keyPrefix });
    });

    afterEach(() => deleteKeys(keyPrefix));

    it('fixed-window: allows the next hit once the window has rolled over', async () => {
      const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 2, windowMs: 300 };
      await counter.hit('k', rule);
      await counter.hit('k', rule);
      const refused = await counter.hit('k', rule);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300);
      await sleep(refused.retryAfterMs + 20);
      expect(await counter.hit('k', rule)).toMatchObject({ allowed: true, remaining: 1 });
    });

    it('token-bucket: refills one token after windowMs / limit', async () => {
      const rule: ThrottleRule = { algorithm: 'token-bucket', limit: 3, windowMs: 300 };
      for (let index = 0; index < 3; index++) await counter.hit('k', rule);
      const refused = await counter.hit('k', rule);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeGreaterThan(0);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(100);
      expect(refused.resetMs).toBeGreaterThan(200);
      expect(refused.resetMs).toBeLessThanOrEqual(300);
      await sleep(refused.retryAfterMs + 10);
      expect((await counter.hit('k', rule)).allowed).toBe(true);
      expect((await counter.hit('k', rule)).allowed).toBe(false);
    });

    it('sliding-window: allows the next hit after retryAfterMs', async () => {
      const rule: ThrottleRule = { algorithm: 'sliding-window', limit: 2, windowMs: 300 };
      await counter.hit('k', rule);
      await counter.hit('k', rule);
      const refused = await counter.hit('k', rule);
      expect(refused.allowed).toBe(false);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300 + 150);
      await sleep(refused.retryAfterMs + 20);
      expect((await counter.hit('k', rule)).allowed).toBe(true);
    });

    it('lets the key expire when its state is spent, as packed numbers under the prefix', async () => {
      const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 5, windowMs: 60_000 };
      await counter.hit('user:{42}', rule);
      await counter.hit('user:{42}', rule);
      const key = `${keyPrefix}throttle:fixed-window:60000:user:{42}`;
      expect(await clientA.type(key)).toBe('string');
      const state = await clientA.get(commandOptions({ returnBuffers: true }), key);
      expect(state).toHaveLength(24);
      const [start, count, blocked] = [0, 8, 16].map((at) => state?.readDoubleBE(at));
      expect(Math.abs((start ?? 0) - Date.now())).toBeLessThan(60_000);
      expect([count, blocked]).toEqual([2, 0]);
      const ttl = await clientA.pTTL(key);
      expect(ttl).toBeGreaterThan(58_000);
      expect(ttl).toBeLessThanOrEqual(60_000);

      const bucket: ThrottleRule = { algorithm: 'token-bucket', limit: 4, windowMs: 60_000 };
      await counter.hit('k', bucket);
      const bucketTtl = await clientA.pTTL(`${keyPrefix}throttle:token-bucket:60000:k`);
      expect(bucketTtl).toBeGreaterThan(13_000);
      expect(bucketTtl).toBeLessThanOrEqual(15_000);
    });

    it('touches exactly one key per hit (Redis Cluster safe), keeping a {hash tag}', async () => {
      const recording = new RecordingClient(typed(clientA));
      const recorded = new RedisThrottleCounter(recording, { keyPrefix });
      for (const algorithm of THROTTLE_ALGORITHMS) {
        await recorded.hit('session:{user-42}', { algorithm, limit: 2, windowMs: 1_000 });
      }
      expect(recording.calls.length).toBeGreaterThanOrEqual(3);
      for (const call of recording.calls) {
        expect(call.keys).toHaveLength(1);
        expect(call.keys[0]?.startsWith(keyPrefix)).toBe(true);
        expect(call.keys[0]?.match(/[{}]/g)).toEqual(['{', '}']);
        expect(call.keys[0]?.endsWith(':session:{user-42}')).toBe(true);
      }
    });

    it('falls back to EVAL once when Redis has not cached the script, then uses EVALSHA', async () => {
      await clientA.scriptFlush();
      const recording = new RecordingClient(typed(clientA));
      const recorded = new RedisThrottleCounter(recording, { keyPrefix });
      const rule: ThrottleRule = { algorithm: 'sliding-window', limit: 2, windowMs: 60_000 };
      await recorded.hit('k', rule);
      await recorded.hit('k', rule);
      expect(recording.calls.map((call) => call.command)).toEqual(['evalSha', 'eval', 'evalSha']);
    });

    it('reads a rule that can still change on every hit', async () => {
      const recording = new RecordingClient(typed(clientA));
      const recorded = new RedisThrottleCounter(recording, { keyPrefix });
      const rule = { algorithm: 'fixed-window' as ThrottleAlgorithm, limit: 1, windowMs: 60_000 };
      expect(await recorded.hit('k', rule)).toMatchObject({ allowed: true, limit: 1 });
      rule.limit = 3;
      expect(await recorded.hit('k', rule)).toMatchObject({
        allowed: true,
        limit: 3,
        remaining: 1,
      });
      rule.windowMs = 30_000;
      expect(await recorded.hit('k', rule)).toMatchObject({ allowed: true, remaining: 2 });
      rule.limit = 0;
      await expect(recorded.hit('k', rule)).rejects.toThrow(RangeError);
      expect(sentKeys(recording)).toEqual([
        `${keyPrefix}throttle:fixed-window:60000:k`,
        `${keyPrefix}throttle:fixed-window:60000:k`,
        `${keyPrefix}throttle:fixed-window:30000:k`,
      ]);
    });

    it('keeps each frozen rule apart when they alternate', async () => {
      const recording = new RecordingClient(typed(clientA));
      const recorded = new RedisThrottleCounter(recording, { keyPrefix });
      const minute: ThrottleRule = Object.freeze({
        algorithm: 'fixed-window',
        limit: 2,
        windowMs: 60_000,
      });
      const bucket: ThrottleRule = Object.freeze({
        algorithm: 'token-bucket',
        limit: 5,
        windowMs: 600_000, // a token back every 2 minutes: none during the test
      });
      const results = [];
      for (const rule of [minute, bucket, minute, bucket, minute]) {
        results.push(await recorded.hit('k', rule));
      }
      expect(results.map(({ allowed, limit, remaining }) => [allowed, limit, remaining])).toEqual([
        [true, 2, 1],
        [true, 5, 4],
        [true, 2, 0],
        [true, 5, 3],
        [false, 2, 0],
      ]);
      expect(sentKeys(recording)).toEqual(
        [
          'fixed-window:60000',
          'token-bucket:600000',
          'fixed-window:60000',
          'token-bucket:600000',
          'fixed-window:60000',
        ].map((rule) => `${keyPrefix}throttle:${rule}:k`),
      );
    });

    it('uses the default prefix rampart:', async () => {
      const byDefault = new RedisThrottleCounter(typed(clientA));
      const key = `${FILE_PREFIX}default`;
      try {
        await byDefault.hit(key, { algorithm: 'token-bucket', limit: 1, windowMs: 60_000 });
        expect(await clientA.exists(`rampart:throttle:token-bucket:60000:${key}`)).toBe(1);
      } finally {
        await clientA.unlink(`rampart:throttle:token-bucket:60000:${key}`);
      }
    });

    it('counts on Redis time: app clocks hours apart still share one window', async () => {
      const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 3, windowMs: 60_000 };
      const onB = new RedisThrottleCounter(typed(clientB), { keyPrefix });
      const realNow = Date.now.bind(Date);
      const clock = jest.spyOn(Date, 'now');
      try {
        clock.mockImplementation(() => realNow() + 3 * 3_600_000);
        const a = await counter.hit('k', rule);
        clock.mockImplementation(() => realNow() - 3 * 3_600_000);
        const b = await onB.hit('k', rule);
        expect(a.remaining).toBe(2);
        expect(b.remaining).toBe(1);
        expect(Math.abs(a.resetMs - b.resetMs)).toBeLessThan(1_000);
      } finally {
        clock.mockRestore();
      }
    });
  });

  describe.each(THROTTLE_ALGORITHMS)('%s under concurrency', (algorithm: ThrottleAlgorithm) => {
    it('allows exactly limit of 50 parallel hits from two instances on one key', async () => {
      const keyPrefix = nextPrefix();
      const onA = new RedisThrottleCounter(typed(clientA), { keyPrefix });
      const onB = new RedisThrottleCounter(typed(clientB), { keyPrefix });
      const rule: ThrottleRule = { algorithm, limit: 10, windowMs: 60_000 };
      try {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? onA : onB).hit('k', rule)),
        );
        const allowed = results.filter((result) => result.allowed);
        expect(allowed).toHaveLength(10);
        expect(allowed.map((result) => result.remaining).sort((x, y) => x - y)).toEqual([
          0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
        ]);
        expect(results.filter((result) => !result.allowed).every((r) => r.retryAfterMs > 0)).toBe(
          true,
        );
      } finally {
        await deleteKeys(keyPrefix);
      }
    });
  });

  describe('fails closed', () => {
    const rule: ThrottleRule = { algorithm: 'fixed-window', limit: 1, windowMs: 60_000 };
    const SECRET_KEY = 'login:alice@example.com';

    /** The error `promise` rejects with; fails the test when it resolves. */
    async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
      try {
        await promise;
      } catch (error) {
        return error;
      }
      throw new Error('expected a rejection, but the promise resolved');
    }

    function fakeClient(evalSha: () => Promise<unknown>): ThrottleRedisClient {
      return { evalSha, eval: () => Promise.reject(new Error('not expected')) };
    }

    it.each<[string, () => Promise<unknown>, RegExp]>([
      ['a connection error', () => Promise.reject(new Error('read ECONNRESET')), /ECONNRESET/],
      ['a reply that is not an array', () => Promise.resolve('OK'), /unexpected reply/],
      ['a reply too short', () => Promise.resolve([1, 2, 3]), /unexpected reply/],
      ['a negative number', () => Promise.resolve([1, -1, 0, 0]), /unexpected reply/],
      ['a string in the reply', () => Promise.resolve([1, '2', 3, 0]), /unexpected reply/],
      ['a fraction in the reply', () => Promise.resolve([1, 2.5, 3, 0]), /unexpected reply/],
    ])('rejects with StoreUnavailableException on %s', async (_case, evalSha, cause) => {
      const failing = new RedisThrottleCounter(fakeClient(evalSha));
      const error = await rejectionOf(failing.hit(SECRET_KEY, rule));
      expect(error).toBeInstanceOf(StoreUnavailableException);
      expect(error).toMatchObject({ code: 'SECURITY_STORE_UNAVAILABLE' });
      const message = (error as { cause: Error }).cause.message;
      expect(message).toMatch(cause);
      expect(message).not.toContain('alice');
    });

    it('rejects after commandTimeoutMs when Redis never answers', async () => {
      const silent = new RedisThrottleCounter(
        fakeClient(() => new Promise(() => undefined)),
        { commandTimeoutMs: 30 },
      );
      const started = Date.now();
      const error = await rejectionOf(silent.hit(SECRET_KEY, rule));
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(error).toBeInstanceOf(StoreUnavailableException);
      expect((error as { cause: Error }).cause.message).toMatch(/no answer within 30 ms/);
    });

    it('runs the script with EVAL after a NOSCRIPT reply from any client', async () => {
      const evalCalls: string[] = [];
      const client: ThrottleRedisClient = {
        evalSha: () => Promise.reject(new Error('NOSCRIPT No matching script.')),
        eval: (script) => {
          evalCalls.push(script);
          return Promise.resolve([1, 0, 60_000, 0]);
        },
      };
      const result = await new RedisThrottleCounter(client).hit('k', rule);
      expect(result).toEqual({
        allowed: true,
        limit: 1,
        remaining: 0,
        resetMs: 60_000,
        retryAfterMs: 0,
      });
      expect(evalCalls).toEqual([THROTTLE_SCRIPTS['fixed-window'].source]);
    });

    it.each([
      ['a hash', /WRONGTYPE/, (key: string) => clientA.hSet(key, 'count', '1')],
      [
        'a string of another shape',
        /no Rampart throttle state/,
        (key: string) => clientA.set(key, 'x'),
      ],
      [
        'a string one byte short',
        /no Rampart throttle state/,
        (key: string) => clientA.set(key, 'x'.repeat(23)),
      ],
    ])('rejects when the key holds %s, and leaves it as it was', async (_what, reason, write) => {
      const keyPrefix = nextPrefix();
      const counter = new RedisThrottleCounter(typed(clientA), { keyPrefix });
      const key = `${keyPrefix}throttle:fixed-window:60000:${SECRET_KEY}`;
      await write(key);
      const before = await clientA.dump(commandOptions({ returnBuffers: true }), key);
      try {
        const error = await rejectionOf(counter.hit(SECRET_KEY, rule));
        expect(error).toBeInstanceOf(StoreUnavailableException);
        expect((error as { cause: Error }).cause.message).toMatch(reason);
        expect((error as { cause: Error }).cause.message).not.toContain('alice');
        expect(await clientA.dump(commandOptions({ returnBuffers: true }), key)).toEqual(before);
      } finally {
        await deleteKeys(keyPrefix);
      }
    });

    it('rejects within commandTimeoutMs while Redis is frozen or down, and recovers', async () => {
      const own = await startRedisServer();
      const client = await connect(own.url);
      const counter = new RedisThrottleCounter(typed(client), { commandTimeoutMs: 150 });
      try {
        expect((await counter.hit(SECRET_KEY, rule)).allowed).toBe(true);
        own.pause();
        const started = Date.now();
        await expect(counter.hit(SECRET_KEY, rule)).rejects.toBeInstanceOf(
          StoreUnavailableException,
        );
        expect(Date.now() - started).toBeLessThan(1_000);
        own.resume();
        // Back: still counted, so the second hit in the window is refused, not let in.
        await sleep(50);
        expect((await counter.hit(SECRET_KEY, rule)).allowed).toBe(false);
        await own.stop();
        const down = Date.now();
        await expect(counter.hit(SECRET_KEY, rule)).rejects.toBeInstanceOf(
          StoreUnavailableException,
        );
        expect(Date.now() - down).toBeLessThan(1_000);
      } finally {
        own.resume();
        await client.disconnect().catch(() => undefined);
        await own.stop();
      }
    });
  });

  describe('options', () => {
    it.each<[unknown, RegExp]>([
      [{ keyPrefix: 'app:{x}:' }, /store\.keyPrefix/],
      [{ keyPrefix: 5 }, /store\.keyPrefix/],
      [{ keyPrefix: null }, /store\.keyPrefix/],
      [{ commandTimeoutMs: 0 }, /store\.commandTimeoutMs/],
      [{ commandTimeoutMs: 1.5 }, /store\.commandTimeoutMs/],
      [{ commandTimeoutMs: Number.NaN }, /store\.commandTimeoutMs/],
      [{ commandTimeoutMs: -0 }, /store\.commandTimeoutMs/],
      [{ commandTimeoutMs: '100' }, /store\.commandTimeoutMs/],
      [{ commandTimeoutMs: 600_001 }, /store\.commandTimeoutMs/],
      [{ commandTimeout: 100 }, /did you mean `commandTimeoutMs`\?/],
      [null, /store/],
    ])('refuses %p', (options, message) => {
      const construct = () =>
        new RedisThrottleCounter(typed(clientA), options as RedisThrottleCounterOptions);
      expect(construct).toThrow(SecurityConfigurationError);
      expect(construct).toThrow(message);
    });

    it.each<[unknown]>([[null], [undefined], [{}], [{ evalSha: () => Promise.resolve() }]])(
      'refuses the client %p',
      (client) => {
        expect(() => new RedisThrottleCounter(client as ThrottleRedisClient)).toThrow(TypeError);
      },
    );

    it('accepts an empty prefix', async () => {
      const key = `${FILE_PREFIX}empty-prefix`;
      const counter = new RedisThrottleCounter(typed(clientA), { keyPrefix: '' });
      try {
        const result: ThrottleResult = await counter.hit(key, {
          algorithm: 'fixed-window',
          limit: 1,
          windowMs: 1_000,
        });
        expect(result.allowed).toBe(true);
        expect(await clientA.exists(`throttle:fixed-window:1000:${key}`)).toBe(1);
      } finally {
        await clientA.unlink(`throttle:fixed-window:1000:${key}`);
      }
    });
  });
});
