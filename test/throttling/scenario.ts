import type { INestApplication } from '@nestjs/common';
import type { StoreOptions, ThrottlingOptions } from '@rampart/security';
import request from 'supertest';
import { startApp, storeOptions, type AdapterName, type StoreName } from '../support/apps';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server';
import { ThrottlingScenarioModule } from './app.module';

/** Requests to a running throttling scenario app, each optionally through the trusted proxy. */
export class ThrottlingClient {
  constructor(private readonly current: () => INestApplication) {}

  /** The running app; throws outside the tests of the `describe` that started it. */
  get app(): INestApplication {
    return this.current();
  }

  /** One GET, optionally with an `X-Forwarded-For` header and a bearer token. */
  get(path: string, options: { forwardedFor?: string; token?: string } = {}): request.Test {
    let test = request(this.app.getHttpServer()).get(path);
    if (options.forwardedFor !== undefined)
      test = test.set('X-Forwarded-For', options.forwardedFor);
    if (options.token !== undefined) test = test.set('Authorization', `Bearer ${options.token}`);
    return test;
  }

  /** `POST /auth/token` (`@ThrottleCredentials()`) with the given credentials. */
  tokenAttempt(username: string, password: string, forwardedFor?: string): request.Test {
    return this.post('/auth/token', { username, password }, forwardedFor);
  }

  /** `POST /auth/refresh` (`@ThrottleCredentials()`, no account: counted per address only). */
  refreshAttempt(refreshToken: string, forwardedFor?: string): request.Test {
    return this.post('/auth/refresh', { refresh_token: refreshToken }, forwardedFor);
  }

  /** Logs `username` in through `/auth/token` and returns the access token. */
  async accessToken(username: string, password: string): Promise<string> {
    const response = await this.tokenAttempt(username, password).expect(200);
    return (response.body as { access_token: string }).access_token;
  }

  private post(path: string, body: object, forwardedFor: string | undefined): request.Test {
    let test = request(this.app.getHttpServer()).post(path);
    if (forwardedFor !== undefined) test = test.set('X-Forwarded-For', forwardedFor);
    return test.send(body);
  }
}

/** How long a scenario app lives. */
export interface ThrottlingAppLifetime {
  /** `true`: a fresh app (so fresh counters) for every test; otherwise one for the `describe`. */
  readonly perTest?: boolean;
}

/**
 * Starts {@link ThrottlingScenarioModule} with `throttling` on `adapter` before the tests of the
 * enclosing `describe` (before each test with `perTest`), and closes it after them. `store` is a
 * store name of the MATRIX (Redis under a key prefix of its own) or a function giving the store
 * options, read when the app starts (for a Redis server the suite starts itself).
 *
 * @example
 * const client = useThrottlingApp('fastify', 'redis', { trustedProxies: ['127.0.0.1'] });
 * it('...', () => client.get('/open').expect(200));
 */
export function useThrottlingApp(
  adapter: AdapterName,
  store: StoreName | (() => StoreOptions),
  throttling: ThrottlingOptions = {},
  { perTest = false }: ThrottlingAppLifetime = {},
): ThrottlingClient {
  let app: INestApplication | undefined;
  const start = async (): Promise<void> => {
    const options = typeof store === 'function' ? store() : storeOptions(store);
    app = await startApp(ThrottlingScenarioModule.with(throttling, options), adapter);
  };
  const stop = async (): Promise<void> => {
    await app?.close();
    app = undefined;
  };
  if (perTest) {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return new ThrottlingClient(() => {
    if (app === undefined) throw new Error('the throttling scenario app is not running');
    return app;
  });
}

/** A redis-server of the suite's own, which the suite may stop and start again on its port. */
export interface OwnRedis {
  /** Store options on this server, under `keyPrefix`; `commandTimeoutMs` as given. */
  storeOptions(keyPrefix: string, commandTimeoutMs?: number): StoreOptions;
  /** Kills the server (the data goes with it). */
  stop(): Promise<void>;
  /** Starts an empty server on the port of the stopped one. */
  restart(): Promise<void>;
}

/**
 * Starts a throwaway redis-server (never the shared one on 6379) before the tests of the
 * enclosing `describe` and stops it after them. Register it in an outer `describe` and the apps
 * in an inner one, so that the apps close before their Redis goes away.
 *
 * @example
 * const redis = useOwnRedis();
 * describe('two instances', () => {
 *   const a = useThrottlingApp('express', () => redis.storeOptions('shared:'));
 * });
 */
export function useOwnRedis(): OwnRedis {
  let server: RedisServerHandle | undefined;
  const running = (): RedisServerHandle => {
    if (server === undefined) throw new Error('the suite redis-server is not running');
    return server;
  };
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    storeOptions: (keyPrefix, commandTimeoutMs) => ({
      type: 'redis',
      url: running().url,
      keyPrefix,
      ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    }),
    stop: () => running().stop(),
    restart: async () => {
      server = await startRedisServer({ port: running().port });
    },
  };
}
