import {
  IncomingMessage,
  ServerResponse,
  createServer as createHttpServer,
  type RequestListener,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';

/** The parts of an Express application this adapter reads. */
type ExpressApplication = RequestListener & {
  readonly request: object;
  readonly response: object;
};

/**
 * Nest's `ExpressAdapter`, with one change: its HTTP server creates every request and response
 * with the Express application's own prototypes (`app.request`, `app.response`) already in place.
 *
 * Express swaps the prototype of every request and response it handles
 * (`Object.setPrototypeOf(req, app.request)`). V8 gives an object whose prototype was swapped a
 * hidden class of its own: every property later added to it (by Express, Nest, passport, Rampart
 * or the application) copies that class, and every property read misses V8's inline caches. Here
 * the swap finds the prototype already set and does nothing, so requests share hidden classes as
 * they do on a bare Node.js server. Measured on Node.js 20 (`npm run bench`, see the README): bare
 * Nest on Express answers about 2.5 times as many requests per second.
 *
 * A drop-in replacement: every `NestApplicationOptions` behaves as with `ExpressAdapter`
 * (`httpsOptions`, `forceCloseConnections`, `return503OnClosing`). Requests and responses are
 * still `IncomingMessage` and `ServerResponse` instances, and Express's request and response
 * methods are where they were. Express applications mounted inside this one still swap, as before.
 *
 * ```ts
 * import { PrototypedExpressAdapter } from '@rampart/security/express';
 * const app = await NestFactory.create(AppModule, new PrototypedExpressAdapter());
 * ```
 */
export class PrototypedExpressAdapter extends ExpressAdapter {
  private forceCloseConnections = false;

  override initHttpServer(options: NestApplicationOptions): void {
    // Nest's own set-up (the 503 while closing, among others); connections are tracked below,
    // on the server that replaces the one it creates.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment -- Nest's options type is a class of optional fields, documented to take a literal
    super.initHttpServer({ ...options, forceCloseConnections: false });
    const app = this.getInstance<ExpressApplication>();
    const classes = {
      IncomingMessage: bornWith(IncomingMessage, app.request),
      ServerResponse: bornWith(ServerResponse, app.response),
    };
    this.httpServer =
      options.httpsOptions === undefined
        ? createHttpServer(classes, app)
        : createHttpsServer({ ...options.httpsOptions, ...classes }, app);
    this.forceCloseConnections = options.forceCloseConnections === true;
  }

  override close(): Promise<unknown> {
    if (this.forceCloseConnections) (this.httpServer as Server).closeAllConnections();
    return super.close() as Promise<unknown>;
  }
}

/**
 * A constructor for `base`'s instances whose prototype is `prototype` from the start. It calls
 * `base` as a function on the new object (Node.js's `IncomingMessage` and `ServerResponse` are
 * plain constructor functions): created with `Reflect.construct` instead, the objects would not
 * share hidden classes either.
 */
function bornWith<T extends abstract new (...args: never[]) => object>(
  base: T,
  prototype: object,
): T {
  if (/^class\b/.test(Function.prototype.toString.call(base))) {
    throw new Error(
      `PrototypedExpressAdapter: this Node.js's ${base.name} is a class and cannot be called on an object; use ExpressAdapter from @nestjs/platform-express`,
    );
  }
  const construct = base as unknown as (this: object, ...args: unknown[]) => void;
  const Born = function (this: object, ...args: unknown[]): void {
    construct.apply(this, args);
  };
  Born.prototype = prototype;
  return Born as unknown as T;
}
