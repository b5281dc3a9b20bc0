import { generateKeyPairSync } from 'node:crypto';
import { resolveSecurityOptions } from '../../core/resolve-security-options';
import type { SecurityClock } from '../../core/security-clock';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { StoreUnavailableException } from '../../errors/store-unavailable.exception';
import { MemorySecurityStore } from '../../store/memory-security.store';
import type { SecurityStore } from '../../store/security-store.interface';
import { RevocationService } from './revocation.service';

const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const options = resolveSecurityOptions({
  environment: 'test',
  jwt: {
    issuer: 'https://i',
    audience: 'a',
    keys: [{ kid: 'k', privateKey }],
    revocationSyncIntervalSeconds: 1,
  },
});

/** A store whose calls can be made to fail, as when Redis is unreachable. */
function failingStore(inner: SecurityStore): { store: SecurityStore; fail: (on: boolean) => void } {
  let failing = false;
  const guard =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      failing ? Promise.reject(new StoreUnavailableException()) : fn(...args);
  const store: SecurityStore = {
    get: <T>(key: string) => guard(() => inner.get<T>(key))(),
    set: guard(inner.set.bind(inner)),
    setIfAbsent: guard(inner.setIfAbsent.bind(inner)),
    delete: guard(inner.delete.bind(inner)),
    increment: guard(inner.increment.bind(inner)),
    addToSet: guard(inner.addToSet.bind(inner)),
    removeFromSet: guard(inner.removeFromSet.bind(inner)),
    members: guard(inner.members.bind(inner)),
    setRecord: guard(inner.setRecord.bind(inner)),
    getRecord: guard(inner.getRecord.bind(inner)),
    updateRecord: guard(inner.updateRecord.bind(inner)),
    publish: guard(inner.publish.bind(inner)),
    subscribe: guard(inner.subscribe.bind(inner)),
    ping: guard(inner.ping.bind(inner)),
  };
  return { store, fail: (on) => (failing = on) };
}

describe('RevocationService', () => {
  let now: number;
  const clock: SecurityClock = { now: () => now };
  let memory: MemorySecurityStore;
  const services: RevocationService[] = [];
  const start = async (store: SecurityStore): Promise<RevocationService> => {
    const service = new RevocationService(store, clock, options);
    await service.onModuleInit();
    services.push(service);
    return service;
  };

  beforeEach(() => {
    now = Date.now();
    memory = new MemorySecurityStore({ now: () => now });
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.onApplicationShutdown()));
    jest.useRealTimers();
  });

  const token = (
    overrides: Partial<Parameters<RevocationService['assertNotRevoked']>[0]> = {},
  ) => ({
    id: 'jti-1',
    familyId: 'fid-1',
    userId: 'u-1',
    issuedAtMs: now + 1,
    ...overrides,
  });

  it('lets an unrevoked token through, refuses one issued before the epoch', async () => {
    const service = await start(memory);
    expect(() => {
      service.assertNotRevoked(token());
    }).not.toThrow();
    expect(() => {
      service.assertNotRevoked(token({ issuedAtMs: now - 1 }));
    }).toThrow(InvalidTokenException);
  });

  it('refuses by jti until the token expiry, by family, and by user for tokens issued before', async () => {
    const service = await start(memory);
    await service.revokeToken('jti-1', now + 60_000);
    expect(() => {
      service.assertNotRevoked(token());
    }).toThrow(InvalidTokenException);
    await service.revokeFamily('fid-2');
    expect(() => {
      service.assertNotRevoked(token({ id: 'jti-2', familyId: 'fid-2' }));
    }).toThrow(InvalidTokenException);
    now += 10;
    await service.revokeUser('u-3');
    expect(() => {
      service.assertNotRevoked(
        token({ id: 'jti-3', familyId: 'fid-3', userId: 'u-3', issuedAtMs: now - 5 }),
      );
    }).toThrow(InvalidTokenException);
    expect(() => {
      service.assertNotRevoked(
        token({ id: 'jti-3', familyId: 'fid-3', userId: 'u-3', issuedAtMs: now }),
      );
    }).not.toThrow();
  });

  it('refuses by session every token issued for it, not those of other sessions', async () => {
    const service = await start(memory);
    await service.revokeSession('s-1');
    expect(() => {
      service.assertNotRevoked(token({ id: 'jti-s1', familyId: undefined, sessionId: 's-1' }));
    }).toThrow(InvalidTokenException);
    expect(() => {
      service.assertNotRevoked(token({ id: 'jti-s2', familyId: undefined, sessionId: 's-2' }));
    }).not.toThrow();
  });

  it("applies another instance's revocation through the store, without a request touching it", async () => {
    const a = await start(memory);
    const b = await start(memory);
    await a.revokeToken('jti-9', now + 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(() => {
      b.assertNotRevoked(token({ id: 'jti-9' }));
    }).toThrow(InvalidTokenException);
  });

  it('answers 503 once the store has been silent for three sync intervals, and recovers', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    const { store, fail } = failingStore(memory);
    const service = await start(store);
    fail(true);
    await jest.advanceTimersByTimeAsync(3_500);
    expect(() => {
      service.assertNotRevoked(token());
    }).toThrow(StoreUnavailableException);
    fail(false);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(() => {
      service.assertNotRevoked(token());
    }).not.toThrow();
  });

  it('starts a new epoch when the store lost its state, refusing every earlier token', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'queueMicrotask', 'nextTick'] });
    const service = await start(memory);
    const earlier = token({ id: 'jti-e', issuedAtMs: now + 1 });
    now += 100;
    await memory.delete('rev:epoch');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(() => {
      service.assertNotRevoked(earlier);
    }).toThrow(InvalidTokenException);
    expect(() => {
      service.assertNotRevoked(token({ id: 'jti-f', issuedAtMs: now + 1 }));
    }).not.toThrow();
  });
});
