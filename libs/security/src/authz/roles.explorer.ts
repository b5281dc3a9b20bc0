import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PublicMetadata } from '../authn/public.decorator';
import { RouteDiscovery } from '../core/route-discovery';
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
    private readonly routes: RouteDiscovery,
    private readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  onModuleInit(): void {
    for (const route of this.routes.list()) this.check(route, route.where);
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
