import { Injectable, type InjectionToken, type OnModuleInit } from '@nestjs/common';
import {
  ContextIdFactory,
  DiscoveryService,
  ModuleRef,
  Reflector,
  type ContextId,
} from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { PublicMetadata } from '../../authn/public.decorator';
import { suggest } from '../../core/option-readers';
import { RouteDiscovery, type DiscoveredRoute } from '../../core/route-discovery';
import { routeMetadata } from '../../core/route-metadata';
import type { SecurityRequest } from '../../core/security-request.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { PoliciesMetadata } from './policies.decorator';
import type { PolicyHandler } from './policy-handler.interface';
import { SecurityPolicyMetadata } from './security-policy.decorator';

/** A `@SecurityPolicy` provider found at start-up. */
interface RegisteredPolicy {
  readonly name: string;
  /** The provider's injection token, to resolve it per request. */
  readonly token: InjectionToken;
  /** `NotesOwnerPolicy (in NotesModule)`, for start-up error messages. */
  readonly where: string;
  /** The shared instance of a static provider; absent when it is resolved per request. */
  readonly instance?: PolicyHandler;
}

const HANDLE_FIX =
  'implement PolicyHandler: handle(context: PolicyContext): boolean | Promise<boolean>';

function hasHandle(value: unknown): value is PolicyHandler {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { handle?: unknown }).handle === 'function'
  );
}

/**
 * The authorization policies of the application. At start-up it finds every provider decorated
 * with `@SecurityPolicy()`, in any module, and stops bootstrap with a
 * {@link SecurityConfigurationError} when two providers claim one name, when a policy has no
 * `handle` method, when a `@Policies()` route names a policy that no provider registers, or when
 * `@Policies()` is combined with `@Public()`. Static providers are used as they are; request-scoped
 * and transient ones (and those depending on one) are resolved per request through `ModuleRef`,
 * in the request's DI context (`@Inject(REQUEST)` works).
 *
 * @example
 * const handler = await registry.handlerFor('notes.owner', request);
 */
