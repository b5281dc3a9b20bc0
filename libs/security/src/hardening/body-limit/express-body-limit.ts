import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type express from 'express';
import { RequestSlot } from '../../core/request-slot';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { BodyTooLargeException } from './body-too-large.exception';
import {
  capFor,
  declaredLength,
  hasBody,
  strictest,
  type BodyLimitPolicy,
} from './body-limit-policy';
import type { BodyLimitRoutes } from './body-limit-routes';

type Next = (error?: unknown) => void;
type Middleware = (request: IncomingMessage, response: ServerResponse, next: Next) => void;
type ErrorMiddleware = (
  error: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  next: Next,
) => void;

/** The parts of Express 5's router used here. */
interface ExpressLayer {
  handle: unknown;
  readonly name: string;
  readonly route?: ExpressRoute;
  match(path: string): unknown;
}

interface ExpressRoute {
  readonly stack: readonly { readonly handle: unknown }[];
  _handlesMethod(method: string): boolean;
}

/** The part of an Express application used here. */
export interface ExpressApplication {
  use(handler: Middleware | ErrorMiddleware): unknown;
  readonly router: { readonly stack: ExpressLayer[] };
}

/** The parsers Rampart owns: Nest's (`express.json()`, `express.urlencoded({ extended: true })`). */
type OwnedParser = 'jsonParser' | 'urlencodedParser';
const OWNED_PARSERS: readonly string[] = ['jsonParser', 'urlencodedParser'] satisfies OwnedParser[];
/** Every body-parser middleware: the gate goes ahead of the first. */
const BODY_PARSERS: readonly string[] = [...OWNED_PARSERS, 'textParser', 'rawParser'];

/** A route registered with Express and the caps of the Nest handler it calls. */
interface RouteEntry {
  readonly layer: ExpressLayer;
  readonly route: ExpressRoute;
  readonly policy: BodyLimitPolicy | undefined;
}

/**
 * Express: a gate, moved ahead of the body parsers that Nest registers before any module
 * middleware, finds the route a request is for (Express's own matchers, over the routes Nest
 * registered), refuses a declared `Content-Length` over its cap at once, and hands the cap to
 * the JSON and urlencoded parsers, which Rampart owns: Nest's parsers (or those of
 * `app.useBodyParser('json' | 'urlencoded')`) are replaced by the same body-parser middleware
 * with the route's cap as `limit`, so that a chunked body is counted as it streams and refused
 * when it passes the cap, and a body over body-parser's 100 KB default passes on a route that
 * allows it. An error middleware turns any body-parser 413 into `BodyTooLargeException`.
 */
export function installBodyLimitOnExpress(app: ExpressApplication, routes: BodyLimitRoutes): void {
  const policies = new RequestSlot<BodyLimitPolicy>();
  let table: readonly RouteEntry[] | undefined;
  // Built on the first request with a body: the routes are registered after this installer runs.
  const routeTable = (): readonly RouteEntry[] => (table ??= buildRouteTable(app, routes));

  const policyOf = (request: IncomingMessage): BodyLimitPolicy => {
    let policy = policies.get(request);
    if (policy === undefined) {
      policy = requestPolicy(request, routeTable(), routes.defaults);
      policies.set(request, policy);
    }
    return policy;
  };

  const rampartBodyLimit: Middleware = (request, response, next) => {
    if (!hasBody(request.headers)) {
      next();
      return;
    }
    const cap = capFor(policyOf(request), request.headers);
    const length = declaredLength(request.headers);
    if (length !== undefined && length > cap) {
      refuse(response, next, cap);
      return;
    }
    next();
  };

  const parsers = new Map<string, Middleware>();
  const parserFor = (kind: OwnedParser, limit: number): Middleware => {
    const key = `${kind}:${limit}`;
    let parser = parsers.get(key);
    if (parser === undefined) {
      parser = createParser(kind, limit);
      parsers.set(key, parser);
    }
    return parser;
  };
  const ownedParser = (kind: OwnedParser): Middleware => {
    let bodiless: Middleware | undefined;
    return (request, response, next) => {
      // A request without a body (most GETs) is not matched against the route table, nor counted:
      // nothing over any cap can arrive. The parser still runs (it sets `request.body` as always).
      if (!hasBody(request.headers)) {
        bodiless ??= parserFor(kind, routes.defaults.maxBytes);
        bodiless(request, response, next);
        return;
      }
      const limit = policyOf(request).maxBytes;
      const parser = parserFor(kind, limit);
      // body-parser answers its own 413 only once it has read the whole request (it drains it):
      // a chunked body is counted here too, and refused at the byte over the cap.
      let nextCalled = false;
      const nextOnce: Next = (error) => {
        if (nextCalled) return;
        nextCalled = true;
        next(error);
      };
      const readers = request.listenerCount('data');
      parser(request, response, nextOnce);
      if (
        declaredLength(request.headers) === undefined &&
        request.listenerCount('data') > readers
      ) {
        countChunked(request, limit, () => {
          refuse(response, nextOnce, limit);
        });
      }
    };
  };

  const rampartBodyTooLarge: ErrorMiddleware = (error, request, response, next) => {
    if (!isBodyParserTooLarge(error)) {
      next(error);
      return;
    }
    const limit =
      typeof error.limit === 'number' ? error.limit : capFor(policyOf(request), request.headers);
    refuse(response, next, limit);
  };

  const stack = routerStack(app);
  app.use(rampartBodyLimit);
  const gate = stack.pop();
  if (gate?.handle !== rampartBodyLimit) {
    throw new SecurityConfigurationError(
      'bodyLimit',
      'cannot be installed: the Express router did not take the body-limit middleware',
      'use the stock Express adapter of @nestjs/platform-express',
    );
  }
  const firstParser = stack.findIndex((layer) => BODY_PARSERS.includes(layer.name));
  stack.splice(firstParser === -1 ? stack.length : firstParser, 0, gate);
  for (const layer of stack) {
    if (layer.route === undefined && isOwnedParser(layer.name))
      layer.handle = ownedParser(layer.name);
  }
  app.use(rampartBodyTooLarge);
}

