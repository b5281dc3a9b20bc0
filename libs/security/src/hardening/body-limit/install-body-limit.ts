import type { AbstractHttpAdapter } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { adapterInstance } from '../adapter-instance';
import type { BodyLimitRoutes } from './body-limit-routes';
import { installBodyLimitOnExpress, type ExpressApplication } from './express-body-limit';
import { installBodyLimitOnFastify, type FastifyApplication } from './fastify-body-limit';

/** Adapters that already enforce the caps: a second installation would compete with the first. */
const installed = new WeakSet<object>();

/**
 * Enforces the body caps (`bodyLimit` options, `@BodyLimit()`) on the HTTP adapter, before any
 * body is buffered: 413 `SECURITY_BODY_TOO_LARGE` for a declared `Content-Length` over the
 * route's cap without reading the body, and for a chunked body as soon as it passes the cap.
 * SecurityModule calls it from `configure()`, which Nest runs after registering its body parsers
 * and before registering the routes. See `installBodyLimitOnExpress` and
 * `installBodyLimitOnFastify` for how each adapter is done. Any other adapter stops start-up
 * with a {@link SecurityConfigurationError} (bodies would go uncapped).
 *
 * @example
 * configure(): void {
 *   installBodyLimit(this.adapterHost.httpAdapter, this.bodyLimitRoutes);
 * }
 */
export function installBodyLimit(httpAdapter: AbstractHttpAdapter, routes: BodyLimitRoutes): void {
  if (installed.has(httpAdapter)) {
    throw new SecurityConfigurationError(
      'bodyLimit',
      'is already installed on this HTTP adapter',
      'import SecurityModule once, in the root module',
    );
  }
  routes.prepare();
  const type = httpAdapter.getType();
  switch (type) {
    case 'express':
      installBodyLimitOnExpress(
        adapterInstance<ExpressApplication>(httpAdapter, 'bodyLimit', ['use']),
        routes,
      );
      break;
    case 'fastify':
      installBodyLimitOnFastify(
        adapterInstance<FastifyApplication>(httpAdapter, 'bodyLimit', ['addHook']),
        routes,
      );
      break;
    default:
      throw new SecurityConfigurationError(
        'bodyLimit',
        `cannot be enforced on the "${type}" HTTP adapter, so request bodies would go uncapped`,
        'use the Express (@nestjs/platform-express) or the Fastify (@nestjs/platform-fastify) adapter',
      );
  }
  installed.add(httpAdapter);
}
