import { randomUUID } from 'node:crypto';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { StoreOptions } from '@rampart/security';
import { PrototypedExpressAdapter } from '@rampart/security/express';

export type AdapterName = 'express' | 'fastify';
export type StoreName = 'memory' | 'redis';

export const ADAPTERS: readonly AdapterName[] = ['express', 'fastify'];
export const STORES: readonly StoreName[] = ['memory', 'redis'];
/** Every adapter with every store, for `describe.each`. */
export const MATRIX: readonly (readonly [AdapterName, StoreName])[] = ADAPTERS.flatMap((adapter) =>
  STORES.map((store) => [adapter, store] as const),
);

/** Store options for a scenario; Redis runs get a key prefix of their own (never a flush). */
export function storeOptions(store: StoreName, prefix = `test:${randomUUID()}:`): StoreOptions {
  if (store === 'memory') return { type: 'memory' };
  const url = process.env.REDIS_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'REDIS_URL is not set: the e2e global setup starts redis-server (apt-get install -y redis-server).',
    );
  }
  return { type: 'redis', url, keyPrefix: prefix };
}

/**
 * The adapter of the Express scenarios: Nest's own by default; Rampart's `PrototypedExpressAdapter`
 * with `E2E_EXPRESS_ADAPTER=prototyped` (`npm test` runs the e2e project both ways).
 */
function expressAdapter(): PrototypedExpressAdapter | undefined {
  const choice = process.env.E2E_EXPRESS_ADAPTER ?? 'nest';
  if (choice === 'nest') return undefined;
  if (choice === 'prototyped') return new PrototypedExpressAdapter();
  throw new Error(`E2E_EXPRESS_ADAPTER must be "nest" or "prototyped", got "${choice}".`);
}

/** Compiles `module`, creates the app on `adapter`, initialises it (listening on no port). */
export async function startApp(
  module: Type | DynamicModule,
  adapter: AdapterName,
  configure: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<INestApplication> {
  const ref = await configure(Test.createTestingModule({ imports: [module] })).compile();
  const app =
    adapter === 'fastify'
      ? ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false })
      : createOnExpress(ref);
  await app.init();
  if (adapter === 'fastify')
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}

function createOnExpress(ref: TestingModule): INestApplication {
  const adapter = expressAdapter();
  return adapter === undefined
    ? ref.createNestApplication({ logger: false })
    : ref.createNestApplication(adapter, { logger: false });
}

/** A clock tests move by hand (`advance`), for expiry without sleeping. */
export class ManualClock {
  constructor(private current = Date.now()) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * Throttling for scenarios that are not about throttling: they log the demo users in many times
 * from one address, far beyond the default credential limits. Throttling suites set their own.
 */
export const GENEROUS_THROTTLING = {
  credentials: {
    perAccount: { limit: 100_000, windowMs: 60_000 },
    perIp: { limit: 100_000, windowMs: 60_000 },
  },
} as const;
