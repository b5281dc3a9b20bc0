import { Logger, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import type { TimedSecurityEvent } from '../audit/security-event';
import { SecurityEvents } from '../audit/security-events';
import type { Principal } from '../core/principal.interface';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import type { SecurityRequest } from '../core/security-request.interface';
import { AccessDeniedException } from '../errors/access-denied.exception';
import { AuthenticationRequiredException } from '../errors/authentication-required.exception';
import { AuthorizationGuard } from './authorization.guard';
import { Policies } from './policies/policies.decorator';
import type { PolicyContext, PolicyHandler } from './policies/policy-handler.interface';
import type { PolicyRegistry } from './policies/policy-registry';
import { RoleHierarchy } from './role-hierarchy';
import { Roles } from './roles.decorator';

class Routes {
  open(): void {}
  @Roles('admin')
  adminOnly(): void {}
  @Policies('first')
  oneRoute(): void {}
  @Policies('first', 'second')
  twoRoute(): void {}
  @Roles('admin')
  @Policies('first')
  adminAndPolicy(): void {}
}
type Route = 'open' | 'adminOnly' | 'oneRoute' | 'twoRoute' | 'adminAndPolicy';

const alice: Principal = { id: 'u-alice', username: 'alice', roles: ['user'], authMethod: 'jwt' };
const admin: Principal = { id: 'u-admin', username: 'admin', roles: ['admin'], authMethod: 'jwt' };

type Verdict = (context: PolicyContext) => unknown;

function setup(verdicts: Partial<Record<'first' | 'second', Verdict>> = {}) {
  const calls: string[] = [];
  const contexts: PolicyContext[] = [];
  const registry = {
    handlerFor: (name: string): PolicyHandler => {
      const verdict = verdicts[name as 'first' | 'second'];
      if (verdict === undefined) throw new Error(`No provider registers the policy "${name}"`);
      return {
        handle: (context) => {
          calls.push(name);
          contexts.push(context);
          return verdict(context) as boolean;
        },
      };
    },
  } as unknown as PolicyRegistry;
  const events = new SecurityEvents({ now: () => 0 });
  const emitted: TimedSecurityEvent[] = [];
  events.subscribe((event) => emitted.push(event));
  const options = { roles: RoleHierarchy.fromOptions(undefined) } as ResolvedSecurityOptions;
  const guard = new AuthorizationGuard(new Reflector(), options, registry, events);
  const run = (route: Route, user?: Principal, params: Record<string, unknown> = {}) => {
    const request = { headers: {}, user, params } as SecurityRequest;
    const context = new ExecutionContextHost(
      [request, {}, undefined],
      Routes,
      Routes.prototype[route],
    ) as ExecutionContext;
    return Promise.resolve().then(() => guard.canActivate(context));
  };
  return { run, calls, contexts, emitted };
}

describe('AuthorizationGuard', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('refuses a non-HTTP context', () => {
    const guard = new AuthorizationGuard(
      new Reflector(),
      {} as ResolvedSecurityOptions,
      {} as PolicyRegistry,
      new SecurityEvents({ now: () => 0 }),
    );
    const context = new ExecutionContextHost([]);
    context.setType('rpc');
    expect(guard.canActivate(context)).toBe(false);
  });

  describe.each<
    [
      string,
      Route,
      Principal | undefined,
      true | typeof AuthenticationRequiredException | typeof AccessDeniedException,
    ]
  >([
    ['no metadata, anonymous', 'open', undefined, true],
    ['no metadata, a user', 'open', alice, true],
    ['@Roles(admin), anonymous', 'adminOnly', undefined, AuthenticationRequiredException],
    ['@Roles(admin), a user', 'adminOnly', alice, AccessDeniedException],
    ['@Roles(admin), an admin', 'adminOnly', admin, true],
    [
      '@Policies(first) allowing, anonymous',
      'oneRoute',
      undefined,
      AuthenticationRequiredException,
    ],
    ['@Policies(first) allowing, a user', 'oneRoute', alice, true],
    [
      '@Roles(admin) @Policies(first) allowing, a user',
      'adminAndPolicy',
      alice,
      AccessDeniedException,
    ],
    ['@Roles(admin) @Policies(first) allowing, an admin', 'adminAndPolicy', admin, true],
  ])('%s', (_name, route, user, outcome) => {
    it(outcome === true ? 'allows' : `throws ${outcome.name}`, async () => {
      const { run, calls } = setup({ first: () => true });
      if (outcome === true) await expect(run(route, user)).resolves.toBe(true);
      else await expect(run(route, user)).rejects.toBeInstanceOf(outcome);
      // A policy never runs for an anonymous caller or one whose role check failed.
      if (outcome !== true) expect(calls).toEqual([]);
    });
  });

  it.each<[string, unknown]>([
    ['false', false],
    ['undefined (a forgotten return)', undefined],
    ['null', null],
    ['a truthy string', 'yes'],
    ['the string "true"', 'true'],
    ['1', 1],
    ['an object', {}],
    ['a promise of false', Promise.resolve(false)],
    ['a promise of a truthy string', Promise.resolve('true')],
  ])('denies a policy returning %s with 403 and a policy.denied event', async (_name, value) => {
    const { run, emitted } = setup({ first: () => value });
    const denied = run('oneRoute', alice);
    await expect(denied).rejects.toBeInstanceOf(AccessDeniedException);
    const error: unknown = await denied.catch((caught: unknown) => caught);
    expect((error as AccessDeniedException).toBody()).toEqual({
      statusCode: 403,
      code: 'SECURITY_FORBIDDEN',
      message: 'You do not have permission to access this resource.',
    });
    expect(emitted).toEqual([
      {
        type: 'policy.denied',
        policy: 'first',
        route: 'Routes.oneRoute',
        userId: 'u-alice',
        at: 0,
      },
    ]);
  });

  it('allows a policy resolving to true, asynchronously', async () => {
    const { run, emitted } = setup({ first: () => Promise.resolve(true) });
    await expect(run('oneRoute', alice)).resolves.toBe(true);
    expect(emitted).toEqual([]);
  });

  it('asks every policy in order (AND), stopping at the first denial', async () => {
    const both = setup({ first: () => true, second: () => true });
    await expect(both.run('twoRoute', alice)).resolves.toBe(true);
    expect(both.calls).toEqual(['first', 'second']);

    const firstDenies = setup({ first: () => false, second: () => true });
    await expect(firstDenies.run('twoRoute', alice)).rejects.toBeInstanceOf(AccessDeniedException);
    expect(firstDenies.calls).toEqual(['first']);

    const secondDenies = setup({ first: () => true, second: () => false });
    await expect(secondDenies.run('twoRoute', alice)).rejects.toBeInstanceOf(AccessDeniedException);
    expect(secondDenies.calls).toEqual(['first', 'second']);
  });

  it('gives the policy the principal, the request, the string params and the context', async () => {
    const { run, contexts } = setup({ first: () => true });
    await run('oneRoute', alice, { id: 'n-1', odd: 42 });
    const [context] = contexts;
    expect(context?.principal).toBe(alice);
    expect(context?.request.user).toBe(alice);
    expect(context?.params).toEqual({ id: 'n-1' });
    expect(Object.isFrozen(context?.params)).toBe(true);
    expect(context?.policy).toBe('first');
    expect(context?.executionContext.getHandler()).toBe(Routes.prototype.oneRoute);
  });

  it('passes an HttpException thrown by a policy through unchanged', async () => {
    const notFound = new NotFoundException('No such note');
    const { run, emitted } = setup({
      first: () => {
        throw notFound;
      },
    });
    await expect(run('oneRoute', alice)).rejects.toBe(notFound);
    expect(emitted).toEqual([]);
  });

  it.each<[string, () => unknown, string]>([
    [
      'throws an Error',
      () => {
        throw new TypeError('db password is hunter2');
      },
      'TypeError',
    ],
    ['rejects', () => Promise.reject(new RangeError('db password is hunter2')), 'RangeError'],
    [
      'throws a string',
      () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- what a careless policy might do
        throw 'db password is hunter2';
      },
      'string',
    ],
  ])(
    'denies with 403 when a policy %s, logging it and emitting policy.error without the message',
    async (_name, verdict, errorName) => {
      const { run, emitted } = setup({ first: verdict });
      const denied = run('oneRoute', alice);
      await expect(denied).rejects.toBeInstanceOf(AccessDeniedException);
      const error: unknown = await denied.catch((caught: unknown) => caught);
      expect(JSON.stringify((error as AccessDeniedException).getResponse())).not.toContain(
        'hunter2',
      );
      expect(emitted).toEqual([
        {
          type: 'policy.error',
          policy: 'first',
          route: 'Routes.oneRoute',
          userId: 'u-alice',
          error: errorName,
          at: 0,
        },
      ]);
      expect(JSON.stringify(emitted)).not.toContain('hunter2');
      expect(logged).toHaveBeenCalledTimes(1);
      expect(logged.mock.calls[0]?.[0]).toBe(
        `The policy "first" threw on Routes.oneRoute (${errorName}); the request is denied`,
      );
    },
  );

  it('denies with 403 when the policy cannot be resolved', async () => {
    const { run, emitted } = setup({});
    await expect(run('oneRoute', alice)).rejects.toBeInstanceOf(AccessDeniedException);
    expect(emitted.map((event) => event.type)).toEqual(['policy.error']);
  });
});
