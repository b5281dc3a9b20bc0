import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from '../core/route-metadata';
import { RESOLVED_SECURITY_OPTIONS } from '../core/security.tokens';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import type { SecurityRequest } from '../core/security-request.interface';
import { AccessDeniedException } from '../errors/access-denied.exception';
import { AuthenticationRequiredException } from '../errors/authentication-required.exception';
import { RolesMetadata } from './roles.decorator';

/**
 * The global authorization guard; runs after {@link AuthenticationGuard}. A route with `@Roles()`
 * needs a principal holding one of them (through the hierarchy): none -> 401, wrong role -> 403.
 * A route without `@Roles()` needs nothing more than authentication.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  constructor(
    protected readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) protected readonly options: ResolvedSecurityOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return false;
    const required = routeMetadata(this.reflector, RolesMetadata, context);
    if (required === undefined) return true;
    const principal = context.switchToHttp().getRequest<SecurityRequest>().user;
    if (principal === undefined) throw new AuthenticationRequiredException();
    if (required.some((role) => this.options.roles.grants(principal.roles, role))) return true;
    throw new AccessDeniedException();
  }
}
