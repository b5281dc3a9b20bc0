import { Injectable, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import type { RouteTarget } from './route-metadata';

/** A route method of a controller, found at start-up. */
export interface DiscoveredRoute extends RouteTarget {
  /** The controller class. */
  readonly controller: Type;
  /** The route method, as declared on the controller's prototype. */
  readonly method: (...args: unknown[]) => unknown;
  /** `Controller.method`, for start-up error messages. */
  readonly where: string;
}

/**
 * Lists every route method (a method with a path, `@Get()` and friends) of every controller, from
 * the classes rather than their instances, so request-scoped controllers are included. What the
 * start-up explorers (roles, policies, uploads, body caps) read their route metadata from.
 *
 * @example
 * for (const route of this.routes.list()) {
 *   const roles = routeMetadata(this.reflector, RolesMetadata, route);
 * }
 */
@Injectable()
export class RouteDiscovery {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  /** Every route method of every controller; an inherited method once per controller. */
  list(): DiscoveredRoute[] {
    const routes: DiscoveredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller: unknown = wrapper.metatype;
      if (typeof controller !== 'function') continue;
      const prototype = (controller as Type).prototype as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const method = prototype[name];
        if (typeof method !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, method) === undefined) continue;
        const route = method as (...args: unknown[]) => unknown;
        routes.push({
          controller: controller as Type,
          method: route,
          where: `${(controller as Type).name}.${name}`,
          getHandler: () => route,
          getClass: <T>() => controller as Type<T>,
        });
      }
    }
    return routes;
  }
}
