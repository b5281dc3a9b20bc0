import { hash } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SkipThrottle, Throttle, ThrottlerGuard, type ThrottlerStorage } from '@nestjs/throttler';
import { SecurityEvents } from '../audit/security-events';
import { systemClock } from '../core/security-clock';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { TooManyRequestsException } from '../errors/too-many-requests.exception';
import { MemoryThrottleCounter } from './memory-throttle.counter';
import { RampartThrottlerGuard, THROTTLER_METADATA } from './rampart-throttler.guard';
import { RampartThrottlerStorage } from './rampart-throttler.storage';
import type { RateLimitHeadersFormat } from './rate-limit-headers';
import type { ThrottleCounter } from './throttle-counter.interface';
import type { ThrottleRule } from './throttle-rule.interface';
import type { StoreOutagePolicy } from './throttling-options.interface';

class ExposedGuard extends RampartThrottlerGuard {
  key(context: ExecutionContext, suffix: string, name: string): string {
    return this.generateKey(context, suffix, name);
  }
}

class OrdersController {
  list(): void {}
  show(): void {}
}

function contextOf(handler: () => void): ExecutionContext {
  return {
    getClass: () => OrdersController,
    getHandler: () => handler,
  } as unknown as ExecutionContext;
}

const parentKey = (context: ExecutionContext, suffix: string, name: string): string =>
  (
    ThrottlerGuard.prototype as unknown as {
      generateKey(context: ExecutionContext, suffix: string, name: string): string;
    }
  ).generateKey(context, suffix, name);

describe('RampartThrottlerGuard.generateKey', () => {
  const guard = new ExposedGuard(
    { throttlers: [] },
    {} as ThrottlerStorage,
    new Reflector(),
    { throttling: { throttlers: [] } } as unknown as ResolvedSecurityOptions,
    {} as ThrottleCounter,
    new SecurityEvents(systemClock),
  );
  const { list, show } = OrdersController.prototype;

  it("gives @nestjs/throttler's key (so counters are unchanged), on first and repeated calls", () => {
    for (const [handler, suffix, name] of [
      [list, 'user:u-1', 'default'],
      [list, 'user:u-1', 'default'],
      [list, 'ip:203.0.113.9', 'default'],
      [show, 'user:u-1', 'default'],
      [list, 'user:u-1', 'burst'],
      [list, 'user:u-1', 'burst'],
    ] as const) {
      const context = contextOf(handler);
      expect(guard.key(context, suffix, name)).toBe(parentKey(context, suffix, name));
    }
  });

  it('keeps giving the right key past its memory bound', () => {
    const context = contextOf(list);
    for (let i = 0; i < 10_050; i++) guard.key(context, `ip:10.0.${i >> 8}.${i & 255}`, 'default');
    expect(guard.key(context, 'ip:10.0.0.0', 'default')).toBe(
      parentKey(context, 'ip:10.0.0.0', 'default'),
    );
    expect(guard.key(context, 'ip:10.0.39.100', 'default')).toBe(
      parentKey(context, 'ip:10.0.39.100', 'default'),
    );
  });
});

