import type { ExecutionContext } from '@nestjs/common';
import type { Reflector, ReflectableDecorator } from '@nestjs/core';

/** What route metadata is read from: an ExecutionContext, or a route found at start-up. */
export type RouteTarget = Pick<ExecutionContext, 'getHandler' | 'getClass'>;

/**
 * Reads typed route metadata, the method's beating the controller's. Unlike
 * `Reflector.getAllAndOverride`'s declared type, the result says that the metadata may be absent.
 *
 * @example
 * const roles = routeMetadata(this.reflector, RolesMetadata, context);
 */
export function routeMetadata<T>(
  reflector: Reflector,
  decorator: ReflectableDecorator<T>,
  route: RouteTarget,
): T | undefined {
  return reflector.getAllAndOverride<T | undefined>(decorator, [
    route.getHandler(),
    route.getClass(),
  ]);
}
