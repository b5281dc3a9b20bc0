import type { RouteTarget } from './route-metadata';

/**
 * A value computed once per route (handler and controller class) and remembered: route metadata
 * is settled when classes are defined, so per-request work derived from it need only run on a
 * route's first request. An inherited handler on another controller is another route. Entries go
 * with their handler and class (weakly held).
 *
 * @example
 * private readonly plans = new RouteMemo<Plan>();
 * const plan = this.plans.get(context, () => buildPlan(context));
 */
export class RouteMemo<T> {
  private readonly byHandler = new WeakMap<object, WeakMap<object, T>>();

  /** The route's value, computed by `compute` on the route's first call. */
  get(route: RouteTarget, compute: () => T): T {
    const handler = route.getHandler();
    const controller = route.getClass();
    let byController = this.byHandler.get(handler);
    if (byController === undefined) {
      byController = new WeakMap();
      this.byHandler.set(handler, byController);
    }
    if (byController.has(controller)) return byController.get(controller) as T;
    const value = compute();
    byController.set(controller, value);
    return value;
  }
}
