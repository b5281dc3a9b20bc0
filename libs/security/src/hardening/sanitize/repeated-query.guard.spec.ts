import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { resolveSecurityOptions } from '../../core/resolve-security-options';
import { InvalidRequestException } from '../../errors/invalid-request.exception';
import type { RepeatedQueryPolicy } from './input-options.interface';
import { QueryArrays } from './query-arrays.decorator';
import { RepeatedQueryGuard } from './repeated-query.guard';

class SearchController {
  plain(): void {}

  @QueryArrays('tag')
  tagged(): void {}
}

/** An Express 5 request: `query` is a getter on the prototype that parses the URL on each read. */
function expressLikeRequest(url: string): { url: string; query: unknown } {
  const prototype = {};
  Object.defineProperty(prototype, 'query', {
    configurable: true,
    enumerable: true,
    get: () => ({ parsedByTheAdapter: url }),
  });
  const request = Object.create(prototype) as { url: string; query: unknown };
  request.url = url;
  return request;
}

function contextOf(
  request: object,
  handler: 'plain' | 'tagged' = 'plain',
  type = 'http',
): ExecutionContext {
  return {
    getType: () => type,
    getHandler: () => SearchController.prototype[handler],
    getClass: () => SearchController,
    switchToHttp: () => ({ getRequest: () => request }),
    getArgByIndex: (index: number) => [request][index],
  } as unknown as ExecutionContext;
}

function guardFor(policy: RepeatedQueryPolicy): RepeatedQueryGuard {
  return new RepeatedQueryGuard(
    new Reflector(),
    resolveSecurityOptions({ environment: 'test', input: { repeatedQueryParameters: policy } }),
  );
}

