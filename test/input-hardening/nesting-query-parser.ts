import type { INestApplication, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { parse } from 'qs';
import { startApp, type AdapterName } from '../support/apps';

/**
 * Starts `module` with a query parser that builds objects and arrays from bracket names, as apps
 * often configure: Express 5's `'extended'` parser (qs), or qs as Fastify's `querystringParser`.
 * Rampart's query handling must not depend on it.
 */
export async function startWithNestingQueryParser(
  module: Type,
  adapter: AdapterName,
): Promise<INestApplication> {
  if (adapter === 'express') {
    const app = await startApp(module, adapter);
    (app as NestExpressApplication).set('query parser', 'extended');
    return app;
  }
  const ref = await Test.createTestingModule({ imports: [module] }).compile();
  const app = ref.createNestApplication<NestFastifyApplication>(
    new FastifyAdapter({
      routerOptions: { querystringParser: (query: string) => parse(query) },
    }),
    { logger: false },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
