import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import type { NodeHeaderTarget } from './header-plan';
import { SecurityHeaders } from './security-headers.decorator';
import { SecurityHeadersInterceptor } from './security-headers.interceptor';

class Routes {
  @SecurityHeaders({ xFrameOptions: { action: 'sameorigin' }, crossOriginResourcePolicy: false })
  overridden(): void {}

  plain(): void {}
}

/** An execution context for `Routes.prototype[handler]`, with a response that logs header calls. */
function contextFor(
  handler: 'overridden' | 'plain',
  type: 'http' | 'rpc' = 'http',
): { context: ExecutionContext; calls: string[] } {
  const calls: string[] = [];
  const response: NodeHeaderTarget = {
    setHeader: (name, value) => calls.push(`set ${name}: ${value}`),
    removeHeader: (name) => calls.push(`remove ${name}`),
  };
  const context = {
    getType: () => type,
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getResponse: () => response }),
  } as unknown as ExecutionContext;
  return { context, calls };
}

describe('SecurityHeadersInterceptor', () => {
  const interceptor = new SecurityHeadersInterceptor(new Reflector());
  const next: CallHandler = { handle: () => of('result') };

  it("writes the route's override plan before the handler runs, and passes the result through", async () => {
    const { context, calls } = contextFor('overridden');
    const result = interceptor.intercept(context, next);
    expect(calls).toEqual([
      'remove cross-origin-resource-policy',
      'set x-frame-options: SAMEORIGIN',
    ]);
    await expect(lastValueFrom(result)).resolves.toBe('result');
  });

  it('leaves a route without override alone (the default plan is already on the response)', () => {
    const { context, calls } = contextFor('plain');
    interceptor.intercept(context, next);
    expect(calls).toEqual([]);
  });

  it('passes non-HTTP contexts through untouched', () => {
    const { context, calls } = contextFor('overridden', 'rpc');
    interceptor.intercept(context, next);
    expect(calls).toEqual([]);
  });
});
