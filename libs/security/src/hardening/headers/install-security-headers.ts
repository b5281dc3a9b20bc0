import type { AbstractHttpAdapter } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { adapterInstance } from '../adapter-instance';
import {
  applyHeaderPlan,
  type FastifyHeaderTarget,
  type HeaderPlan,
  type HeaderTarget,
  type NodeHeaderTarget,
} from './header-plan';

type Next = (error?: unknown) => void;

/** The part of an Express application used here. */
interface ExpressApplication {
  disable(setting: string): unknown;
  use(handler: ExpressMiddleware | ExpressErrorMiddleware): unknown;
}

type ExpressMiddleware = (request: unknown, response: NodeHeaderTarget, next: Next) => void;
type ExpressErrorMiddleware = (
  error: unknown,
  request: unknown,
  response: ExpressResponse,
  next: Next,
) => void;

interface ExpressResponse extends NodeHeaderTarget {
  readonly headersSent: boolean;
}

/** The part of a Fastify instance used here. */
interface FastifyApplication {
  addHook(name: 'onRequest', hook: FastifyOnRequestHook): unknown;
  addHook(name: 'onSend', hook: FastifyOnSendHook): unknown;
}

type FastifyOnRequestHook = (
  request: unknown,
  reply: FastifyHeaderTarget,
  done: (error?: Error) => void,
) => void;

type FastifyOnSendHook = (
  request: unknown,
  reply: FastifyHeaderTarget,
  payload: unknown,
  done: (error: Error | null, payload: unknown) => void,
) => void;

/**
 * Marks a Fastify request's Node.js response once it carries the plan. A symbol property: Fastify
 * does not swap the prototype of `reply.raw`, so the new property is cheap there (see RequestSlot
 * for Express, where it is not).
 */
const COVERED = Symbol('rampart.headers.covered');

/** Adapters that already carry a plan: a second one would compete with the first. */
const installed = new WeakSet<object>();

/**
 * How {@link installSecurityHeaders} fits around the application's Nest middleware.
 *
 * @example
 * const options: InstallSecurityHeadersOptions = { nestMiddleware: false };
 */
export interface InstallSecurityHeadersOptions {
  /**
   * Whether the application may register Nest middleware (a module other than SecurityModule
   * has `configure()`). On Fastify, only then is a middie middleware added ahead of it; without
   * any, that middleware would make middie run on every request for nothing. Default `true`.
   */
  readonly nestMiddleware?: boolean;
}

/**
 * Installs the default header plan on the HTTP adapter, once, at bootstrap, before the routes
 * and the Nest middleware are registered (SecurityModule calls it from `configure()`), so that
 * every response carries the headers: routes, errors, 404s, and errors of Nest middleware.
 *
 * - Express: switches `x-powered-by` off when the plan removes it (Express adds it before any
 *   middleware runs), then `use()`s a middleware that applies the plan, and an error middleware
 *   that applies it to errors raised by earlier middleware (body parser: malformed JSON, 413),
 *   which skip ordinary middleware.
 * - Fastify: an `onRequest` hook; and, because Fastify runs Nest middleware inside middie's
 *   `onRequest` hook, which precedes any hook added at this point, a middie middleware too,
 *   ahead of the Nest middleware, unless `options.nestMiddleware` is `false` (the application
 *   has none; middie then stays idle); and an `onSend` hook for replies sent by hooks that run
 *   even earlier (CORS preflight). Each request gets the plan once, from the first of them it
 *   meets. Values go on the Node.js response (`reply.raw`), which Fastify merges into every
 *   response.
 *
 * Any other adapter type stops startup with a {@link SecurityConfigurationError}: silently
 * serving responses without the headers would fail open. So does a second call on one adapter.
 *
 * Not covered: responses ended by middleware that `app.use()` adds outside Nest modules: on
 * Express when added before `configure()` runs (the CORS preflight of `app.enableCors()`,
 * `app.use()` in `main.ts`); on Fastify when added before it, or at any time when
 * `options.nestMiddleware` is `false`.
 *
 * @example
 * configure(): void {
 *   installSecurityHeaders(this.adapterHost.httpAdapter, this.options.headers.plan);
 * }
 */
