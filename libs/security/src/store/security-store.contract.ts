import { Logger } from '@nestjs/common';
import type { SecurityStore, StoreCounter } from './security-store.interface';

/** One store under test, made fresh for every test of the contract. */
export interface SecurityStoreFixture {
  /** An empty store with a namespace of its own. */
  readonly store: SecurityStore;
  /** Opens another store on the same backend and namespace, as a second app instance would. */
  readonly openPeer?: () => Promise<SecurityStore>;
  /** Lets `ms` milliseconds pass for expiry: advances a manual clock, or really waits. */
  elapse(ms: number): Promise<void>;
  /** Shuts down the store and its peers and removes what the test wrote. */
  close(): Promise<void>;
}

/** How the contract may treat a store implementation. */
export interface SecurityStoreContractOptions {
  /** A time-to-live that `elapse` can wait out quickly (a real wait for Redis), in milliseconds. */
  readonly shortTtlMs: number;
  /** Whether two instances share state and messages (Redis), so cross-instance tests apply. */
  readonly sharedAcrossInstances: boolean;
}

const LONG_TTL_MS = 10 * 60_000;

/**
 * The behaviour every {@link SecurityStore} promises, as one suite that each implementation's spec
 * runs against its own fixture.
 *
 * @example
 * describeSecurityStoreContract(
 *   'MemorySecurityStore',
 *   async () => ({ store: new MemorySecurityStore(), elapse: async () => {}, close: async () => {} }),
 *   { shortTtlMs: 1_000, sharedAcrossInstances: false },
 * );
 */
