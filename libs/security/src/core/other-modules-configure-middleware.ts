import type { ModulesContainer } from '@nestjs/core';

/**
 * Whether any module of the application other than `self` has a `configure()` method, the only
 * way Nest middleware (`MiddlewareConsumer.apply()`) gets registered: Nest's middleware module
 * calls `configure()` on exactly those module instances. `false` means the application has no
 * Nest middleware at all, so nothing needs to run ahead of it.
 *
 * A module whose `configure()` applies nothing still counts: the answer errs on the side of
 * "there may be middleware".
 *
 * @example
 * configure(): void {
 *   const nestMiddleware = otherModulesConfigureMiddleware(this.modules, this);
 * }
 */
export function otherModulesConfigureMiddleware(modules: ModulesContainer, self: object): boolean {
  for (const moduleRef of modules.values()) {
    const instance: unknown = moduleRef.instance;
    if (instance === self || typeof instance !== 'object' || instance === null) continue;
    if (typeof Reflect.get(instance, 'configure') === 'function') return true;
  }
  return false;
}