/**
 * Counts a body the parser has started reading (it listens for `data`: a second listener sees the
 * same chunks, none is taken from it) and calls `onOver` once, at the chunk that passes `limit`.
 */
function countChunked(request: IncomingMessage, limit: number, onOver: () => void): void {
  let received = 0;
  const count = (chunk: Buffer): void => {
    received += chunk.length;
    if (received <= limit) return;
    request.off('data', count);
    onOver();
  };
  request.on('data', count);
}

function isOwnedParser(name: string): name is OwnedParser {
  return OWNED_PARSERS.includes(name);
}

/**
 * Express itself, loaded only when the Express adapter is in use (it is there then: the adapter
 * depends on it), so that an app on Fastify does not need it installed.
 */
let loadedExpress: typeof express | undefined;
function expressModule(): typeof express {
  loadedExpress ??= createRequire(__filename)('express') as typeof express;
  return loadedExpress;
}

function createParser(kind: OwnedParser, limit: number): Middleware {
  const { json, urlencoded } = expressModule();
  // Nest's options for its own parsers; the raw body is kept as with Nest's `rawBody: true`.
  const verify = (request: IncomingMessage, _response: ServerResponse, raw: Buffer): void => {
    Reflect.set(request, 'rawBody', raw);
  };
  return kind === 'jsonParser'
    ? json({ limit, verify })
    : urlencoded({ extended: true, limit, verify });
}

function routerStack(app: ExpressApplication): ExpressLayer[] {
  const router: unknown = Reflect.get(app, 'router');
  const stack: unknown =
    typeof router === 'function' || (typeof router === 'object' && router !== null)
      ? Reflect.get(router, 'stack')
      : undefined;
  if (!Array.isArray(stack)) {
    throw new SecurityConfigurationError(
      'bodyLimit',
      'cannot be installed: the Express application has no router stack (Express 5 is required)',
      'use @nestjs/platform-express with Express 5',
    );
  }
  return stack as ExpressLayer[];
}

function buildRouteTable(app: ExpressApplication, routes: BodyLimitRoutes): RouteEntry[] {
  const entries: RouteEntry[] = [];
  for (const layer of routerStack(app)) {
    const { route } = layer;
    if (route === undefined) continue;
    const found = route.stack
      .map((handler) => routes.policyOf(handler.handle))
      .filter((policy) => policy !== undefined);
    entries.push({
      layer,
      route,
      policy: found.length === 0 ? undefined : strictest(found, routes.defaults),
    });
  }
  return entries;
}

/** The strictest caps of the routes that could serve the request; the defaults when none. */
function requestPolicy(
  request: IncomingMessage,
  table: readonly RouteEntry[],
  defaults: BodyLimitPolicy,
): BodyLimitPolicy {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const method = request.method ?? 'GET';
  const matched: BodyLimitPolicy[] = [];
  for (const { layer, route, policy } of table) {
    if (!route._handlesMethod(method) || !matches(layer, path)) continue;
    matched.push(policy ?? defaults);
  }
  return strictest(matched, defaults);
}

function matches(layer: ExpressLayer, path: string): boolean {
  try {
    return Boolean(layer.match(path));
  } catch {
    return false; // a malformed %-escape: Express answers 400 itself
  }
}

function refuse(response: ServerResponse, next: Next, limit: number): void {
  // The rest of the body is never read: close the connection after the 413 instead of draining it.
  if (!response.headersSent) response.setHeader('connection', 'close');
  next(new BodyTooLargeException(limit));
}

/** body-parser's (raw-body's) 413. */
function isBodyParserTooLarge(error: unknown): error is { readonly limit?: unknown } {
  return (
    typeof error === 'object' && error !== null && Reflect.get(error, 'type') === 'entity.too.large'
  );
}
