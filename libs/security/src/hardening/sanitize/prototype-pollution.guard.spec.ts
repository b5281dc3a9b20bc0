import type { ExecutionContext } from '@nestjs/common';
import { InvalidRequestException } from '../../errors/invalid-request.exception';
import { PrototypePollutionGuard } from './prototype-pollution.guard';

const POLLUTED = (): unknown => JSON.parse('{"__proto__": {"isAdmin": true}}') as unknown;

function contextOf(request: object, type = 'http'): ExecutionContext {
  return {
    getType: () => type,
    getArgByIndex: (index: number) => [request][index],
  } as unknown as ExecutionContext;
}

/** An Express 5 request: `query` is a getter on the prototype; `reads` counts its calls. */
function expressLikeRequest(
  url: string,
  query: () => unknown,
): { request: object; reads(): number } {
  let reads = 0;
  const prototype = {};
  Object.defineProperty(prototype, 'query', {
    get: () => {
      reads += 1;
      return query();
    },
  });
  const request = Object.assign(Object.create(prototype) as object, { url, params: {} });
  return { request, reads: () => reads };
}

function refusal(request: object): unknown {
  try {
    new PrototypePollutionGuard().canActivate(contextOf(request));
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('PrototypePollutionGuard', () => {
  it.each(['body', 'query', 'params'] as const)(
    'refuses a polluting key in the %s, naming the part and never the value',
    (part) => {
      const request = { url: '/notes?x=1', body: {}, query: {}, params: {}, [part]: POLLUTED() };
      const error = refusal(request);
      expect(error).toBeInstanceOf(InvalidRequestException);
      expect((error as InvalidRequestException).toBody()).toEqual({
        statusCode: 400,
        code: 'SECURITY_BAD_REQUEST',
        message: `The request ${part} contains a key that is not allowed (__proto__ or constructor.prototype).`,
      });
    },
  );

  it('lets a clean request through', () => {
    const request = { url: '/notes?x=1', body: { a: 1 }, query: { x: '1' }, params: { id: '7' } };
    expect(new PrototypePollutionGuard().canActivate(contextOf(request))).toBe(true);
  });

  it('reads an inherited query when the URL has a query string', () => {
    const { request, reads } = expressLikeRequest('/notes?__proto__[isAdmin]=1', POLLUTED);
    expect(refusal(request)).toBeInstanceOf(InvalidRequestException);
    expect(reads()).toBe(1);
  });

  it('does not read an inherited query when the URL has no query string', () => {
    const { request, reads } = expressLikeRequest('/notes', POLLUTED);
    expect(new PrototypePollutionGuard().canActivate(contextOf(request))).toBe(true);
    expect(reads()).toBe(0);
  });

  it("reads a request's own query even when the URL has no query string", () => {
    const { request } = expressLikeRequest('/notes', () => ({}));
    Object.defineProperty(request, 'query', { value: POLLUTED(), enumerable: true });
    expect(refusal(request)).toBeInstanceOf(InvalidRequestException);
  });

  it('leaves non-HTTP contexts alone', () => {
    const request = { body: POLLUTED() };
    expect(new PrototypePollutionGuard().canActivate(contextOf(request, 'rpc'))).toBe(true);
  });
});
