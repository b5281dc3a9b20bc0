import type { ExecutionContext } from '@nestjs/common';
import type { Reflector, ReflectableDecorator } from '@nestjs/core';

/** What route metadata is read from: an ExecutionContext, or a route found at start-up. */
export type RouteTarget = Pick<ExecutionContext, 'getHandler' | 'getClass'>;

/** Per reflector, per handler, per controller class: each decorator's value, once read. */
type MetadataMemo = WeakMap<object, WeakMap<object, Map<unknown, unknown>>>;
const memos = new WeakMap<Reflector, MetadataMemo>();

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
  const handler = route.getHandler();
  const controller = route.getClass();
  let memo = memos.get(reflector);
  if (memo === undefined) {
    memo = new WeakMap();
    memos.set(reflector, memo);
  }
  let byController = memo.get(handler);
  if (byController === undefined) {
    byController = new WeakMap();
    memo.set(handler, byController);
  }
  let values = byController.get(controller);
  if (values === undefined) {
    values = new Map();
    byController.set(controller, values);
  }
  if (values.has(decorator)) return values.get(decorator) as T | undefined;
  const value = reflector.getAllAndOverride<T | undefined>(decorator, [handler, controller]);
  values.set(decorator, value);
  return value;
}
