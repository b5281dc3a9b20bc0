import { Inject, Injectable, OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PublicMetadata } from '../authn/public.decorator';
import { routeMetadata, type RouteTarget } from '../core/route-metadata';
import { RESOLVED_SECURITY_OPTIONS } from '../core/security.tokens';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { RolesMetadata } from './roles.decorator';

/**
 * At start-up, reads the `@Roles()` of every controller and route and stops bootstrap when a role
 * is not declared in `roles.hierarchy` (a typo would otherwise deny or allow silently), or when a
 * route is both `@Public()` and role-guarded.
 */
@Injectable()
export class RolesExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getControllers()) {
      const controller: unknown = wrapper.metatype;
      const instance: unknown = wrapper.instance;
      if (typeof controller !== 'function' || typeof instance !== 'object' || instance === null)
        continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler === 'function') {
          this.check(
            {
              getHandler: () => handler,
              getClass: <T>() => controller as Type<T>,
            },
            `${controller.name}.${name}`,
          );
        }
      }
    }
  }

  private check(route: RouteTarget, where: string): void {
    const roles = routeMetadata(this.reflector, RolesMetadata, route);
    if (roles === undefined) return;
    for (const role of roles) {
      if (!this.options.roles.has(role)) {
        throw new SecurityConfigurationError(
          'roles.hierarchy',
          `does not declare the role "${role}" used by @Roles() on ${where}`,
          `add "${role}" to roles.hierarchy (known roles: ${this.options.roles.declared.join(', ')}) or correct the name`,
        );
      }
    }
    if (routeMetadata(this.reflector, PublicMetadata, route) === true) {
      throw new SecurityConfigurationError(
        `@Roles() on ${where}`,
        'is combined with @Public(), which makes no sense: anonymous callers hold no role',
        'remove one of the two decorators',
      );
    }
  }
}
