import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { MaybePromise } from '../core/maybe-promise';
import type { Principal } from '../core/principal.interface';
import type { SecurityRequest } from '../core/security-request.interface';
import { AuthenticationRequiredException } from '../errors/authentication-required.exception';
import { InvalidTokenException } from '../errors/invalid-token.exception';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { AuthenticationGuard } from './authentication.guard';
import type { Authenticator } from './authenticator.interface';
import { Public } from './public.decorator';

class Routes {
  protectedRoute(): void {}

  @Public()
  publicRoute(): void {}
}

const ALICE: Principal = { id: 'u-1', username: 'alice', roles: ['user'], authMethod: 'jwt' };

function contextFor(route: 'protectedRoute' | 'publicRoute'): {
  context: ExecutionContextHost;
  request: SecurityRequest;
  headers: Map<string, string>;
} {
  const request = { headers: { authorization: 'Bearer t' } } as unknown as SecurityRequest;
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string) => headers.set(name, value),
    removeHeader: (name: string) => headers.delete(name),
  };
  const context = new ExecutionContextHost(
    [request, response, () => undefined],
    Routes,
    Routes.prototype[route],
  );
  context.setType('http');
  return { context, request, headers };
}

function bearer(authenticate: () => MaybePromise<Principal>): Authenticator {
  return {
    method: 'jwt',
    challenge: 'Bearer',
    presentsCredentials: () => true,
    authenticate,
  };
}

describe('AuthenticationGuard', () => {
  it('answers true synchronously when the authenticator does, with the principal and no-store set', () => {
    const guard = new AuthenticationGuard(new Reflector(), [bearer(() => ALICE)]);
    const { context, request, headers } = contextFor('protectedRoute');
    expect(guard.canActivate(context)).toBe(true);
    expect(request.user).toBe(ALICE);
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it('answers a promise when the authenticator does, with the same outcome', async () => {
    const guard = new AuthenticationGuard(new Reflector(), [bearer(() => Promise.resolve(ALICE))]);
    const { context, request, headers } = contextFor('protectedRoute');
    const result = guard.canActivate(context);
    expect(result).toBeInstanceOf(Promise);
    expect(request.user).toBeUndefined();
    await expect(result).resolves.toBe(true);
    expect(request.user).toBe(ALICE);
    expect(headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    [
      'thrown',
      (): MaybePromise<Principal> => {
        throw new InvalidTokenException();
      },
    ],
    ['rejected', (): MaybePromise<Principal> => Promise.reject(new InvalidTokenException())],
  ])(
    'refuses a bad credential %s by the authenticator, even on a @Public() route',
    async (_how, authenticate) => {
      for (const route of ['protectedRoute', 'publicRoute'] as const) {
        const guard = new AuthenticationGuard(new Reflector(), [bearer(authenticate)]);
        const { context, request, headers } = contextFor(route);
        await expect(async () => guard.canActivate(context)).rejects.toBeInstanceOf(
          InvalidTokenException,
        );
        expect(request.user).toBeUndefined();
        expect(headers.has('cache-control')).toBe(false);
      }
    },
  );

  it.each([
    [
      'thrown',
      (): MaybePromise<Principal> => {
        throw new StoreUnavailableException();
      },
    ],
    ['rejected', (): MaybePromise<Principal> => Promise.reject(new StoreUnavailableException())],
  ])(
    'lets a @Public() route run anonymously when the store is unavailable (%s), and refuses others',
    async (_how, authenticate) => {
      const guard = new AuthenticationGuard(new Reflector(), [bearer(authenticate)]);
      const open = contextFor('publicRoute');
      await expect(Promise.resolve(guard.canActivate(open.context))).resolves.toBe(true);
      expect(open.request.user).toBeUndefined();
      const closed = contextFor('protectedRoute');
      await expect(async () => guard.canActivate(closed.context)).rejects.toBeInstanceOf(
        StoreUnavailableException,
      );
    },
  );

  it('answers 401 on a protected route, and true on a @Public() one, when no credentials are presented', async () => {
    const none: Authenticator = { ...bearer(() => ALICE), presentsCredentials: () => false };
    const guard = new AuthenticationGuard(new Reflector(), [none]);
    expect(guard.canActivate(contextFor('publicRoute').context)).toBe(true);
    await expect(async () =>
      guard.canActivate(contextFor('protectedRoute').context),
    ).rejects.toBeInstanceOf(AuthenticationRequiredException);
  });

  it('refuses any transport but HTTP', () => {
    const guard = new AuthenticationGuard(new Reflector(), [bearer(() => ALICE)]);
    const { context } = contextFor('publicRoute');
    context.setType('ws');
    expect(guard.canActivate(context)).toBe(false);
  });
});
