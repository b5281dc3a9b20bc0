import { Logger } from '@nestjs/common';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { MemorySecurityStore, type MemorySecurityStoreOptions } from './memory-security.store';
import { describeSecurityStoreContract } from './security-store.contract';

/** A store on a manual clock: expiry is tested by moving the clock, never by sleeping. */
function storeWithClock(options: Omit<MemorySecurityStoreOptions, 'now'> = {}): {
  store: MemorySecurityStore;
  elapse(ms: number): void;
} {
  let nowMs = Date.UTC(2030, 0, 1);
  const store = new MemorySecurityStore({ ...options, now: () => nowMs });
  return {
    store,
    elapse: (ms) => {
      nowMs += ms;
    },
  };
}

describeSecurityStoreContract(
  'MemorySecurityStore',
  () => {
    const { store, elapse } = storeWithClock();
    return Promise.resolve({
      store,
      elapse: (ms: number) => {
        elapse(ms);
        return Promise.resolve();
      },
      close: () => store.onApplicationShutdown(),
    });
  },
  { shortTtlMs: 1_000, sharedAcrossInstances: false },
);

describe('MemorySecurityStore', () => {
  describe('options', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -0, '10', null, []])(
      'refuses maxEntries %p at construction',
      (maxEntries) => {
        const construct = () => new MemorySecurityStore({ maxEntries: maxEntries as number });
        expect(construct).toThrow(SecurityConfigurationError);
        expect(construct).toThrow(/store\.maxEntries/);
      },
    );

    it('suggests the right name for a misspelt option', () => {
      const options = { maxEntry: 10 } as unknown as MemorySecurityStoreOptions;
      expect(() => new MemorySecurityStore(options)).toThrow(/did you mean `maxEntries`\?/);
    });

    it('refuses a clock that is not a function', () => {
      const options = { now: 5 } as unknown as MemorySecurityStoreOptions;
      expect(() => new MemorySecurityStore(options)).toThrow(SecurityConfigurationError);
      expect(() => new MemorySecurityStore(options)).toThrow(/store\.now/);
    });

    it('works with the default options and the real clock', async () => {
      const store = new MemorySecurityStore();
      await store.set('k', { v: 1 }, 60_000);
      await expect(store.get('k')).resolves.toEqual({ v: 1 });
      await expect(store.increment('c', 60_000)).resolves.toEqual({ count: 1, ttlMs: 60_000 });
      await store.onApplicationShutdown();
    });
  });

  describe('maxEntries (fail closed instead of evicting)', () => {
    let logged: jest.SpyInstance;

    beforeEach(() => {
      logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    });

    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('refuses new keys when full, and evicts nothing', async () => {
      const { store } = storeWithClock({ maxEntries: 3 });
      await store.set('a', 1, 60_000);
      await store.increment('b', 60_000);
      await store.addToSet('c', 'm', 60_000);

      for (const write of [
        () => store.set('d', 1, 60_000),
        () => store.setIfAbsent('d', 1, 60_000),
        () => store.increment('d', 60_000),
        () => store.addToSet('d', 'm', 60_000),
      ]) {
        const error: unknown = await write().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreUnavailableException);
        expect((error as StoreUnavailableException).code).toBe('SECURITY_STORE_UNAVAILABLE');
        expect((error as StoreUnavailableException).getStatus()).toBe(503);
      }
      await expect(store.get('a')).resolves.toBe(1);
      await expect(store.get('b')).resolves.toBe(1);
      await expect(store.members('c')).resolves.toEqual(['m']);
      expect(logged).toHaveBeenCalledTimes(1);
      expect(String(logged.mock.calls[0]?.[0])).toContain('maxEntries');
    });

    it('still updates keys it already holds when full', async () => {
      const { store } = storeWithClock({ maxEntries: 2 });
      await store.set('a', 1, 60_000);
      await store.set('b', 1, 60_000);
      await store.set('a', 2, 60_000);
      await expect(store.increment('b', 60_000)).resolves.toMatchObject({ count: 2 });
      await expect(store.get('a')).resolves.toBe(2);
    });

    it('takes new keys again once entries expired or were deleted', async () => {
      const { store, elapse } = storeWithClock({ maxEntries: 2 });
      await store.set('a', 1, 1_000);
      await store.set('b', 1, 60_000);
      await expect(store.set('c', 1, 60_000)).rejects.toBeInstanceOf(StoreUnavailableException);
      elapse(2_000);
      await expect(store.set('c', 1, 60_000)).resolves.toBeUndefined();
      await store.delete('b');
      await expect(store.set('d', 1, 60_000)).resolves.toBeUndefined();
      await expect(store.get('c')).resolves.toBe(1);
    });
  });

  describe('time-to-live', () => {
    it('reports the exact remaining milliseconds of a counter', async () => {
      const { store, elapse } = storeWithClock();
      await expect(store.increment('c', 10_000)).resolves.toEqual({ count: 1, ttlMs: 10_000 });
      elapse(2_500);
      await expect(store.increment('c', 99_999)).resolves.toEqual({ count: 2, ttlMs: 7_500 });
    });

    it('keeps entries that outlive a Node timer (about 24.8 days) without a warning', async () => {
      const warned = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const { store, elapse } = storeWithClock();
      const thirtyDaysMs = 30 * 24 * 3_600_000;
      await store.set('family', { generation: 3 }, thirtyDaysMs);
      elapse(29 * 24 * 3_600_000);
      await expect(store.get('family')).resolves.toEqual({ generation: 3 });
      elapse(2 * 24 * 3_600_000);
      await expect(store.get('family')).resolves.toBeUndefined();
      expect(warned).not.toHaveBeenCalled();
      warned.mockRestore();
    });
  });

  describe('publish / subscribe', () => {
    it('does not deliver messages still in flight after shutdown', async () => {
      const { store } = storeWithClock();
      const received: string[] = [];
      await store.subscribe('events', (message) => received.push(message));
      await store.publish('events', 'late');
      await store.onApplicationShutdown();
      await new Promise((resolve) => setImmediate(resolve));
      expect(received).toEqual([]);
    });

    it('delivers nothing to a subscriber that left between publish and delivery', async () => {
      const { store } = storeWithClock();
      const received: string[] = [];
      const unsubscribe = await store.subscribe('events', (message) => received.push(message));
      await store.publish('events', 'in flight');
      await unsubscribe();
      await new Promise((resolve) => setImmediate(resolve));
      expect(received).toEqual([]);
    });

    it('is local to one instance', async () => {
      const first = storeWithClock().store;
      const second = storeWithClock().store;
      const received: string[] = [];
      await second.subscribe('events', (message) => received.push(message));
      await first.publish('events', 'only for first');
      await new Promise((resolve) => setImmediate(resolve));
      expect(received).toEqual([]);
      await first.set('k', 1, 60_000);
      await expect(second.get('k')).resolves.toBeUndefined();
    });
  });
});
