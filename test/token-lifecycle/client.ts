import type { INestApplication } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import type { SecurityModuleOptions } from '@rampart/security';
import { startApp, storeOptions, type AdapterName, type StoreName } from '../support/apps';
import { TokenLifecycleModule } from './app.module';
import request from 'supertest';

export interface Pair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: string;
  readonly expires_in: number;
}

export const ALICE = { username: 'alice', password: 'alice-password' };
export const ADMIN_LIKE = { username: 'admin', password: 'admin-password' };

/** Small HTTP client for the token routes of one app. */
export function client(app: INestApplication) {
  const server = app.getHttpServer();
  return {
    login: async (credentials = ALICE): Promise<Pair> => {
      const response = await request(server).post('/auth/token').send(credentials).expect(200);
      return response.body as Pair;
    },
    refresh: (refreshToken: unknown) =>
      request(server).post('/auth/refresh').send({ refresh_token: refreshToken }),
    me: (accessToken: string) =>
      request(server).get('/me').set('Authorization', `Bearer ${accessToken}`),
    revoke: (accessToken: string) =>
      request(server).post('/auth/revoke').set('Authorization', `Bearer ${accessToken}`),
    logoutAll: (accessToken: string) =>
      request(server).post('/auth/logout-all').set('Authorization', `Bearer ${accessToken}`),
  };
}

/** Issuer and audience of the scenario's tokens. */
export const JWT = { issuer: 'https://issuer.test', audience: 'api.test' };

/**
 * Starts the scenario app for one adapter and store before the tests of the enclosing
 * `describe`, and closes it after them. The returned function gives the running app.
 */
export function useTokenApp(
  adapter: AdapterName,
  store: StoreName,
  options: Omit<SecurityModuleOptions, 'store'> = { environment: 'test', jwt: JWT },
): () => INestApplication {
  let app: INestApplication | undefined;
  beforeAll(async () => {
    app = await startApp(
      TokenLifecycleModule.with({ ...options, store: storeOptions(store) }),
      adapter,
    );
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (app === undefined) throw new Error('the scenario app is not running');
    return app;
  };
}

/** Polls `check` until it holds (no fixed sleeps); resolves with the elapsed milliseconds. */
export async function until(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > deadlineMs)
      throw new Error(`not reached within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}