describe('RepeatedQueryGuard', () => {
  it('replaces the adapter getter by the normalized query, the same on every read', () => {
    const request = expressLikeRequest('/search?a=1&a=2&b=3');
    expect(guardFor('last').canActivate(contextOf(request))).toBe(true);
    expect({ ...(request.query as object) }).toEqual({ a: '2', b: '3' });
    expect(request.query).toBe(request.query);
    request.query = { replaced: true };
    expect(request.query).toEqual({ replaced: true });
  });

  it('leaves an empty prototype-less query in place when there is no query string', () => {
    const query: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    const request = { url: '/search', query };
    expect(guardFor('reject').canActivate(contextOf(request))).toBe(true);
    expect(request.query).toBe(query);
  });

  it("leaves Fastify's empty query (fast-querystring's Empty) in place when there is no query string", () => {
    const empty: object = Object.create(null) as object;
    const query: object = Object.create(empty) as object;
    const request = { url: '/search', query };
    expect(guardFor('reject').canActivate(contextOf(request))).toBe(true);
    expect(request.query).toBe(query);
  });

  it.each<[string, unknown]>([
    ['an empty object with a prototype', {}],
    ['an object whose prototype chain reaches Object.prototype', Object.create({}) as object],
    [
      'an object whose prototype has a key',
      Object.create(Object.assign(Object.create(null) as object, { a: '1' })) as object,
    ],
    [
      'a prototype-less object with a key',
      Object.assign(Object.create(null) as object, { a: '1' }),
    ],
    ['undefined', undefined],
    ['a string', ''],
  ])(
    'replaces %s by an empty prototype-less query when there is no query string',
    (_case, query) => {
      const request = { url: '/search?', query };
      expect(guardFor('reject').canActivate(contextOf(request))).toBe(true);
      expect(request.query).not.toBe(query);
      expect(Object.getPrototypeOf(request.query)).toBeNull();
      expect(Reflect.ownKeys(request.query as object)).toEqual([]);
    },
  );

  describe('an inherited query (Express 5: a getter on the prototype) without a query string', () => {
    /** Requests sharing one prototype whose `query` getter counts its reads. */
    function requestsOf(parse: () => unknown): {
      make(url: string): { url: string; query: unknown };
      reads(): number;
    } {
      let reads = 0;
      const prototype = {};
      Object.defineProperty(prototype, 'query', {
        configurable: true,
        get: () => {
          reads += 1;
          return parse();
        },
      });
      return {
        make: (url) =>
          Object.assign(Object.create(prototype) as { url: string; query: unknown }, { url }),
        reads: () => reads,
      };
    }

    it('is read once per prototype when it reads as empty, and left in place', () => {
      const requests = requestsOf(() => Object.create(null) as object);
      const guard = guardFor('reject');
      for (const url of ['/search', '/search?', '/other']) {
        const request = requests.make(url);
        expect(guard.canActivate(contextOf(request))).toBe(true);
        expect(Object.hasOwn(request, 'query')).toBe(false);
      }
      expect(requests.reads()).toBe(1);
      // Another guard instance keeps its own answer.
      guardFor('reject').canActivate(contextOf(requests.make('/search')));
      expect(requests.reads()).toBe(2);
    });

    it('is replaced on every request when it does not read as empty', () => {
      const requests = requestsOf(() => ({}));
      const guard = guardFor('reject');
      for (let i = 0; i < 3; i++) {
        const request = requests.make('/search');
        expect(guard.canActivate(contextOf(request))).toBe(true);
        expect(Object.hasOwn(request, 'query')).toBe(true);
        expect(Object.getPrototypeOf(request.query)).toBeNull();
        expect(Reflect.ownKeys(request.query as object)).toEqual([]);
      }
      expect(requests.reads()).toBe(1);
    });

    it("still reads a request's own query when its prototype's reads as empty", () => {
      const requests = requestsOf(() => Object.create(null) as object);
      const guard = guardFor('reject');
      guard.canActivate(contextOf(requests.make('/search')));
      const request = requests.make('/search');
      const assigned = { injected: 'by a middleware' };
      Object.defineProperty(request, 'query', {
        value: assigned,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      expect(guard.canActivate(contextOf(request))).toBe(true);
      expect(request.query).not.toBe(assigned);
      expect(Reflect.ownKeys(request.query as object)).toEqual([]);
    });
  });

  it('replaces a plain query property too (Fastify)', () => {
    const request = { url: '/search?tag=x', query: { tag: 'x' } };
    guardFor('reject').canActivate(contextOf(request, 'tagged'));
    expect({ ...request.query }).toEqual({ tag: ['x'] });
  });

  it('refuses a repeated parameter naming it, never its values', () => {
    const request = expressLikeRequest('/search?role=user-value&role=admin-value');
    let error: unknown;
    try {
      guardFor('reject').canActivate(contextOf(request));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidRequestException);
    const body = (error as InvalidRequestException).toBody();
    expect(body).toEqual({
      statusCode: 400,
      code: 'SECURITY_BAD_REQUEST',
      message: 'The query parameter "role" is repeated; send it once.',
    });
  });

  it('quotes a hostile name safely: escaped and cut', () => {
    const name = `x\u0000\n<script>\u2028${'y'.repeat(200)}`;
    const encoded = encodeURIComponent(name);
    const request = expressLikeRequest(`/search?${encoded}=1&${encoded}=2`);
    let message = '';
    try {
      guardFor('reject').canActivate(contextOf(request));
    } catch (caught) {
      message = (caught as InvalidRequestException).message;
    }
    expect(message).toMatch(
      /^The query parameter "x\\u0000\\n<script>\\u2028y+\.\.\." is repeated/,
    );
    expect(message.length).toBeLessThan(140);
  });

  it('honours @QueryArrays() on the route under the reject policy', () => {
    const request = expressLikeRequest('/search?tag=a&tag[]=b');
    expect(guardFor('reject').canActivate(contextOf(request, 'tagged'))).toBe(true);
    expect({ ...(request.query as object) }).toEqual({ tag: ['a', 'b'] });
  });

  it('leaves non-HTTP contexts alone', () => {
    const request = expressLikeRequest('/search?a=1&a=2');
    expect(guardFor('reject').canActivate(contextOf(request, 'plain', 'rpc'))).toBe(true);
    expect(request.query).toEqual({ parsedByTheAdapter: '/search?a=1&a=2' });
  });
});