describe('RampartThrottlerGuard: @Throttle() and @SkipThrottle() of @nestjs/throttler', () => {
  class Routes {
    plain(): void {}

    @Throttle({ default: { limit: 3, ttl: 1_000, blockDuration: 5_000 } })
    limited(): void {}

    @SkipThrottle()
    skipped(): void {}

    @Throttle({ default: { limit: () => 7, ttl: () => Promise.resolve(2_000) } })
    computed(): void {}

    // A setting that is not a number, as an untyped caller could pass.
    @Throttle({ default: { limit: (() => 'many') as unknown as () => number, ttl: 1_000 } })
    broken(): void {}
  }

  @Throttle({ default: { limit: 2, ttl: 500 } })
  class StricterRoutes extends Routes {}

  interface Increment {
    ttl: number;
    limit: number;
    blockDuration: number;
    name: string;
  }

  async function guardWith(): Promise<{ guard: RampartThrottlerGuard; calls: Increment[] }> {
    const calls: Increment[] = [];
    const storage: ThrottlerStorage = {
      increment: (_key, ttl, limit, blockDuration, name) => {
        calls.push({ ttl, limit, blockDuration, name });
        return Promise.resolve({
          totalHits: 1,
          timeToExpire: 60,
          isBlocked: false,
          timeToBlockExpire: 0,
        });
      },
    };
    const guard = new RampartThrottlerGuard(
      { throttlers: [{ name: 'default', limit: 10, ttl: 60_000 }] },
      storage,
      new Reflector(),
      {
        throttling: {
          throttlers: [{ name: 'default', onStoreUnavailable: 'fail-open' }],
          clientIp: { throttleKey: () => '203.0.113.1' },
        },
      } as unknown as ResolvedSecurityOptions,
      {} as ThrottleCounter,
      new SecurityEvents(systemClock),
    );
    await guard.onModuleInit();
    return { guard, calls };
  }

  function httpContext(controller: typeof Routes, handler: () => void): ExecutionContext {
    const request = { headers: {} };
    const response = { header: (): void => undefined };
    return {
      getType: () => 'http',
      getClass: () => controller,
      getHandler: () => handler,
      switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
      getArgByIndex: (index: number) => [request, response][index],
    } as unknown as ExecutionContext;
  }

  it('reads the metadata keys that the decorators write', () => {
    const { limited, skipped } = Routes.prototype;
    const read = (key: string, target: object): unknown =>
      Reflect.getMetadata(`${key}default`, target);
    expect(read(THROTTLER_METADATA.limit, limited)).toBe(3);
    expect(read(THROTTLER_METADATA.ttl, limited)).toBe(1_000);
    expect(read(THROTTLER_METADATA.blockDuration, limited)).toBe(5_000);
    expect(read(THROTTLER_METADATA.skip, skipped)).toBe(true);
    expect(read(THROTTLER_METADATA.limit, StricterRoutes)).toBe(2);
  });

  it('counts a route with the module limit, a decorated one with its own, and skips @SkipThrottle()', async () => {
    const { guard, calls } = await guardWith();
    const { plain, limited, skipped } = Routes.prototype;
    for (let i = 0; i < 2; i++) {
      await expect(guard.canActivate(httpContext(Routes, plain))).resolves.toBe(true);
      await expect(guard.canActivate(httpContext(Routes, limited))).resolves.toBe(true);
      await expect(guard.canActivate(httpContext(Routes, skipped))).resolves.toBe(true);
    }
    const plainCall = { ttl: 60_000, limit: 10, blockDuration: 60_000, name: 'default' };
    const limitedCall = { ttl: 1_000, limit: 3, blockDuration: 5_000, name: 'default' };
    expect(calls).toEqual([plainCall, limitedCall, plainCall, limitedCall]);
  });

  it('calls per-request settings on every request, and applies the controller of the route', async () => {
    const { guard, calls } = await guardWith();
    await guard.canActivate(httpContext(Routes, Routes.prototype.computed));
    await guard.canActivate(httpContext(Routes, Routes.prototype.computed));
    // The same inherited handler on a controller with its own @Throttle() is another route.
    await guard.canActivate(httpContext(StricterRoutes, Routes.prototype.plain));
    await guard.canActivate(httpContext(Routes, Routes.prototype.plain));
    expect(calls).toEqual([
      { ttl: 2_000, limit: 7, blockDuration: 2_000, name: 'default' },
      { ttl: 2_000, limit: 7, blockDuration: 2_000, name: 'default' },
      { ttl: 500, limit: 2, blockDuration: 500, name: 'default' },
      { ttl: 60_000, limit: 10, blockDuration: 60_000, name: 'default' },
    ]);
  });

  it('refuses a setting that is not a number, naming it and the throttler', async () => {
    const { guard, calls } = await guardWith();
    await expect(guard.canActivate(httpContext(Routes, Routes.prototype.broken))).rejects.toThrow(
      'Invalid "limit" for the "default" throttler: expected a number, got "many".',
    );
    expect(calls).toEqual([]);
  });
});