export function describeSecurityStoreContract(
  name: string,
  factory: () => Promise<SecurityStoreFixture>,
  options: SecurityStoreContractOptions,
): void {
  const { shortTtlMs } = options;
  /** Comfortably past `shortTtlMs`: the tests only ever wait longer than needed, never shorter. */
  const pastShortTtlMs = shortTtlMs * 2;

  describe(`${name} (SecurityStore contract)`, () => {
    let fixture: SecurityStoreFixture;
    let store: SecurityStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
      jest.restoreAllMocks();
      await fixture.close();
    });

    describe('get / set / delete', () => {
      it('answers undefined for a key never written', async () => {
        await expect(store.get('missing')).resolves.toBeUndefined();
      });

      it.each([
        ['an object', { userId: '42', roles: ['admin'], nested: { n: 1 } }],
        ['an array', [1, 'two', { three: 3 }]],
        ['a string', 'hello'],
        ['a number', 42.5],
        ['a boolean', false],
        ['null', null],
      ])('reads back %s', async (_label, value) => {
        await store.set('value', value, LONG_TTL_MS);
        await expect(store.get('value')).resolves.toEqual(value);
      });

      it('overwrites the previous value', async () => {
        await store.set('key', { v: 1 }, LONG_TTL_MS);
        await store.set('key', { v: 2 }, LONG_TTL_MS);
        await expect(store.get('key')).resolves.toEqual({ v: 2 });
      });

      it('stores JSON: dates come back as ISO strings, undefined properties are dropped', async () => {
        await store.set('json', { at: new Date(0), gone: undefined }, LONG_TTL_MS);
        await expect(store.get('json')).resolves.toStrictEqual({ at: '1970-01-01T00:00:00.000Z' });
      });

      it('deletes a key, and deleting an absent key is not an error', async () => {
        await store.set('key', 'v', LONG_TTL_MS);
        await store.delete('key');
        await expect(store.get('key')).resolves.toBeUndefined();
        await expect(store.delete('key')).resolves.toBeUndefined();
      });

      it('keeps a copy: mutating the object after set, or the object get returned, changes nothing', async () => {
        const value = { roles: ['user'] };
        const written = store.set('copy', value, LONG_TTL_MS);
        value.roles.push('admin'); // before the write is even awaited
        await written;
        const read = await store.get<{ roles: string[] }>('copy');
        expect(read).toEqual({ roles: ['user'] });
        read?.roles.push('root');
        await expect(store.get('copy')).resolves.toEqual({ roles: ['user'] });
      });

      it.each([
        ['undefined', undefined],
        ['a function', () => 1],
        ['a symbol', Symbol('s')],
        ['a bigint', 1n],
        ['a circular object', circular()],
      ])('refuses %s with a TypeError and stores nothing', async (_label, value) => {
        await expect(store.set('bad', value, LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.setIfAbsent('bad', value, LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.get('bad')).resolves.toBeUndefined();
      });

      it('refuses an empty key with a TypeError', async () => {
        await expect(store.get('')).rejects.toThrow(TypeError);
        await expect(store.set('', 1, LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.delete('')).rejects.toThrow(TypeError);
      });
    });

    describe('ttlMs validation', () => {
      const writes: Record<string, (store: SecurityStore, ttlMs: number) => Promise<unknown>> = {
        set: (s, ttlMs) => s.set('k', 1, ttlMs),
        setIfAbsent: (s, ttlMs) => s.setIfAbsent('k', 1, ttlMs),
        increment: (s, ttlMs) => s.increment('k', ttlMs),
        addToSet: (s, ttlMs) => s.addToSet('k', 'm', ttlMs),
      };
      const cases = Object.keys(writes).flatMap((operation) =>
        [0, -1, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53].map(
          (ttlMs) => [operation, ttlMs] as const,
        ),
      );

      it.each(cases)('%s refuses ttlMs %p with a RangeError', async (operation, ttlMs) => {
        const write = writes[operation];
        expect(write).toBeDefined();
        await expect(write?.(store, ttlMs)).rejects.toThrow(RangeError);
        await expect(write?.(store, ttlMs)).rejects.toThrow(/ttlMs/);
      });

      it.each(Object.keys(writes))(
        '%s refuses a ttlMs that is not a number with a TypeError',
        async (operation) => {
          for (const ttlMs of ['100', null, undefined, {}]) {
            await expect(writes[operation]?.(store, ttlMs as number)).rejects.toThrow(TypeError);
          }
        },
      );
    });

    describe('expiry', () => {
      it('forgets a value once its ttlMs has passed', async () => {
        await store.set('short', 'v', shortTtlMs);
        await store.set('long', 'v', LONG_TTL_MS);
        await expect(store.get('short')).resolves.toBe('v');
        await fixture.elapse(pastShortTtlMs);
        await expect(store.get('short')).resolves.toBeUndefined();
        await expect(store.get('long')).resolves.toBe('v');
      });

      it('gives each write its own ttlMs', async () => {
        await store.set('key', 'first', LONG_TTL_MS);
        await store.set('key', 'second', shortTtlMs);
        await fixture.elapse(pastShortTtlMs);
        await expect(store.get('key')).resolves.toBeUndefined();
      });
    });

    describe('setIfAbsent', () => {
      it('writes only when the key is absent', async () => {
        await expect(store.setIfAbsent('once', 'first', LONG_TTL_MS)).resolves.toBe(true);
        await expect(store.setIfAbsent('once', 'second', LONG_TTL_MS)).resolves.toBe(false);
        await expect(store.get('once')).resolves.toBe('first');
      });

      it('does not write over a value written by set', async () => {
        await store.set('taken', 'by set', LONG_TTL_MS);
        await expect(store.setIfAbsent('taken', 'other', LONG_TTL_MS)).resolves.toBe(false);
        await expect(store.get('taken')).resolves.toBe('by set');
      });

      it('lets exactly one of 50 concurrent callers win, and keeps the winner’s value', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            store.setIfAbsent('race', { winner: i }, LONG_TTL_MS),
          ),
        );
        const winners = results.flatMap((won, i) => (won ? [i] : []));
        expect(winners).toHaveLength(1);
        await expect(store.get('race')).resolves.toEqual({ winner: winners[0] });
      });

      it('writes again once the key expired or was deleted', async () => {
        await store.setIfAbsent('expiring', 'v1', shortTtlMs);
        await fixture.elapse(pastShortTtlMs);
        await expect(store.setIfAbsent('expiring', 'v2', LONG_TTL_MS)).resolves.toBe(true);
        await expect(store.get('expiring')).resolves.toBe('v2');
        await store.delete('expiring');
        await expect(store.setIfAbsent('expiring', 'v3', LONG_TTL_MS)).resolves.toBe(true);
      });
    });

    describe('increment', () => {
      it('starts a new counter at 1 with the given ttlMs', async () => {
        const counter = await store.increment('hits', 60_000);
        expect(counter.count).toBe(1);
        expect(counter.ttlMs).toBeLessThanOrEqual(60_000);
        expect(counter.ttlMs).toBeGreaterThan(50_000);
      });

      it('gives 1000 concurrent callers the counts 1..1000, each exactly once', async () => {
        const counters: StoreCounter[] = await Promise.all(
          Array.from({ length: 1000 }, () => store.increment('burst', 60_000)),
        );
        const counts = counters.map((c) => c.count).sort((a, b) => a - b);
        expect(counts).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
        for (const { ttlMs } of counters) {
          expect(ttlMs).toBeGreaterThan(0);
          expect(ttlMs).toBeLessThanOrEqual(60_000);
        }
      });

      it('keeps the expiry of the first increment', async () => {
        await store.increment('window', 10_000);
        const second = await store.increment('window', 3_600_000);
        expect(second.count).toBe(2);
        expect(second.ttlMs).toBeLessThanOrEqual(10_000);
        expect(second.ttlMs).toBeGreaterThan(0);
      });

      it('counts down the remaining time as time passes', async () => {
        await store.increment('window', LONG_TTL_MS);
        await fixture.elapse(pastShortTtlMs);
        const { ttlMs } = await store.increment('window', LONG_TTL_MS);
        expect(ttlMs).toBeLessThanOrEqual(LONG_TTL_MS - shortTtlMs);
      });

      it('starts over at 1 once the counter expired', async () => {
        await store.increment('window', shortTtlMs);
        await store.increment('window', shortTtlMs);
        await fixture.elapse(pastShortTtlMs);
        await expect(store.increment('window', LONG_TTL_MS)).resolves.toMatchObject({ count: 1 });
      });

      it('keeps separate counters per key, readable with get', async () => {
        await store.increment('a', LONG_TTL_MS);
        await store.increment('a', LONG_TTL_MS);
        await store.increment('b', LONG_TTL_MS);
        await expect(store.get('a')).resolves.toBe(2);
        await expect(store.get('b')).resolves.toBe(1);
      });

      it('refuses to count a key that holds a non-count value or a set', async () => {
        await store.set('text', { not: 'a count' }, LONG_TTL_MS);
        await store.addToSet('set', 'm', LONG_TTL_MS);
        await expect(store.increment('text', LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.increment('set', LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.get('text')).resolves.toEqual({ not: 'a count' });
      });
    });

    describe('sets', () => {
      it('answers [] for a set never written', async () => {
        await expect(store.members('none')).resolves.toEqual([]);
      });

      it('adds members once each and removes them', async () => {
        await store.addToSet('s', 'a', LONG_TTL_MS);
        await store.addToSet('s', 'b', LONG_TTL_MS);
        await store.addToSet('s', 'a', LONG_TTL_MS);
        expect((await store.members('s')).sort()).toEqual(['a', 'b']);
        await store.removeFromSet('s', 'a');
        await store.removeFromSet('s', 'not-a-member');
        await store.removeFromSet('no-such-set', 'a');
        await expect(store.members('s')).resolves.toEqual(['b']);
      });

      it('deletes a set once its last member is removed', async () => {
        await store.addToSet('s', 'only', LONG_TTL_MS);
        await store.removeFromSet('s', 'only');
        await expect(store.members('s')).resolves.toEqual([]);
        await expect(store.setIfAbsent('s', 'now a value', LONG_TTL_MS)).resolves.toBe(true);
      });

      it('keeps every member of 100 concurrent additions', async () => {
        const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
        await Promise.all(members.map((m) => store.addToSet('many', m, LONG_TTL_MS)));
        expect((await store.members('many')).sort()).toEqual([...members].sort());
      });

      it('expires the whole set after ttlMs', async () => {
        await store.addToSet('s', 'a', shortTtlMs);
        await store.addToSet('s', 'b', shortTtlMs);
        await fixture.elapse(pastShortTtlMs);
        await expect(store.members('s')).resolves.toEqual([]);
      });

      it('resets the set’s expiry on every addition', async () => {
        await store.addToSet('s', 'a', shortTtlMs);
        await store.addToSet('s', 'b', LONG_TTL_MS);
        await fixture.elapse(pastShortTtlMs);
        expect((await store.members('s')).sort()).toEqual(['a', 'b']);
      });

      it('keeps the set’s expiry when a member is removed', async () => {
        await store.addToSet('s', 'a', shortTtlMs);
        await store.addToSet('s', 'b', shortTtlMs);
        await store.removeFromSet('s', 'a');
        await fixture.elapse(pastShortTtlMs);
        await expect(store.members('s')).resolves.toEqual([]);
      });

      it('refuses set operations on a value and value reads of a set', async () => {
        await store.set('value', 'v', LONG_TTL_MS);
        await store.addToSet('set', 'm', LONG_TTL_MS);
        await expect(store.addToSet('value', 'm', LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.members('value')).rejects.toThrow(TypeError);
        await expect(store.get('set')).rejects.toThrow(TypeError);
        await expect(store.get('value')).resolves.toBe('v');
      });

      it('can be replaced by set and deleted by delete', async () => {
        await store.addToSet('s', 'a', LONG_TTL_MS);
        await store.set('s', 'value now', LONG_TTL_MS);
        await expect(store.get('s')).resolves.toBe('value now');
        await store.addToSet('t', 'a', LONG_TTL_MS);
        await store.delete('t');
        await expect(store.members('t')).resolves.toEqual([]);
      });
    });

    describe('records', () => {
      it('answers undefined for a record never written', async () => {
        await expect(store.getRecord('none')).resolves.toBeUndefined();
      });

      it('stores each field as JSON and replaces the whole record on setRecord', async () => {
        await store.setRecord(
          'r',
          { a: 1, list: [], nested: { x: [1, 'two'] }, n: null },
          LONG_TTL_MS,
        );
        await expect(store.getRecord('r')).resolves.toEqual({
          a: 1,
          list: [],
          nested: { x: [1, 'two'] },
          n: null,
        });
        await store.setRecord('r', { b: 'only' }, LONG_TTL_MS);
        await expect(store.getRecord('r')).resolves.toEqual({ b: 'only' });
      });

      it('treats a record with no fields as absent', async () => {
        await store.setRecord('r', { a: 1 }, LONG_TTL_MS);
        await store.setRecord('r', {}, LONG_TTL_MS);
        await expect(store.getRecord('r')).resolves.toBeUndefined();
      });

      it('updates only the named fields, and removes a record whose last field is removed', async () => {
        await store.setRecord('r', { a: 1, b: 2, c: 3 }, LONG_TTL_MS);
        await expect(
          store.updateRecord('r', { set: { a: 10, d: [4] }, remove: ['b'] }),
        ).resolves.toBe(true);
        await expect(store.getRecord('r')).resolves.toEqual({ a: 10, c: 3, d: [4] });
        await expect(store.updateRecord('r', { remove: ['a', 'c', 'd'] })).resolves.toBe(true);
        await expect(store.getRecord('r')).resolves.toBeUndefined();
      });

      it('writes nothing and answers false when the record is absent', async () => {
        await expect(store.updateRecord('gone', { set: { a: 1 } })).resolves.toBe(false);
        await expect(store.getRecord('gone')).resolves.toBeUndefined();
      });

      it('keeps every field of 100 concurrent updates of different fields', async () => {
        await store.setRecord('r', { base: true }, LONG_TTL_MS);
        await Promise.all(
          Array.from({ length: 100 }, (_, i) => store.updateRecord('r', { set: { [`f${i}`]: i } })),
        );
        const record = await store.getRecord('r');
        expect(Object.keys(record ?? {})).toHaveLength(101);
        expect(record?.f42).toBe(42);
      });

      it('expires after ttlMs, keeps the expiry on update, and resets it when asked', async () => {
        await store.setRecord('kept', { a: 1 }, shortTtlMs);
        await store.updateRecord('kept', { set: { b: 2 } });
        await store.setRecord('reset', { a: 1 }, shortTtlMs);
        await store.updateRecord('reset', { set: { b: 2 }, ttlMs: LONG_TTL_MS });
        await fixture.elapse(pastShortTtlMs);
        await expect(store.getRecord('kept')).resolves.toBeUndefined();
        await expect(store.getRecord('reset')).resolves.toEqual({ a: 1, b: 2 });
      });

      it('refuses record operations on other kinds, and value reads of a record', async () => {
        await store.set('value', 'v', LONG_TTL_MS);
        await store.setRecord('record', { a: 1 }, LONG_TTL_MS);
        await expect(store.getRecord('value')).rejects.toThrow(TypeError);
        await expect(store.updateRecord('value', { set: { a: 1 } })).rejects.toThrow(TypeError);
        await expect(store.get('record')).rejects.toThrow(TypeError);
        await expect(store.members('record')).rejects.toThrow(TypeError);
        await store.delete('record');
        await expect(store.getRecord('record')).resolves.toBeUndefined();
      });

      it('refuses bad field names, values JSON cannot hold and bad ttlMs', async () => {
        await expect(store.setRecord('r', { '': 1 }, LONG_TTL_MS)).rejects.toThrow(TypeError);
        await expect(store.setRecord('r', { a: undefined }, LONG_TTL_MS)).rejects.toThrow(
          TypeError,
        );
        await expect(store.setRecord('r', { a: 1 }, 0)).rejects.toThrow(RangeError);
        await store.setRecord('r', { a: 1 }, LONG_TTL_MS);
        await expect(store.updateRecord('r', { set: { b: () => 1 } })).rejects.toThrow(TypeError);
        await expect(store.updateRecord('r', { remove: [''] })).rejects.toThrow(TypeError);
        await expect(store.updateRecord('r', { ttlMs: -1 })).rejects.toThrow(RangeError);
        await expect(store.getRecord('r')).resolves.toEqual({ a: 1 });
      });
    });

    describe('publish / subscribe', () => {
      it('delivers a published message to a subscriber, never inside publish itself', async () => {
        const inbox = collector();
        await store.subscribe('events', inbox.listener);
        const published = store.publish('events', 'hello');
        expect(inbox.messages).toEqual([]);
        await published;
        await inbox.received(1);
        expect(inbox.messages).toEqual(['hello']);
      });

      it('delivers to every listener of the channel, in publish order, and only that channel', async () => {
        const first = collector();
        const second = collector();
        const elsewhere = collector();
        await store.subscribe('events', first.listener);
        await store.subscribe('events', second.listener);
        await store.subscribe('other', elsewhere.listener);
        for (const message of ['a', 'b', 'c']) await store.publish('events', message);
        await store.publish('other', 'x');
        await Promise.all([first.received(3), second.received(3), elsewhere.received(1)]);
        expect(first.messages).toEqual(['a', 'b', 'c']);
        expect(second.messages).toEqual(['a', 'b', 'c']);
        expect(elsewhere.messages).toEqual(['x']);
      });

      it('stops delivering to a listener once it unsubscribed, and keeps delivering to others', async () => {
        const leaving = collector();
        const staying = collector();
        const unsubscribe = await store.subscribe('events', leaving.listener);
        await store.subscribe('events', staying.listener);
        await store.publish('events', 'before');
        await Promise.all([leaving.received(1), staying.received(1)]);
        await unsubscribe();
        await unsubscribe(); // idempotent
        await store.publish('events', 'after');
        await staying.received(2);
        expect(staying.messages).toEqual(['before', 'after']);
        expect(leaving.messages).toEqual(['before']);
      });

      it('treats each subscription of the same function separately', async () => {
        const inbox = collector();
        const unsubscribeOne = await store.subscribe('events', inbox.listener);
        await store.subscribe('events', inbox.listener);
        await store.publish('events', 'twice');
        await inbox.received(2);
        await unsubscribeOne();
        await store.publish('events', 'once');
        await inbox.received(3);
        expect(inbox.messages).toEqual(['twice', 'twice', 'once']);
      });

      it('subscribes afresh after every listener of a channel left', async () => {
        const old = collector();
        const unsubscribe = await store.subscribe('events', old.listener);
        await unsubscribe();
        const fresh = collector();
        await store.subscribe('events', fresh.listener);
        await store.publish('events', 'again');
        await fresh.received(1);
        expect(fresh.messages).toEqual(['again']);
        expect(old.messages).toEqual([]);
      });

      it('keeps delivering when a listener throws, and logs without the message', async () => {
        const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
        const inbox = collector();
        await store.subscribe('events', () => {
          throw new Error('listener bug');
        });
        await store.subscribe('events', inbox.listener);
        await store.publish('events', 'secret-payload');
        await inbox.received(1);
        expect(logged).toHaveBeenCalled();
        expect(JSON.stringify(logged.mock.calls)).not.toContain('secret-payload');
      });

      if (options.sharedAcrossInstances) {
        it('delivers messages between two store instances on the same backend', async () => {
          const openPeer = fixture.openPeer;
          if (openPeer === undefined) throw new Error('the fixture must provide openPeer');
          const peer = await openPeer();
          const atPeer = collector();
          const atSelf = collector();
          await peer.subscribe('events', atPeer.listener);
          await store.subscribe('events', atSelf.listener);
          await store.publish('events', 'from-store');
          await peer.publish('events', 'from-peer');
          await Promise.all([atPeer.received(2), atSelf.received(2)]);
          expect(atPeer.messages).toEqual(['from-store', 'from-peer']);
          expect(atSelf.messages).toEqual(['from-store', 'from-peer']);
        });

        it('shares keys, counters and sets between instances', async () => {
          const openPeer = fixture.openPeer;
          if (openPeer === undefined) throw new Error('the fixture must provide openPeer');
          const peer = await openPeer();
          await store.set('shared', { v: 1 }, LONG_TTL_MS);
          await expect(peer.get('shared')).resolves.toEqual({ v: 1 });
          const counts = await Promise.all(
            Array.from({ length: 100 }, (_, i) =>
              (i % 2 === 0 ? store : peer).increment('shared-count', LONG_TTL_MS),
            ),
          );
          expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(
            Array.from({ length: 100 }, (_, i) => i + 1),
          );
          await peer.addToSet('shared-set', 'p', LONG_TTL_MS);
          await expect(store.members('shared-set')).resolves.toEqual(['p']);
        });
      }
    });

    describe('ping', () => {
      it('resolves when the backend answers', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });
  });
}

/** Records messages, and waits (at most 2 s, so a lost message fails the test) for a count. */
function collector(): {
  readonly messages: string[];
  readonly listener: (message: string) => void;
  received(count: number): Promise<void>;
} {
  const messages: string[] = [];
  const waiters = new Set<() => void>();
  return {
    messages,
    listener: (message) => {
      messages.push(message);
      for (const wake of [...waiters]) wake();
    },
    received: (count) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} message(s), got ${JSON.stringify(messages)}`));
        }, 2_000);
        function check(): void {
          if (messages.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        }
        waiters.add(check);
        check();
      }),
  };
}

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  value.self = value;
  return value;
}
