import type { AbstractHttpAdapter } from '@nestjs/core';
import { SecurityConfigurationError } from '../errors/security-configuration.error';

/**
 * The HTTP adapter's framework instance (the Express application, the Fastify instance), checked
 * to have the methods an installer uses; start-up fails otherwise (a feature that cannot be
 * installed must not be skipped silently). `option` names the feature in the error.
 *
 * @example
 * const app = adapterInstance<ExpressApplication>(httpAdapter, 'headers', ['use', 'disable']);
 */
export function adapterInstance<T extends object>(
  httpAdapter: AbstractHttpAdapter,
  option: string,
  methods: readonly (keyof T & string)[],
): T {
  const instance: unknown = httpAdapter.getInstance();
  if (
    (typeof instance === 'function' || (typeof instance === 'object' && instance !== null)) &&
    methods.every((method) => typeof Reflect.get(instance, method) === 'function')
  ) {
    return instance as T;
  }
  const type = httpAdapter.getType();
  throw new SecurityConfigurationError(
    option,
    `cannot be installed: the "${type}" adapter's instance lacks ${methods.join('/')}()`,
    `use the stock ${type} adapter of @nestjs/platform-${type}`,
  );
}