describe('RampartThrottlerGuard: the memory counter, a store that answers later, the generic path', () => {
  class Routes {
    list(): void {}
  }

  /**
   * How a request is counted: `now`, on the memory counter without a promise; `promise`, on a
   * counter seen only through its promise API, as the Redis counter is (one await per throttler);
   * `generic`, the same counter under a subclass that overrides a hook (`shouldSkip`, changing
   * nothing), which sends every request down `ThrottlerGuard`'s own path.
   */
  type Kind = 'now' | 'promise' | 'generic';
  const KINDS: readonly Kind[] = ['now', 'promise', 'generic'];

  class GenericPathGuard extends RampartThrottlerGuard {
    protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
      return super.shouldSkip(context);
    }
  }

  /** The memory counter, or the same counter seen only through its promise API. */
  function counterOf(kind: Kind): ThrottleCounter {
    const memory = new MemoryThrottleCounter();
    return kind === 'now' ? memory : { hit: (key, rule) => memory.hit(key, rule) };
  }

  const guardClassOf = (kind: Kind): typeof RampartThrottlerGuard =>
    kind === 'generic' ? GenericPathGuard : RampartThrottlerGuard;

  async function guardOn(
    counter: ThrottleCounter,
    Guard: typeof RampartThrottlerGuard = RampartThrottlerGuard,
    rateLimitHeaders: RateLimitHeadersFormat = 'draft-8',
    onStoreUnavailable: StoreOutagePolicy = 'fail-open',
    storage: ThrottlerStorage = new RampartThrottlerStorage(counter),
  ): Promise<RampartThrottlerGuard> {
    const guard = new Guard(
      { throttlers: [{ name: 'default', limit: 2, ttl: 60_000 }] },
      storage,
      new Reflector(),
      {
        throttling: {
          throttlers: [{ name: 'default', onStoreUnavailable }],
          clientIp: { throttleKey: (request: { ip: string }) => request.ip },
          rateLimitHeaders,
        },
      } as unknown as ResolvedSecurityOptions,
      counter,
      new SecurityEvents(systemClock),
    );
    await guard.onModuleInit();
    return guard;
  }

  function request(
    ip: string,
    userId?: string,
  ): { context: ExecutionContext; headers: Map<string, unknown> } {
    const headers = new Map<string, unknown>();
    const req = { ip, headers: {}, ...(userId === undefined ? {} : { user: { id: userId } }) };
    const res = { header: (name: string, value: unknown): void => void headers.set(name, value) };
    const context = {
      getType: () => 'http',
      getClass: () => Routes,
      getHandler: () => Routes.prototype.list,
      switchToHttp: () => ({ getRequest: () => req, getResponse: () => res }),
      getArgByIndex: (index: number) => [req, res][index],
    } as unknown as ExecutionContext;
    return { context, headers };
  }

  it.each(KINDS)(
    'counts, answers the RateLimit headers and refuses past the limit alike (%s)',
    async (kind) => {
      const guard = await guardOn(counterOf(kind), guardClassOf(kind));
      const first = request('198.51.100.1');
      await expect(guard.canActivate(first.context)).resolves.toBe(true);
      expect(first.headers.get('ratelimit')).toMatch(/^"default";r=1;t=(59|60)$/);
      expect(first.headers.get('ratelimit-policy')).toBe('"default";q=2;w=60');
      await expect(guard.canActivate(request('198.51.100.1').context)).resolves.toBe(true);
      const refused = guard.canActivate(request('198.51.100.1').context);
      await expect(refused).rejects.toBeInstanceOf(TooManyRequestsException);
      const exception = (await refused.catch(
        (error: unknown) => error,
      )) as TooManyRequestsException;
      expect(exception.headers.ratelimit).toMatch(/^"default";r=0;t=\d+$/);
      expect(exception.headers['retry-after'] ?? exception.headers['Retry-After']).toBeDefined();
      const other = request('198.51.100.2');
      await expect(guard.canActivate(other.context)).resolves.toBe(true);
      expect(other.headers.get('ratelimit')).toMatch(/^"default";r=1;t=/);
      expect([...other.headers.keys()]).toEqual(['ratelimit', 'ratelimit-policy']);
    },
  );

  it.each([
    ['draft-6', ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy']],
    [false, []],
  ] as const)(
    'writes the rate-limit headers in the configured form (%s)',
    async (format, names) => {
      const guard = await guardOn(counterOf('now'), RampartThrottlerGuard, format);
      const first = request('198.51.100.3');
      await expect(guard.canActivate(first.context)).resolves.toBe(true);
      expect([...first.headers.keys()]).toEqual(names);
      if (format === 'draft-6') expect(first.headers.get('ratelimit-remaining')).toBe('1');
    },
  );

  it.each(KINDS)(
    "counts each principal and each client IP apart, under @nestjs/throttler's keys (%s)",
    async (kind) => {
      const memory = new MemoryThrottleCounter();
      const keys: string[] = [];
      const record = (key: string): void => void keys.push(key);
      const counter: ThrottleCounter =
        kind === 'now'
          ? Object.assign(memory, {
              hitNow: (key: string, rule: ThrottleRule) => {
                record(key);
                return MemoryThrottleCounter.prototype.hitNow.call(memory, key, rule);
              },
            })
          : { hit: (key, rule) => (record(key), memory.hit(key, rule)) };
      const guard = await guardOn(counter, guardClassOf(kind));
      const clients = [
        ['198.51.100.1', 'u-1'],
        ['198.51.100.1', 'u-2'],
        ['198.51.100.1', '198.51.100.1'],
        ['198.51.100.1', undefined],
        ['198.51.100.2', undefined],
      ] as const;
      // Twice each: within the limit of 2, and the second time from memory.
      for (const [ip, user] of [...clients, ...clients]) {
        await expect(guard.canActivate(request(ip, user).context)).resolves.toBe(true);
      }
      const keyOf = (tracker: string): string =>
        `throttler:default:${hash('sha256', `Routes-list-default-${tracker}`, 'hex')}`;
      const expected = [
        keyOf('user:u-1'),
        keyOf('user:u-2'),
        keyOf('user:198.51.100.1'),
        keyOf('ip:198.51.100.1'),
        keyOf('ip:198.51.100.2'),
      ];
      expect(keys).toEqual([...expected, ...expected]);
      await expect(
        guard.canActivate(request('198.51.100.9', 'u-2').context),
      ).rejects.toBeInstanceOf(TooManyRequestsException);
    },
  );

  it.each(KINDS.filter((kind) => kind !== 'now'))(
    'applies the outage policy when the store fails, and passes other errors on (%s)',
    async (kind) => {
      let failure: Error = new StoreUnavailableException();
      const failing: ThrottleCounter = { hit: () => Promise.reject(failure) };
      const open = await guardOn(failing, guardClassOf(kind), 'draft-8', 'fail-open');
      const passed = request('198.51.100.1');
      await expect(open.canActivate(passed.context)).resolves.toBe(true);
      expect([...passed.headers.keys()]).toEqual([]);
      const closed = await guardOn(failing, guardClassOf(kind), 'draft-8', 'fail-closed');
      await expect(closed.canActivate(request('198.51.100.1').context)).rejects.toBe(failure);
      failure = new Error('a bug in the counter');
      await expect(open.canActivate(request('198.51.100.1').context)).rejects.toBe(failure);
    },
  );

  it.each(KINDS.filter((kind) => kind !== 'now'))(
    "applies the outage policy to an application's storage that throws instead of rejecting (%s)",
    async (kind) => {
      const failure = new StoreUnavailableException();
      const throwing: ThrottlerStorage = {
        increment: () => {
          throw failure;
        },
      };
      const unused = counterOf('promise');
      const open = await guardOn(unused, guardClassOf(kind), 'draft-8', 'fail-open', throwing);
      await expect(open.canActivate(request('198.51.100.1').context)).resolves.toBe(true);
      const closed = await guardOn(unused, guardClassOf(kind), 'draft-8', 'fail-closed', throwing);
      await expect(closed.canActivate(request('198.51.100.1').context)).rejects.toBe(failure);
    },
  );

  it('counts on the memory counter without its promise API', async () => {
    const memory = new MemoryThrottleCounter();
    const hit = jest.spyOn(memory, 'hit');
    const hitNow = jest.spyOn(memory, 'hitNow');
    const guard = await guardOn(memory);
    await expect(guard.canActivate(request('198.51.100.1').context)).resolves.toBe(true);
    expect(hit).not.toHaveBeenCalled();
    expect(hitNow).toHaveBeenCalledTimes(1);
  });

  it("uses a subclass's getTracker (the awaited path)", async () => {
    class OneBucketGuard extends RampartThrottlerGuard {
      protected override getTracker(): Promise<string> {
        return Promise.resolve('everyone');
      }
    }
    const guard = await guardOn(counterOf('now'), OneBucketGuard);
    await expect(guard.canActivate(request('198.51.100.1').context)).resolves.toBe(true);
    await expect(guard.canActivate(request('198.51.100.2').context)).resolves.toBe(true);
    await expect(guard.canActivate(request('198.51.100.3').context)).rejects.toBeInstanceOf(
      TooManyRequestsException,
    );
  });
});
