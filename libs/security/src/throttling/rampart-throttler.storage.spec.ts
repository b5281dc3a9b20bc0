import type { ExecutionContext } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  ThrottlerException,
  ThrottlerGuard,
  ThrottlerModule,
  type ThrottlerModuleOptions,
} from '@nestjs/throttler';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { ClientIpResolver } from './client-ip.resolver';
import { MemoryThrottleCounter } from './memory-throttle.counter';
import {
  RampartThrottlerStorage,
  type RampartThrottlerStorageOptions,
} from './rampart-throttler.storage';
import type { ThrottleCounter } from './throttle-counter.interface';

const T0 = Date.UTC(2030, 0, 1);

function storageWithClock(options?: RampartThrottlerStorageOptions) {
  let nowMs = T0;
  const counter = new MemoryThrottleCounter({ now: () => nowMs });
  return {
    storage: new RampartThrottlerStorage(counter, options),
    counter,
    at(ms: number): void {
      nowMs = T0 + ms;
    },
  };
}

const record = (
  totalHits: number,
  timeToExpire: number,
  isBlocked: boolean,
  timeToBlockExpire: number,
) => ({ totalHits, timeToExpire, isBlocked, timeToBlockExpire });

describe('RampartThrottlerStorage', () => {
  describe('increment', () => {
    it('maps a fixed window onto the record, durations in whole seconds', async () => {
      const { storage, at } = storageWithClock();
      const hit = () => storage.increment('key', 10_000, 2, 10_000, 'default');
      expect(await hit()).toEqual(record(1, 10, false, 0));
      at(2_500);
      expect(await hit()).toEqual(record(2, 8, false, 0)); // 7.5 s left, rounded up
      expect(await hit()).toEqual(record(3, 10, true, 10)); // blocked for blockDuration
      at(12_499);
      expect(await hit()).toEqual(record(3, 1, true, 1)); // 1 ms left is 1 s, never 0
      at(12_500);
      expect(await hit()).toEqual(record(1, 10, false, 0));
    });

    it('without a block (blockDuration 0), allows again when the window ends', async () => {
      const { storage, at } = storageWithClock();
      const hit = () => storage.increment('key', 10_000, 1, 0, 'default');
      await hit();
      at(4_000);
      expect(await hit()).toEqual(record(2, 6, true, 6));
      at(10_000);
      expect(await hit()).toEqual(record(1, 10, false, 0));
    });

    it('blocks for blockDuration when it is longer than the window', async () => {
      const { storage, at } = storageWithClock();
      const hit = () => storage.increment('key', 1_000, 1, 30_000, 'default');
      await hit();
      expect(await hit()).toEqual(record(2, 30, true, 30));
      at(29_999);
      expect((await hit()).isBlocked).toBe(true);
      at(30_000);
      expect((await hit()).isBlocked).toBe(false);
    });

    it('uses the algorithm of the throttler name, and fixed-window for the others', async () => {
      const { storage, at } = storageWithClock({ algorithms: { burst: 'token-bucket' } });
      for (const name of ['burst', 'default']) {
        for (let index = 0; index < 4; index++) await storage.increment('k', 1_000, 4, 0, name);
      }
      at(250);
      // The bucket got one token back; the fixed window is closed until 1 s.
      expect(await storage.increment('k', 1_000, 4, 0, 'burst')).toEqual(record(4, 1, false, 0));
      expect(await storage.increment('k', 1_000, 4, 0, 'default')).toEqual(record(5, 1, true, 1));
    });

    it('uses defaultAlgorithm for throttlers not listed', async () => {
      const { storage, at } = storageWithClock({ defaultAlgorithm: 'sliding-window' });
      at(999);
      for (let index = 0; index < 2; index++) await storage.increment('k', 1_000, 2, 0, 'x');
      at(1_000);
      // A fixed window would open again; the sliding one still weighs the last window fully.
      expect((await storage.increment('k', 1_000, 2, 0, 'x')).isBlocked).toBe(true);
    });

    it('reports totalHits as limit - remaining, so X-RateLimit-Remaining is the counter’s', async () => {
      const { storage, at } = storageWithClock({ defaultAlgorithm: 'sliding-window' });
      for (let index = 0; index < 10; index++) await storage.increment('k', 1_000, 10, 0, 'x');
      at(1_500); // 10 x 0.5 still count
      expect(await storage.increment('k', 1_000, 10, 0, 'x')).toMatchObject({
        totalHits: 6,
        isBlocked: false,
      });
    });

    it('counts each throttler name apart, even when name and key could run together', async () => {
      const { storage } = storageWithClock();
      await storage.increment('b:key', 60_000, 1, 0, 'a');
      expect((await storage.increment('key', 60_000, 1, 0, 'a:b')).isBlocked).toBe(false);
      expect((await storage.increment('b:key', 60_000, 1, 0, 'a')).isBlocked).toBe(true);
    });

    it('follows a throttler whose limit or window changes between requests', async () => {
      const { storage } = storageWithClock();
      expect(await storage.increment('k', 60_000, 3, 0, 'default')).toMatchObject({
        totalHits: 1,
      });
      expect(await storage.increment('k', 60_000, 3, 0, 'default')).toMatchObject({
        totalHits: 2,
      });
      // A per-request limit (`@Throttle({ default: { limit: (context) => ... } })`) went down.
      expect((await storage.increment('k', 60_000, 2, 0, 'default')).isBlocked).toBe(true);
      expect((await storage.increment('k', 60_000, 3, 0, 'default')).isBlocked).toBe(false);
      // Another window is another count.
      expect(await storage.increment('k', 30_000, 3, 0, 'default')).toMatchObject({
        totalHits: 1,
        timeToExpire: 30,
      });
      expect((await storage.increment('k', 60_000, 0, 0, 'default')).isBlocked).toBe(true);
      expect((await storage.increment('k', 60_000, 4, 0, 'default')).isBlocked).toBe(false);
    });

    it('keeps counting a client whose key has left the remembered keys', async () => {
      const { storage } = storageWithClock();
      expect((await storage.increment('first', 60_000, 2, 0, 'default')).totalHits).toBe(1);
      for (let index = 0; index < 10_001; index++) {
        await storage.increment(`client-${index}`, 60_000, 2, 0, 'default');
      }
      expect((await storage.increment('first', 60_000, 2, 0, 'default')).totalHits).toBe(2);
      expect((await storage.increment('first', 60_000, 2, 0, 'default')).isBlocked).toBe(true);
      expect((await storage.increment('client-0', 60_000, 2, 0, 'default')).totalHits).toBe(2);
    });

    it('rounds a fractional ttl and blockDuration up, and a fractional limit down', async () => {
      const { storage, at } = storageWithClock();
      await storage.increment('k', 999.5, 2.7, 0.2, 'default');
      await storage.increment('k', 999.5, 2.7, 0.2, 'default');
      expect(await storage.increment('k', 999.5, 2.7, 0.2, 'default')).toEqual(
        record(3, 1, true, 1),
      );
      at(999);
      expect((await storage.increment('k', 999.5, 2.7, 0.2, 'default')).isBlocked).toBe(true);
      at(1_000);
      expect((await storage.increment('k', 999.5, 2.7, 0.2, 'default')).isBlocked).toBe(false);
    });

    it.each([0, -1, 0.5])('refuses every request without counting for limit %p', async (limit) => {
      const hit = jest.fn<ReturnType<ThrottleCounter['hit']>, Parameters<ThrottleCounter['hit']>>();
      const storage = new RampartThrottlerStorage({ hit });
      expect(await storage.increment('k', 2_000, limit, 5_000, 'default')).toEqual(
        record(1, 5, true, 5),
      );
      expect(hit).not.toHaveBeenCalled();
    });

    it.each([
      ['ttl 0', 0, 1, 0],
      ['ttl -5', -5, 1, 0],
      ['ttl NaN', Number.NaN, 1, 0],
      ['ttl Infinity', Number.POSITIVE_INFINITY, 1, 0],
      ['ttl above 2^31 - 1 ms', 2 ** 31, 1, 0],
      ['limit above 1,000,000', 1_000, 1_000_001, 0],
      ['limit Infinity', 1_000, Number.POSITIVE_INFINITY, 0],
      ['blockDuration NaN', 1_000, 1, Number.NaN],
    ])('rejects %s, naming the throttler', async (_case, ttl, limit, blockDuration) => {
      const { storage } = storageWithClock();
      const increment = storage.increment('k', ttl, limit, blockDuration, 'login');
      await expect(increment).rejects.toThrow(RangeError);
      await expect(storage.increment('k', ttl, limit, blockDuration, 'login')).rejects.toThrow(
        /Throttler "login": rule\./,
      );
    });

    it('passes StoreUnavailableException on, never allowing the request', async () => {
      const failure = new StoreUnavailableException();
      const storage = new RampartThrottlerStorage({ hit: () => Promise.reject(failure) });
      await expect(storage.increment('k', 1_000, 1, 0, 'default')).rejects.toBe(failure);
    });

    it('hands the counter a namespaced key and the rule', async () => {
      const hit = jest.fn<ReturnType<ThrottleCounter['hit']>, Parameters<ThrottleCounter['hit']>>(
        () =>
          Promise.resolve({ allowed: true, limit: 3, remaining: 2, resetMs: 1, retryAfterMs: 0 }),
      );
      const storage = new RampartThrottlerStorage(
        { hit },
        { algorithms: { 'per user': 'token-bucket' } },
      );
      await storage.increment('abc', 60_000, 3, 120_000, 'per user');
      await storage.increment('abc', 60_000, 3, 120_000, 'per user');
      await storage.increment('abc', 60_000, 3, 120_000, 'other');
      expect(hit.mock.calls).toEqual([
        ['throttler:per%20user:abc', rule('token-bucket')],
        ['throttler:per%20user:abc', rule('token-bucket')],
        ['throttler:other:abc', rule('fixed-window')],
      ]);
      function rule(algorithm: string) {
        return { algorithm, limit: 3, windowMs: 60_000, blockMs: 120_000 };
      }
    });
  });

  describe('options', () => {
    const counter = new MemoryThrottleCounter();

    it.each<[unknown, RegExp]>([
      [
        { algorithms: { burst: 'token_bucket' } },
        /throttling\.algorithms\.burst.*did you mean 'token-bucket'/,
      ],
      [{ algorithms: { burst: 'leaky' } }, /throttling\.algorithms\.burst/],
      [{ algorithms: { burst: 5 } }, /throttling\.algorithms\.burst/],
      [{ algorithms: ['token-bucket'] }, /throttling\.algorithms/],
      [{ algorithms: null }, /throttling\.algorithms/],
      [
        { defaultAlgorithm: 'sliding' },
        /throttling\.defaultAlgorithm.*did you mean 'sliding-window'/,
      ],
      [{ defaultAlgorithms: 'fixed-window' }, /did you mean `defaultAlgorithm`\?/],
      [null, /throttling/],
    ])('refuses %p', (options, message) => {
      const construct = () =>
        new RampartThrottlerStorage(counter, options as RampartThrottlerStorageOptions);
      expect(construct).toThrow(SecurityConfigurationError);
      expect(construct).toThrow(message);
    });

    it('reads algorithms only from own keys (no prototype lookups)', async () => {
      const storage = new RampartThrottlerStorage(counter, { algorithms: {} });
      // 'constructor' and 'toString' are throttler names like any other: fixed-window.
      for (const name of ['constructor', 'toString', '__proto__']) {
        await storage.increment('k', 60_000, 1, 0, name);
        expect((await storage.increment('k', 60_000, 1, 0, name)).isBlocked).toBe(true);
      }
    });
  });

  describe('under ThrottlerGuard', () => {
    class TargetController {
      list(): string {
        return 'ok';
      }
    }

    interface FakeResponse {
      readonly headers: Record<string, unknown>;
      header(name: string, value: unknown): void;
    }

    let moduleRef: TestingModule;
    let guard: ThrottlerGuard;
    let at: (ms: number) => void;

    async function guardWith(
      options: Extract<ThrottlerModuleOptions, { throttlers: unknown }>,
      storageOptions?: RampartThrottlerStorageOptions,
    ): Promise<void> {
      const clock = storageWithClock(storageOptions);
      at = clock.at;
      moduleRef = await Test.createTestingModule({
        imports: [ThrottlerModule.forRoot({ ...options, storage: clock.storage })],
        providers: [ThrottlerGuard],
      }).compile();
      await moduleRef.init();
      guard = moduleRef.get(ThrottlerGuard);
    }

    afterEach(async () => {
      await moduleRef.close();
    });

    function request(
      remoteAddress: string,
      headers: Record<string, string> = {},
    ): { context: ExecutionContext; response: FakeResponse } {
      const response: FakeResponse = {
        headers: {},
        header(name, value) {
          this.headers[name] = value;
        },
      };
      const req = { ip: remoteAddress, headers, socket: { remoteAddress } };
      const context = {
        getHandler: () => TargetController.prototype.list,
        getClass: () => TargetController,
        getType: () => 'http',
        switchToHttp: () => ({ getRequest: () => req, getResponse: () => response }),
      } as unknown as ExecutionContext;
      return { context, response };
    }

    it('lets limit requests through with rate-limit headers, then answers 429 with Retry-After in seconds', async () => {
      await guardWith({ throttlers: [{ ttl: 10_000, limit: 2 }] });
      const first = request('203.0.113.9');
      expect(await guard.canActivate(first.context)).toBe(true);
      expect(first.response.headers).toEqual({
        'X-RateLimit-Limit': 2,
        'X-RateLimit-Remaining': 1,
        'X-RateLimit-Reset': 10,
      });
      const second = request('203.0.113.9');
      expect(await guard.canActivate(second.context)).toBe(true);
      expect(second.response.headers['X-RateLimit-Remaining']).toBe(0);
      at(3_000);
      const third = request('203.0.113.9');
      const error = await guard.canActivate(third.context).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ThrottlerException);
      expect((error as ThrottlerException).getStatus()).toBe(429);
      expect(third.response.headers['Retry-After']).toBe(10); // blockDuration defaults to ttl
      expect(await guard.canActivate(request('198.51.100.7').context)).toBe(true);
      at(12_999);
      await expect(guard.canActivate(request('203.0.113.9').context)).rejects.toBeInstanceOf(
        ThrottlerException,
      );
      at(13_000);
      expect(await guard.canActivate(request('203.0.113.9').context)).toBe(true);
    });

    it('applies every named throttler, each with its algorithm and suffixed headers', async () => {
      await guardWith(
        {
          throttlers: [
            { name: 'burst', ttl: 1_000, limit: 2, blockDuration: 0 },
            { name: 'sustained', ttl: 60_000, limit: 3, blockDuration: 0 },
          ],
        },
        { algorithms: { burst: 'token-bucket', sustained: 'sliding-window' } },
      );
      const hit = async () => {
        const { context, response } = request('203.0.113.9');
        const allowed = await guard.canActivate(context).catch(() => false);
        return { allowed, headers: response.headers };
      };
      expect((await hit()).allowed).toBe(true);
      expect((await hit()).allowed).toBe(true);
      const burst = await hit();
      expect(burst.allowed).toBe(false);
      expect(burst.headers['Retry-After-burst']).toBe(1);
      at(500); // one token back; the sustained limit has one left
      const third = await hit();
      expect(third).toMatchObject({ allowed: true });
      expect(third.headers['X-RateLimit-Remaining-sustained']).toBe(0);
      at(2_000);
      const fourth = await hit();
      expect(fourth.allowed).toBe(false);
      expect(fourth.headers['Retry-After-sustained']).toBeGreaterThan(1);
    });

    it('keys on the client behind trusted proxies with ClientIpResolver as tracker', async () => {
      const resolver = new ClientIpResolver({ trustedProxies: ['10.0.0.0/8'] });
      await guardWith({
        throttlers: [{ ttl: 60_000, limit: 1 }],
        getTracker: (req) => resolver.throttleKey(req as never) ?? 'unknown',
      });
      const viaProxy = (forwardedFor: string) =>
        guard.canActivate(request('10.0.0.1', { 'x-forwarded-for': forwardedFor }).context);
      expect(await viaProxy('203.0.113.9')).toBe(true);
      expect(await viaProxy('198.51.100.7')).toBe(true); // another client, another key
      await expect(viaProxy('1.1.1.1, 203.0.113.9')).rejects.toBeInstanceOf(ThrottlerException);
      expect(await viaProxy('2001:db8:1:2::1')).toBe(true);
      // Same /64: the same client, whatever address of it.
      await expect(viaProxy('2001:db8:1:2::ffff')).rejects.toBeInstanceOf(ThrottlerException);
      // Direct, untrusted: a forged header changes nothing.
      const direct = (forwardedFor: string) =>
        guard.canActivate(request('192.0.2.50', { 'x-forwarded-for': forwardedFor }).context);
      expect(await direct('203.0.113.1')).toBe(true);
      await expect(direct('203.0.113.2')).rejects.toBeInstanceOf(ThrottlerException);
    });

    it('lets the 503 of an unreachable counter through, never the request', async () => {
      moduleRef = await Test.createTestingModule({
        imports: [
          ThrottlerModule.forRoot({
            throttlers: [{ ttl: 1_000, limit: 1 }],
            storage: new RampartThrottlerStorage({
              hit: () => Promise.reject(new StoreUnavailableException()),
            }),
          }),
        ],
        providers: [ThrottlerGuard],
      }).compile();
      await moduleRef.init();
      guard = moduleRef.get(ThrottlerGuard);
      const error = await guard
        .canActivate(request('203.0.113.9').context)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnavailableException);
      expect((error as StoreUnavailableException).getStatus()).toBe(503);
    });
  });
});
