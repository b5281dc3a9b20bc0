import {
  CanActivate,
  ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SecurityEvents } from '../audit/security-events';
import { httpRequestOf } from '../core/http-arguments';
import type { Principal } from '../core/principal.interface';
import { routeMetadata } from '../core/route-metadata';
import { RESOLVED_SECURITY_OPTIONS } from '../core/security.tokens';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import type { SecurityRequest } from '../core/security-request.interface';
import { AccessDeniedException } from '../errors/access-denied.exception';
import { AuthenticationRequiredException } from '../errors/authentication-required.exception';
import { PoliciesMetadata } from './policies/policies.decorator';
import type { PolicyContext } from './policies/policy-handler.interface';
import { PolicyRegistry } from './policies/policy-registry';
import { RolesMetadata } from './roles.decorator';

/** The route parameters of a request, as own string properties only. */
function routeParams(request: SecurityRequest): Readonly<Record<string, string>> {
  const raw = (request as { params?: unknown }).params;
  const params: Record<string, string> = {};
  if (typeof raw === 'object' && raw !== null) {
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === 'string') params[key] = value;
    }
  }
  return Object.freeze(params);
}

/**
 * The global authorization guard; runs after {@link AuthenticationGuard}. A route with `@Roles()`
 * needs a principal holding one of them (through the hierarchy), then a route with `@Policies()`
 * needs every named policy to allow: no principal -> 401, a missing role or a denying policy ->
 * 403 `SECURITY_FORBIDDEN`. A policy that throws an `HttpException` answers with it; any other
 * error denies (403, logged, `policy.error` event), never a 500. A route with neither needs
 * nothing more than authentication.
 *
 * Subclass it and override the `protected` hooks to adapt it; register the subclass as `APP_GUARD`
 * in place of this one.
 */
@Injectable()
export class AuthorizationGuard implements CanActivate {
  protected readonly logger = new Logger('AuthorizationGuard');

  constructor(
    protected readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) protected readonly options: ResolvedSecurityOptions,
    protected readonly policies: PolicyRegistry,
    protected readonly events: SecurityEvents,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (context.getType() !== 'http') return false;
    const roles = routeMetadata(this.reflector, RolesMetadata, context);
    const policies = routeMetadata(this.reflector, PoliciesMetadata, context);
    if (roles === undefined && policies === undefined) return true;
    const request = httpRequestOf<SecurityRequest>(context);
    const principal = request.user;
    if (principal === undefined) throw new AuthenticationRequiredException();
    if (
      roles !== undefined &&
      !roles.some((role) => this.options.roles.grants(principal.roles, role))
    ) {
      throw new AccessDeniedException();
    }
    if (policies === undefined) return true;
    return this.checkPolicies(policies, principal, request, context);
  }

  /** Asks each policy in turn; the first that does not return `true` denies the request. */
  protected async checkPolicies(
    names: readonly string[],
    principal: Principal,
    request: SecurityRequest,
    context: ExecutionContext,
  ): Promise<true> {
    const params = routeParams(request);
    for (const policy of names) {
      const policyContext: PolicyContext = {
        principal,
        request,
        executionContext: context,
        params,
        policy,
      };
      let verdict: unknown;
      try {
        const handler = await this.policies.handlerFor(policy, request);
        verdict = await handler.handle(policyContext);
      } catch (error: unknown) {
        if (error instanceof HttpException) throw error;
        this.onPolicyError(error, policyContext);
        throw new AccessDeniedException();
      }
      // Only the boolean true allows: a truthy string or an undefined from a forgotten return denies.
      if (verdict !== true) {
        this.onPolicyDenied(policyContext);
        throw new AccessDeniedException();
      }
    }
    return true;
  }

  /** Called when a policy denies, before the 403: emits a `policy.denied` event. */
  protected onPolicyDenied(context: PolicyContext): void {
    this.events.emit({
      type: 'policy.denied',
      policy: context.policy,
      route: this.routeName(context.executionContext),
      userId: context.principal.id,
    });
  }

  /**
   * Called when a policy throws something other than an `HttpException`, before the 403: logs the
   * error with its stack (server side only) and emits a `policy.error` event.
   */
  protected onPolicyError(error: unknown, context: PolicyContext): void {
    const route = this.routeName(context.executionContext);
    const errorName = error instanceof Error ? error.name : typeof error;
    this.logger.error(
      `The policy "${context.policy}" threw on ${route} (${errorName}); the request is denied`,
      error instanceof Error ? error.stack : undefined,
    );
    this.events.emit({
      type: 'policy.error',
      policy: context.policy,
      route,
      userId: context.principal.id,
      error: errorName,
    });
  }

  /** `Controller.method`, as events name a route. */
  protected routeName(context: ExecutionContext): string {
    return `${context.getClass().name}.${context.getHandler().name}`;
  }
}