@Injectable()
export class PolicyRegistry implements OnModuleInit {
  private policies: ReadonlyMap<string, RegisteredPolicy> = new Map();
  /** The DI context of each request that resolved a scoped policy, so all its policies share it. */
  private readonly contexts = new WeakMap<object, ContextId>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly routes: RouteDiscovery,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    const policies = new Map<string, RegisteredPolicy>();
    for (const wrapper of this.discovery.getProviders()) {
      const policy = this.inspect(wrapper);
      if (policy === undefined) continue;
      const claimed = policies.get(policy.name);
      if (claimed !== undefined) {
        throw new SecurityConfigurationError(
          `@SecurityPolicy('${policy.name}')`,
          `is claimed by two providers: ${claimed.where} and ${policy.where}`,
          'give each policy its own name, or register the class in the providers of one module only (export it from there if other modules need it)',
        );
      }
      policies.set(policy.name, policy);
    }
    this.policies = policies;
    for (const route of this.routes.list()) this.checkRoute(route);
  }

  /** The registered policy names, sorted. */
  get names(): readonly string[] {
    return [...this.policies.keys()].sort();
  }

  /** Whether a provider registers the policy `name`. */
  has(name: string): boolean {
    return this.policies.has(name);
  }

  /**
   * The handler of the policy `name` for `request`: the shared instance of a static provider, or
   * the instance of the request's DI context for a scoped one. Rejects for an unknown name (which
   * start-up rules out for every `@Policies()` route) and for a resolved instance without `handle`.
   */
  handlerFor(name: string, request: SecurityRequest): PolicyHandler | Promise<PolicyHandler> {
    const policy = this.policies.get(name);
    if (policy === undefined) throw new Error(`No provider registers the policy "${name}"`);
    return policy.instance ?? this.resolve(policy, request);
  }

  private async resolve(
    policy: RegisteredPolicy,
    request: SecurityRequest,
  ): Promise<PolicyHandler> {
    const handler: unknown = await this.moduleRef.resolve(policy.token, this.contextOf(request), {
      strict: false,
    });
    if (!hasHandle(handler)) {
      throw new Error(`The provider of the policy "${policy.name}" has no handle() method`);
    }
    return handler;
  }

  /**
   * The DI context of `request`: the one Nest attached (request-scoped controller or middleware),
   * else a new one, registered so that `REQUEST` injects this request.
   */
  private contextOf(request: SecurityRequest): ContextId {
    let contextId = this.contexts.get(request);
    if (contextId !== undefined) return contextId;
    contextId = ContextIdFactory.getByRequest(request);
    // getByRequest returns the attached context each time, and a new one each time otherwise.
    if (ContextIdFactory.getByRequest(request) !== contextId) {
      this.moduleRef.registerRequestByContextId(request, contextId);
    }
    this.contexts.set(request, contextId);
    return contextId;
  }

  /** The policy a provider registers, if it is decorated with `@SecurityPolicy()`. */
  private inspect(wrapper: InstanceWrapper): RegisteredPolicy | undefined {
    // An alias (`useExisting`) is the same provider under another token, not a second claim.
    if (wrapper.isAlias) return undefined;
    const scoped = wrapper.isTransient || !wrapper.isDependencyTreeStatic();
    const instance: unknown = scoped ? undefined : wrapper.instance;
    // A class provider's class; for `useValue` and `useFactory`, the class of what they produced.
    const implementation: unknown =
      typeof wrapper.metatype === 'function' && wrapper.inject == null
        ? wrapper.metatype
        : (instance as { constructor?: unknown } | null | undefined)?.constructor;
    // The token's class as a fallback: `{ provide: NotesOwnerPolicy, useValue: fake }` in a test
    // still registers 'notes.owner'.
    const name = this.claimedName(implementation) ?? this.claimedName(wrapper.token);
    if (name === undefined) return undefined;
    const where = `${typeof implementation === 'function' && implementation.name !== '' ? implementation.name : String(wrapper.name)} (in ${wrapper.host?.name ?? 'an unknown module'})`;
    const handle = scoped
      ? (implementation as { prototype?: unknown } | undefined)?.prototype
      : instance;
    // A scoped provider built by a factory is only known once resolved; that is checked then.
    if (!hasHandle(handle) && (!scoped || typeof implementation === 'function')) {
      throw new SecurityConfigurationError(
        `@SecurityPolicy('${name}') on ${where}`,
        'is a provider without a handle() method',
        HANDLE_FIX,
      );
    }
    return Object.freeze({
      name,
      token: wrapper.token,
      where,
      ...(scoped ? {} : { instance: handle as PolicyHandler }),
    });
  }

  private claimedName(target: unknown): string | undefined {
    if (typeof target !== 'function') return undefined;
    return this.reflector.get(SecurityPolicyMetadata, target);
  }

  private checkRoute(route: DiscoveredRoute): void {
    const names = routeMetadata(this.reflector, PoliciesMetadata, route);
    if (names === undefined) return;
    if (routeMetadata(this.reflector, PublicMetadata, route) === true) {
      throw new SecurityConfigurationError(
        `@Policies() on ${route.where}`,
        'is combined with @Public(), which makes no sense: a policy needs an authenticated principal',
        'remove one of the two decorators',
      );
    }
    for (const name of names) {
      if (this.policies.has(name)) continue;
      const known = this.names;
      const guess = suggest(name, known);
      throw new SecurityConfigurationError(
        `@Policies() on ${route.where}`,
        `names the policy "${name}", which no provider registers`,
        `${guess === undefined ? '' : `did you mean "${guess}"? Otherwise `}add a class decorated with @SecurityPolicy('${name}') to the providers of a module (registered policies: ${known.length === 0 ? 'none' : known.join(', ')})`,
      );
    }
  }
}