export function installSecurityHeaders(
  httpAdapter: AbstractHttpAdapter,
  plan: HeaderPlan,
  options: InstallSecurityHeadersOptions = {},
): void {
  if (installed.has(httpAdapter)) {
    throw new SecurityConfigurationError(
      'headers',
      'are already installed on this HTTP adapter',
      'call installSecurityHeaders() once per application (import SecurityModule once, in the root module)',
    );
  }
  const type = httpAdapter.getType();
  switch (type) {
    case 'express':
      installOnExpress(
        adapterInstance<ExpressApplication>(httpAdapter, 'headers', ['use', 'disable']),
        plan,
      );
      break;
    case 'fastify':
      installOnFastify(
        httpAdapter,
        adapterInstance<FastifyApplication>(httpAdapter, 'headers', ['addHook']),
        plan,
        options.nestMiddleware ?? true,
      );
      break;
    default:
      throw new SecurityConfigurationError(
        'headers',
        `cannot be installed on the "${type}" HTTP adapter, so responses would go out without them`,
        'use the Express (@nestjs/platform-express) or the Fastify (@nestjs/platform-fastify) adapter',
      );
  }
  installed.add(httpAdapter);
}

function installOnExpress(app: ExpressApplication, plan: HeaderPlan): void {
  if (plan.remove.some((name) => name.toLowerCase() === 'x-powered-by'))
    app.disable('x-powered-by');
  const rampartSecurityHeaders: ExpressMiddleware = (_request, response, next) => {
    applyHeaderPlan(response, plan);
    next();
  };
  // Four parameters: Express calls it only for errors (raised by middleware ahead of the one above).
  const rampartSecurityHeadersOnError: ExpressErrorMiddleware = (
    error,
    _request,
    response,
    next,
  ) => {
    if (!response.headersSent) applyHeaderPlan(response, plan);
    next(error);
  };
  app.use(rampartSecurityHeaders);
  app.use(rampartSecurityHeadersOnError);
}

function installOnFastify(
  httpAdapter: AbstractHttpAdapter,
  fastify: FastifyApplication,
  plan: HeaderPlan,
  nestMiddleware: boolean,
): void {
  // Node.js responses that already carry the plan: each request gets it once, from the first of
  // the three places below that it reaches, and never again after a route override.
  const cover = (target: HeaderTarget, raw: object): void => {
    const mark = raw as Record<symbol, true | undefined>;
    if (mark[COVERED] === true) return;
    mark[COVERED] = true;
    applyHeaderPlan(target, plan);
  };
  // 1. A middie middleware, ahead of every Nest middleware (they are registered after
  //    configure()): Fastify runs Nest middleware in middie's onRequest hook, which precedes any
  //    hook added now, and Nest writes a middleware's error straight to the Node.js response.
  //    Only when there may be Nest middleware: middie runs its middleware chain on every request
  //    once it holds one, and otherwise lets requests through untouched.
  if (nestMiddleware && typeof Reflect.get(fastify, 'use') === 'function') {
    const rampartSecurityHeadersMiddleware: ExpressMiddleware = (_request, response, next) => {
      cover(response, response);
      next();
    };
    httpAdapter.use(rampartSecurityHeadersMiddleware);
  }
  // 2. An onRequest hook, for an application without middie (`skipMiddie`).
  const rampartSecurityHeaders: FastifyOnRequestHook = (_request, reply, done) => {
    cover(reply, reply.raw);
    done();
  };
  // 3. For replies sent by an onRequest hook that runs before middie (the CORS preflight of
  //    app.enableCors(), the 503 of return503OnClosing): they skip 1 and 2 but not onSend.
  const rampartSecurityHeadersFallback: FastifyOnSendHook = (_request, reply, payload, done) => {
    cover(reply, reply.raw);
    done(null, payload);
  };
  fastify.addHook('onRequest', rampartSecurityHeaders);
  fastify.addHook('onSend', rampartSecurityHeadersFallback);
}
