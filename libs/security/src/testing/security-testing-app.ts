import type {
  INestApplication,
  LoggerService,
  LogLevel,
  NestApplicationOptions,
} from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import type { TestingModuleBuilder } from '@nestjs/testing';

/** Options of {@link createSecurityTestingApp}. */
export interface SecurityTestingAppOptions {
  /** The HTTP adapter, e.g. `new FastifyAdapter()`. @default Express */
  readonly httpAdapter?: AbstractHttpAdapter;
  /** Nest's logger option (`false` silences the app). @default Nest's logger */
  readonly logger?: LoggerService | LogLevel[] | false;
}

function hasReady(instance: unknown): instance is { ready(): PromiseLike<unknown> } {
  return (
    typeof instance === 'object' &&
    instance !== null &&
    'ready' in instance &&
    typeof instance.ready === 'function'
  );
}

/**
 * Compiles `builder`, creates the HTTP application and initialises it, without listening:
 * supertest takes `app.getHttpServer()`. On Fastify it also waits for `ready()`, which supertest
 * needs. Close the app after the tests (`await app.close()`).
 *
 * @example
 * const app = await createSecurityTestingApp(createSecurityTestingModule({ imports: [AppModule] }), {
 *   httpAdapter: new FastifyAdapter(),
 * });
 */
export async function createSecurityTestingApp(
  builder: TestingModuleBuilder,
  options: SecurityTestingAppOptions = {},
): Promise<INestApplication> {
  const moduleRef = await builder.compile();
  const appOptions: NestApplicationOptions =
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest's options type is a class of optional fields, documented to take a literal
    options.logger === undefined ? {} : { logger: options.logger };
  const app =
    options.httpAdapter === undefined
      ? moduleRef.createNestApplication(appOptions)
      : moduleRef.createNestApplication(options.httpAdapter, appOptions);
  await app.init();
  const instance: unknown = app.getHttpAdapter().getInstance();
  if (hasReady(instance)) await instance.ready();
  return app;
}
