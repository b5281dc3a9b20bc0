// One benchmark variant in its own process: `BENCH_VARIANT` and `ADAPTER` pick what runs; it
// listens on 127.0.0.1:`PORT` (0 = any) and logs `bench app listening on <url>`.
import 'reflect-metadata';
import type { ServerResponse } from 'node:http';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import fastifyHelmet from '@fastify/helmet';
import { RedisStore } from 'connect-redis';
import session from 'express-session';
import helmet from 'helmet';
import { createClient } from 'redis';
import { PrototypedExpressAdapter } from '../../../libs/security/src/express/prototyped-express.adapter';
import { NO_STORE_PLAN } from '../../../libs/security/src/hardening/headers/no-store';
import { resolveSecurityHeadersOptions } from '../../../libs/security/src/hardening/headers/resolve-security-headers-options';
import { BareModule } from './bare.module';
import { requireEnv } from './bench-env';
import { ExpressSessionModule } from './express-session.module';
import { GluedJwtModule } from './glued-jwt.module';
import { NestLabThrottleModule } from './nestlab-throttle.module';
import { RampartJwtModule } from './rampart-jwt.module';
import { RampartSessionModule } from './rampart-session.module';
import { RampartThrottleModule } from './rampart-throttle.module';

const MODULES: Readonly<Record<string, Type>> = {
  bare: BareModule,
  'bare-headers': BareModule,
  'bare-spin': BareModule,
  'rampart-jwt': RampartJwtModule,
  'glued-jwt': GluedJwtModule,
  'rampart-session': RampartSessionModule,
  'express-session': ExpressSessionModule,
  'express-session-helmet': ExpressSessionModule,
  'rampart-throttle': RampartThrottleModule,
  'nestlab-throttle': NestLabThrottleModule,
};

/**
 * The response headers of Rampart's full stack on the bench route: its default header plan (as
 * `headers` left out resolves), `no-store` on an authenticated response, and the `RateLimit` fields
 * of a counted one (values as long as in the bench). `bare-headers` sends them, as constants, from
 * a bare app: the share of the cost that is the headers alone (bytes written, and parsed by the
 * load generator).
 */
const RAMPART_HEADERS: readonly (readonly [string, string])[] = [
  ...resolveSecurityHeadersOptions(undefined).plan.set,
  ...NO_STORE_PLAN.set,
  ['ratelimit', '"default";r=999999;t=10'],
  ['ratelimit-policy', '"default";q=1000000;w=10'],
];

/**
 * `BENCH_SPIN_US`: microseconds of pure CPU (a busy loop, nothing allocated) added to every
 * request, ahead of everything else. A calibration (the `bare-spin` variant of `npm run bench`,
 * and the profiler): it shows what a fixed amount of server CPU per request does to the ratio on
 * this machine, beyond itself (see the README, Performance).
 */
function spinMicros(): number {
  const value = Number(process.env.BENCH_SPIN_US ?? '0');
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`BENCH_SPIN_US must be a number of microseconds >= 0, got "${String(value)}"`);
  return value;
}

function spin(micros: number): void {
  const end = performance.now() + micros / 1_000;
  while (performance.now() < end) {
    // busy: the point is to spend the CPU
  }
}

async function bootstrap(): Promise<void> {
  const variant = requireEnv('BENCH_VARIANT');
  const adapter = requireEnv('ADAPTER');
  const spinUs = spinMicros();
  const module = MODULES[variant];
  if (module === undefined) throw new Error(`unknown BENCH_VARIANT "${variant}"`);
  const logger = ['error', 'warn'] as const;
  let app: INestApplication;
  if (adapter === 'fastify') {
    if (variant.startsWith('express-session'))
      throw new Error('express-session runs on Express only');
    const fastifyApp = await NestFactory.create<NestFastifyApplication>(
      module,
      new FastifyAdapter(),
      { logger: [...logger] },
    );
    if (spinUs > 0) {
      fastifyApp
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', (_request, _reply, done) => {
          spin(spinUs);
          done();
        });
    }
    if (variant === 'glued-jwt') await fastifyApp.register(fastifyHelmet);
    if (variant === 'bare-headers') {
      fastifyApp
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', (_request, reply, done) => {
          for (const [name, value] of RAMPART_HEADERS) reply.raw.setHeader(name, value);
          done();
        });
    }
    app = fastifyApp;
  } else if (adapter === 'express') {
    app =
      process.env.BENCH_EXPRESS_PROTOTYPED === '1'
        ? await NestFactory.create(module, new PrototypedExpressAdapter(), { logger: [...logger] })
        : await NestFactory.create(module, { logger: [...logger] });
    if (spinUs > 0) {
      app.use((_request: unknown, _response: unknown, next: () => void) => {
        spin(spinUs);
        next();
      });
    }
    if (variant === 'glued-jwt' || variant === 'express-session-helmet') app.use(helmet());
    if (variant === 'express-session-helmet') {
      // Rampart marks authenticated responses `no-store`; the glue does it by hand.
      app.use((_request: unknown, response: ServerResponse, next: () => void) => {
        response.setHeader('cache-control', 'no-store');
        next();
      });
    }
    if (variant === 'bare-headers') {
      app.use((_request: unknown, response: ServerResponse, next: () => void) => {
        for (const [name, value] of RAMPART_HEADERS) response.setHeader(name, value);
        next();
      });
    }
    if (variant.startsWith('express-session')) {
      const client = createClient({ url: requireEnv('REDIS_URL') });
      await client.connect();
      app.use(
        session({
          store: new RedisStore({
            client,
            prefix: `bench-express-session:${String(process.pid)}:`,
          }),
          secret: 'bench-express-session-secret-0123456789abcdef',
          resave: false,
          saveUninitialized: false,
          cookie: { httpOnly: true, sameSite: 'lax', secure: false },
        }),
      );
    }
  } else {
    throw new Error(`ADAPTER must be "express" or "fastify", got "${adapter}"`);
  }
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  console.log(`bench app listening on ${await app.getUrl()} (${variant}, ${adapter})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
