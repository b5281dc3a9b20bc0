import type { ExecutionContext } from '@nestjs/common';
import type { Reflector, ReflectableDecorator } from '@nestjs/core';
import { RouteMemo } from './route-memo';

/** What route metadata is read from: an ExecutionContext, or a route found at start-up. */
export type RouteTarget = Pick<ExecutionContext, 'getHandler' | 'getClass'>;

/** Per reflector: each route's decorator values, once read. */
const memos = new WeakMap<Reflector, RouteMemo<Map<unknown, unknown>>>();

/**
 * Reads typed route metadata, the method's beating the controller's. Unlike
 * `Reflector.getAllAndOverride`'s declared type, the result says that the metadata may be absent.
 *
 * Every guard reads several decorators on every request, and `reflect-metadata` walks prototype
 * chains to answer: the value is read once per route (handler and controller class; an inherited
 * handler on another controller is another route) and remembered. Decorators are applied when a
 * class is defined, so route metadata is settled before the first request; metadata changed later
 * (by `SetMetadata` at run time, say) is not seen.
 *
 * @example
 * const roles = routeMetadata(this.reflector, RolesMetadata, context);
 */
export function routeMetadata<T>(
  reflector: Reflector,
  decorator: ReflectableDecorator<T>,
  route: RouteTarget,
): T | undefined {
  let memo = memos.get(reflector);
  if (memo === undefined) {
    memo = new RouteMemo();
    memos.set(reflector, memo);
  }
  const values = memo.get(route, () => new Map());
  if (values.has(decorator)) return values.get(decorator) as T | undefined;
  const value = reflector.getAllAndOverride<T | undefined>(decorator, [
    route.getHandler(),
    route.getClass(),
  ]);
  values.set(decorator, value);
  return value;
}
