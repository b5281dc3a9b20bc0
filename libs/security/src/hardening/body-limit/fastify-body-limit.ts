import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BodyTooLargeException } from './body-too-large.exception';
import {
  capFor,
  declaredLength,
  hasBody,
  isMultipartRequest,
  type BodyLimitPolicy,
} from './body-limit-policy';
import type { BodyLimitRoutes } from './body-limit-routes';

/** The route option Rampart files each route's caps under (Fastify's `config`). */
const POLICY = Symbol('rampart:body-limit');

type RouteConfig = Readonly<Record<PropertyKey, unknown>>;

/** What an `onRoute` hook receives (and may change) of a route being registered. */
interface FastifyRouteOptions {
  readonly handler: unknown;
  bodyLimit?: number;
  config?: RouteConfig;
}

interface FastifyRequest {
  readonly headers: IncomingHttpHeaders;
  readonly routeOptions?: { readonly config?: RouteConfig };
}

interface FastifyReply {
  header(name: string, value: string): unknown;
}

type Done = (error?: Error) => void;
type PayloadDone = (error: Error | null, payload?: Readable) => void;

/** The part of a Fastify instance used here. */
export interface FastifyApplication {
  addHook(name: 'onRoute', hook: (route: FastifyRouteOptions) => void): unknown;
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequest, reply: FastifyReply, done: Done) => void,
  ): unknown;
  addHook(
    name: 'preParsing',
    hook: (
      request: FastifyRequest,
      reply: FastifyReply,
      payload: Readable,
      done: PayloadDone,
    ) => void,
  ): unknown;
}

/**
 * Fastify: each route registered after this runs (Nest's routes) gets the caps of its handler
 * (`@BodyLimit()`, else the module's) in its `config` and as its Fastify `bodyLimit` (which Nest's
 * JSON and urlencoded parsers, and Fastify's own, then use instead of the 1 MiB instance default).
 * An `onRequest` hook refuses a declared `Content-Length` over the cap before anything is read;
 * a `preParsing` hook counts a chunked non-multipart body as it streams and fails it with
 * `BodyTooLargeException` at the byte over the cap, ahead of Fastify's own 413, so that the
 * error has Rampart's shape. A chunked multipart body is left to the upload interceptor.
 */
export function installBodyLimitOnFastify(
  fastify: FastifyApplication,
  routes: BodyLimitRoutes,
): void {
  const policyOf = (request: FastifyRequest): BodyLimitPolicy => {
    const policy = request.routeOptions?.config?.[POLICY];
    return isPolicy(policy) ? policy : routes.defaults;
  };

  fastify.addHook('onRoute', (route) => {
    const policy = routes.policyOf(route.handler) ?? routes.defaults;
    route.bodyLimit =
      route.bodyLimit === undefined ? policy.maxBytes : Math.min(route.bodyLimit, policy.maxBytes);
    route.config = { ...route.config, [POLICY]: policy };
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    if (!hasBody(request.headers)) {
      done();
      return;
    }
    const cap = capFor(policyOf(request), request.headers);
    const length = declaredLength(request.headers);
    if (length !== undefined && length > cap) {
      // The body is never read: close the connection after the 413 instead of draining it.
      reply.header('connection', 'close');
      done(new BodyTooLargeException(cap));
      return;
    }
    done();
  });

  fastify.addHook('preParsing', (request, reply, payload, done) => {
    const { headers } = request;
    if (!hasBody(headers) || declaredLength(headers) !== undefined || isMultipartRequest(headers)) {
      done(null, payload);
      return;
    }
    const counter = new ByteCounter(capFor(policyOf(request), headers), () =>
      reply.header('connection', 'close'),
    );
    payload.pipe(counter);
    done(null, counter);
  });
}

function isPolicy(value: unknown): value is BodyLimitPolicy {
  return typeof value === 'object' && value !== null && 'maxBytes' in value;
}

/** Passes bytes through up to `cap`, and fails at the first byte over it (nothing more is read). */
class ByteCounter extends Transform {
  private received = 0;

  constructor(
    private readonly cap: number,
    private readonly onRefuse: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.received += chunk.length;
    if (this.received > this.cap) {
      this.onRefuse();
      callback(new BodyTooLargeException(this.cap));
      return;
    }
    callback(null, chunk);
  }
}
