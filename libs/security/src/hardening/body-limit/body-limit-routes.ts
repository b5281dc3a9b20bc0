import { Inject, Injectable, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteDiscovery } from '../../core/route-discovery';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { routeMetadata } from '../../core/route-metadata';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import { BodyLimitMetadata } from './body-limit.decorator';
import { routePolicy, strictest, type BodyLimitPolicy } from './body-limit-policy';

/**
 * Metadata stamped on each route method: its `@BodyLimit()` (method's, else controller's, else
 * none) for each controller that serves it. Nest copies a method's metadata onto the handler it
 * hands the HTTP adapter, so the adapter-level code finds it on the handler before the body is
 * read. A map, because one inherited method can serve several controllers.
 */
const ROUTE_OVERRIDES = 'rampart:body-limit-route';

type RouteOverrides = Map<Type, number | undefined>;

/**
 * Knows the body caps of every route: at bootstrap (before Nest registers the routes) it stamps
 * each controller method with its `@BodyLimit()`, then answers, for a handler registered with the
 * HTTP adapter, the caps of its route. Used by `installBodyLimit`.
 *
 * @example
 * routes.prepare();
 * const policy = routes.policyOf(handler) ?? routes.defaults;
 */
@Injectable()
export class BodyLimitRoutes {
  constructor(
    private readonly routes: RouteDiscovery,
    private readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  /** The module's caps: what a body gets on a route without `@BodyLimit()`, and on no route. */
  get defaults(): BodyLimitPolicy {
    return this.options.bodyLimit;
  }

  /** Stamps every controller's route methods; call it before the routes are registered. */
  prepare(): void {
    for (const route of this.routes.list()) {
      const override = routeMetadata(this.reflector, BodyLimitMetadata, route);
      const stamped = Reflect.getOwnMetadata(ROUTE_OVERRIDES, route.method) as
        RouteOverrides | undefined;
      const overrides: RouteOverrides = new Map(stamped);
      overrides.set(route.controller, override);
      Reflect.defineMetadata(ROUTE_OVERRIDES, overrides, route.method);
    }
  }

  /**
   * The caps of the route a handler registered with the HTTP adapter serves, or `undefined` for a
   * handler that is not a Nest route (a plain Express or Fastify route). Nest names the handler
   * `Controller.method`: the controller is picked by that name; when the name does not tell (two
   * controllers of one name, an unnamed handler), the strictest caps of the candidates apply.
   */
  policyOf(handler: unknown): BodyLimitPolicy | undefined {
    if (typeof handler !== 'function') return undefined;
    const overrides = Reflect.getMetadata(ROUTE_OVERRIDES, handler) as RouteOverrides | undefined;
    if (overrides === undefined || overrides.size === 0) return undefined;
    const controllerName = handler.name.split('.')[0];
    const named = [...overrides].filter(([controller]) => controller.name === controllerName);
    const candidates = named.length > 0 ? named : [...overrides];
    return strictest(
      candidates.map(([, override]) => routePolicy(override, this.defaults)),
      this.defaults,
    );
  }
}
