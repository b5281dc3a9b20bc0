import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { httpRequestOf } from '../../core/http-arguments';
import { routeMetadata } from '../../core/route-metadata';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import { InvalidRequestException } from '../../errors/invalid-request.exception';
import type { RepeatedQueryPolicy } from './input-options.interface';
import { normalizeQuery, queryStringOf, type NormalizedQuery } from './normalize-query';
import { QueryArraysMetadata } from './query-arrays.decorator';

/** The request fields this guard reads and replaces; the same names on Express and Fastify. */
interface QueryRequest {
  readonly url?: string;
  query?: unknown;
}

const NO_LISTS: ReadonlySet<string> = new Set();
/** Longest parameter name quoted in an error message; longer ones are cut. */
const MAX_QUOTED_NAME = 64;

/**
 * Makes the query that guards after it, interceptors, pipes and handlers see the same on Express
 * and Fastify, whatever their query parsers (Express 5's `simple` or `extended`, Fastify's
 * `fast-querystring` or a custom one): it parses the request's query string itself (see
 * {@link normalizeQuery}), applies `input.repeatedQueryParameters` and the route's
 * `@QueryArrays()`, and puts the result in `request.query` (on Express an own property in front
 * of the getter that would parse the URL again on every read). Under `'reject'` a repeated
 * parameter answers `400 SECURITY_BAD_REQUEST` naming the parameter, never a value. Global, the
 * first of Rampart's guards; middleware runs before guards and still sees the adapter's parse.
 *
 * @example
 * // GET /users?role=user&role=admin -> 400 SECURITY_BAD_REQUEST
 * //   'The query parameter "role" is repeated; send it once.'
 */
@Injectable()
export class RepeatedQueryGuard implements CanActivate {
  private readonly policy: RepeatedQueryPolicy;
  /** A set per `@QueryArrays()` metadata array, built on its first request. */
  private readonly listSets = new WeakMap<readonly string[], ReadonlySet<string>>();
  /** Per request prototype, whether an inherited `query` reads as empty without a query string. */
  private readonly emptyByPrototype = new WeakMap<object, boolean>();

  constructor(
    protected readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions,
  ) {
    this.policy = options.input.repeatedQueryParameters;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = httpRequestOf<QueryRequest>(context);
    const queryString = queryStringOf(request.url ?? '');
    // No query string: nothing to parse, and no route metadata to read. The adapter's value stays
    // when it is already as safe as an empty prototype-less object (Express 5's default parser),
    // which on Express saves a property on the request, and with it a new hidden class; anything
    // else (Fastify's router gives `{}`) is replaced by one.
    if (queryString === '') {
      if (!this.readsAsEmpty(request))
        replaceQuery(request, Object.create(null) as NormalizedQuery);
      return true;
    }
    const result = normalizeQuery(queryString, this.policy, this.listsOf(context));
    if (result.repeated !== undefined) {
      throw new InvalidRequestException(
        `The query parameter ${quoteName(result.repeated)} is repeated; send it once.`,
      );
    }
    replaceQuery(request, result.query);
    return true;
  }

  /**
   * Whether `request.query`, on a URL without a query string, already is an empty prototype-less
   * object. A `query` of the request's own (Fastify's, or one a middleware assigned) is read. One
   * the request inherits is Express 5's getter, which parses the URL again on every read: it is
   * read on the first such request of each prototype (one per Express application) and the answer
   * kept, because on Express every read cost a query parse and, on a request whose hidden class is
   * its own (see `RequestSlot`), missed V8's caches three times.
   */
  private readsAsEmpty(request: QueryRequest): boolean {
    const prototype: unknown = Object.getPrototypeOf(request);
    if (Object.hasOwn(request, 'query') || prototype === null || typeof prototype !== 'object')
      return isEmptyDictionary(request.query);
    let empty = this.emptyByPrototype.get(prototype);
    if (empty === undefined) {
      empty = isEmptyDictionary(request.query);
      this.emptyByPrototype.set(prototype, empty);
    }
    return empty;
  }

  /** The route's `@QueryArrays()` names, the method's beating the controller's. */
  protected listsOf(context: ExecutionContext): ReadonlySet<string> {
    const names = routeMetadata(this.reflector, QueryArraysMetadata, context);
    if (names === undefined) return NO_LISTS;
    let lists = this.listSets.get(names);
    if (lists === undefined) {
      lists = new Set(names);
      this.listSets.set(names, lists);
    }
    return lists;
  }
}

/**
 * Replaces `request.query`: by assignment where it is a writable own property (Fastify), else by
 * an own data property, which also hides Express 5's re-parsing getter.
 */
function replaceQuery(request: QueryRequest, query: NormalizedQuery): void {
  if (Object.getOwnPropertyDescriptor(request, 'query')?.writable === true) {
    request.query = query;
    return;
  }
  Object.defineProperty(request, 'query', {
    value: query,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

/**
 * Whether `value` is an empty object that no name can lead to `Object.prototype`: no own keys, and
 * a prototype chain of objects without keys that ends in `null` (Express 5's `{ __proto__: null }`,
 * or fast-querystring's `Empty`, whose prototype is such an object, on Fastify).
 */
function isEmptyDictionary(value: unknown): boolean {
  for (let link: unknown = value; link !== null; link = Object.getPrototypeOf(link)) {
    if (typeof link !== 'object' || link === Object.prototype) return false;
    if (Reflect.ownKeys(link).length > 0) return false;
  }
  return true;
}

/** A client-chosen name, quoted for a message: control characters escaped, length capped. */
function quoteName(name: string): string {
  const short = name.length > MAX_QUOTED_NAME ? `${name.slice(0, MAX_QUOTED_NAME)}...` : name;
  return JSON.stringify(short).replace(/[^\x20-\x7e]/g, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
