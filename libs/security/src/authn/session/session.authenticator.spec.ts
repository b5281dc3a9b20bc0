import type { ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { redisUrlForTests, type TestRedis } from '../../../../../test/support/redis-server';
import type { MaybePromise } from '../../core/maybe-promise';
import type { Principal } from '../../core/principal.interface';
import { resolveSecurityOptions } from '../../core/resolve-security-options';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import type { SecurityClock } from '../../core/security-clock';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidSessionException } from '../../errors/invalid-session.exception';
import { SessionExpiredException } from '../../errors/session-expired.exception';
import { RedisSecurityStore } from '../../store/redis-security.store';
import { sessionOf } from './session-context';
import { sessionCookieName } from './session-cookie';
import { hashSessionId, newSessionId } from './session-id';
import type { SessionRecord } from './session-record';
import { SessionAuthenticator } from './session.authenticator';
import { SessionRepository } from './session.repository';
import { SessionService } from './session.service';

const TOUCH_SECONDS = 60;
const IDLE_SECONDS = 600;

/** One app instance over the shared Redis: its store, session repository and authenticator. */
interface Instance {
  readonly repository: SessionRepository;
  readonly authenticator: SessionAuthenticator;
  close(): Promise<void>;
}

let redis: TestRedis;
let keyPrefix: string;
let options: ResolvedSecurityOptions;
/** The clock the session service reads (the repository's cache ages by the real one). */
let now: number;
const clock: SecurityClock = { now: () => now };
const instances: Instance[] = [];

beforeAll(async () => {
  redis = await redisUrlForTests();
});

afterAll(async () => {
  await redis.stop();
});

beforeEach(() => {
  keyPrefix = `rampart-test:${randomUUID().slice(0, 8)}:`;
  now = Date.now();
  options = resolveSecurityOptions({
    environment: 'test',
    store: { type: 'redis', url: redis.url, keyPrefix },
    session: {
      idleTimeoutSeconds: IDLE_SECONDS,
      touchIntervalSeconds: TOUCH_SECONDS,
      localCacheTtlMs: 60_000,
    },
  });
});

afterEach(async () => {
  await Promise.all(instances.splice(0).map((instance) => instance.close()));
});

async function instance(): Promise<Instance> {
  const store = await RedisSecurityStore.connect({ url: redis.url, keyPrefix });
  const repository = new SessionRepository(store, options);
  await repository.onModuleInit();
  const created: Instance = {
    repository,
    authenticator: new SessionAuthenticator(new SessionService(repository, clock, options)),
    close: async () => {
      await repository.onApplicationShutdown();
      await store.onApplicationShutdown();
    },
  };
  instances.push(created);
  return created;
}

/** A session of user u-1 in the store; its cookie value and handle. */
async function storedSession(
  repository: SessionRepository,
): Promise<{ id: string; handle: string }> {
  const id = newSessionId();
  const handle = hashSessionId(id);
  const record: SessionRecord = {
    user: { id: 'u-1', username: 'alice', roles: ['user'] },
    via: 'session',
    createdAt: now,
    absoluteExpiresAt: now + 3_600_000,
    lastSeenAt: now,
    ip: '127.0.0.1',
    userAgent: 'jest',
    csrfSecret: 'c'.repeat(43),
    data: {},
  };
  await repository.create(handle, record, IDLE_SECONDS * 1000, 3_600_000);
  return { id, handle };
}

/** A request presenting `cookieValue` (plain HTTP: the cookie name the options give it). */
function requestWith(cookieValue: string): SecurityRequest {
  const session = options.session;
  if (session === undefined) throw new Error('sessions are off');
  const name = sessionCookieName({ headers: {} }, session);
  return { headers: { cookie: `${name}=${cookieValue}` } };
}

function contextFor(request: SecurityRequest): ExecutionContext {
  const response = { setHeader: () => undefined, getHeader: () => undefined };
  return {
    getType: () => 'http',
    getArgByIndex: (index: number) => [request, response][index],
  } as unknown as ExecutionContext;
}

/** Calls the authenticator as the guard does: a thrown error counts as a synchronous answer. */
function answer(
  authenticator: SessionAuthenticator,
  request: SecurityRequest,
): { readonly sync: boolean; readonly result: Promise<Principal> } {
  let value: MaybePromise<Principal>;
  try {
    value = authenticator.authenticate(contextFor(request));
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    return { sync: true, result: Promise.reject(reason) };
  }
  return value instanceof Promise
    ? { sync: false, result: value }
    : { sync: true, result: Promise.resolve(value) };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5_000) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A stored session used once (so this instance caches it), then again `seconds` later by the
 * service's clock: that second answer, the repository and the session's handle.
 */
async function usedAgainAfter(seconds: number): Promise<{
  readonly later: ReturnType<typeof answer>;
  readonly repository: SessionRepository;
  readonly handle: string;
}> {
  const { authenticator, repository } = await instance();
  const { id, handle } = await storedSession(repository);
  await answer(authenticator, requestWith(id)).result;
  now += seconds * 1000;
  return { later: answer(authenticator, requestWith(id)), repository, handle };
}

describe('SessionAuthenticator on a shared (Redis) store', () => {
  it('asks the store the first time, then answers a cached session synchronously', async () => {
    const { authenticator, repository } = await instance();
    const { id, handle } = await storedSession(repository);

    const first = answer(authenticator, requestWith(id));
    expect(first.sync).toBe(false);
    await expect(first.result).resolves.toMatchObject({ id: 'u-1', authMethod: 'session' });

    const request = requestWith(id);
    const second = answer(authenticator, request);
    expect(second.sync).toBe(true);
    await expect(second.result).resolves.toMatchObject({ id: 'u-1', roles: ['user'] });
    expect(sessionOf(request)?.id).toBe(handle);
  });

  it('refuses a cached session once another instance ended it', async () => {
    const a = await instance();
    const b = await instance();
    const { id, handle } = await storedSession(a.repository);
    await answer(a.authenticator, requestWith(id)).result;
    expect(a.repository.cachedRecord(handle)).toBeDefined();

    await b.repository.delete(handle, 'u-1');
    await waitFor(() => a.repository.cachedRecord(handle) === undefined);

    const refused = answer(a.authenticator, requestWith(id));
    expect(refused.sync).toBe(false);
    await expect(refused.result).rejects.toBeInstanceOf(InvalidSessionException);
  });

  it('goes to the store to write "last seen" when a cached session is due for it', async () => {
    const { later, repository, handle } = await usedAgainAfter(TOUCH_SECONDS);

    expect(later.sync).toBe(false);
    await expect(later.result).resolves.toMatchObject({ id: 'u-1' });
    expect((await repository.load(handle))?.lastSeenAt).toBe(now);
  });

  it('ends a cached session that is idle-expired, through the store', async () => {
    const { later, repository, handle } = await usedAgainAfter(IDLE_SECONDS);

    expect(later.sync).toBe(false);
    await expect(later.result).rejects.toBeInstanceOf(SessionExpiredException);
    expect(await repository.load(handle)).toBeUndefined();
  });

  it('refuses a malformed cookie synchronously, before any lookup', async () => {
    const { authenticator } = await instance();
    const refused = answer(authenticator, requestWith('not-a-session-id'));
    expect(refused.sync).toBe(true);
    await expect(refused.result).rejects.toBeInstanceOf(InvalidSessionException);
  });
});
