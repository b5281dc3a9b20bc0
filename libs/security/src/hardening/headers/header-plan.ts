import {
  IncomingMessage,
  ServerResponse,
  validateHeaderName,
  validateHeaderValue,
} from 'node:http';
import { Socket } from 'node:net';
import helmet, { type HelmetOptions } from 'helmet';
import { deepFreeze } from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';

/**
 * The response headers to write on a response, computed once: a request copies these pairs and
 * parses nothing. Frozen, so a plan shared by every request cannot be changed by one of them.
 * {@link applyHeaderPlan} removes the `remove` names first, then sets the `set` pairs.
 *
 * Names are lower-case, as HTTP/2 sends them and Fastify writes its own (HTTP/1.1 names are
 * case-insensitive). Node.js lower-cases the name on every `setHeader()` call: for a name that
 * already is, it gets the same string back, instead of a new one to hash and look up on every
 * request.
 *
 * A plan is read once, on its first use ({@link applyHeaderPlan} keeps a copy): do not change it
 * afterwards ({@link compileHeaderPlan} returns it frozen).
 *
 * @example
 * const plan: HeaderPlan = {
 *   set: [['x-content-type-options', 'nosniff']],
 *   remove: ['x-powered-by'],
 * };
 */
export interface HeaderPlan {
  /**
   * `[name, value]` pairs to set, in order, replacing any earlier value of that header. Names
   * lower-case.
   */
  readonly set: readonly (readonly [name: string, value: string])[];
  /** Header names to remove, lower-case. */
  readonly remove: readonly string[];
}

/**
 * A Node.js response: Express's `Response` (which extends it), or the raw `ServerResponse` a
 * Fastify middleware receives.
 *
 * @example
 * const target: NodeHeaderTarget = expressResponse;
 */
export interface NodeHeaderTarget {
  setHeader(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  /** Absent: this is what tells a Node.js response from a Fastify reply. */
  readonly raw?: undefined;
}

/**
 * A Fastify reply (`FastifyReply`), as `context.switchToHttp().getResponse()` returns it on the
 * Fastify adapter.
 *
 * @example
 * const target: FastifyHeaderTarget = reply;
 */
export interface FastifyHeaderTarget {
  /** The Node.js response underneath. */
  readonly raw: NodeHeaderTarget;
  removeHeader(name: string): unknown;
}

/**
 * Whatever Nest hands out as "the response" on the Express or the Fastify adapter; typed by
 * structure, so neither framework's types are needed to use the helpers.
 *
 * @example
 * const response = context.switchToHttp().getResponse<HeaderTarget>();
 */
export type HeaderTarget = NodeHeaderTarget | FastifyHeaderTarget;

/**
 * Runs helmet once, with `options`, against a response that records what helmet sets and
 * removes, and returns that as a frozen {@link HeaderPlan}. helmet's own validation still runs;
 * an error it throws becomes a {@link SecurityConfigurationError} on `optionPath`.
 *
 * `options` must not hold per-request (function) CSP values: they cannot be computed once, and
 * the compilation fails if helmet does not finish synchronously.
 *
 * @example
 * const plan = compileHeaderPlan({ contentSecurityPolicy: false, xFrameOptions: { action: 'deny' } });
 * plan.set.find(([name]) => name === 'x-frame-options'); // ['x-frame-options', 'DENY']
 */
export function compileHeaderPlan(
  options: Readonly<HelmetOptions>,
  optionPath = 'headers',
): HeaderPlan {
  if (hasPerRequestValue(options)) {
    throw new SecurityConfigurationError(
      `${optionPath}.contentSecurityPolicy.directives`,
      'holds a function, which helmet would call on every request',
      'use only static values (strings), so that every header is computed once at startup',
    );
  }
  const response = new RecordingResponse(new IncomingMessage(new Socket()));
  let outcome: { readonly error: unknown } | undefined;
  try {
    helmet(options)(response.req, response, (error?: unknown) => {
      outcome = { error };
    });
  } catch (error) {
    outcome = { error };
  }
  if (outcome === undefined) {
    throw new SecurityConfigurationError(
      optionPath,
      'makes helmet compute a header per request',
      'use only static values (strings), so that every header is computed once at startup',
    );
  }
  if (outcome.error !== undefined) {
    const message = outcome.error instanceof Error ? outcome.error.message : 'an unknown error';
    throw new SecurityConfigurationError(
      optionPath,
      `is refused by helmet: ${message}`,
      'correct the header options as helmet describes',
    );
  }
  const set: (readonly [string, string])[] = [];
  const remove: string[] = [];
  for (const [name, value] of response.changes) {
    if (value === undefined) remove.push(name);
    else set.push([name, value]);
  }
  return deepFreeze({ set, remove });
}

/**
 * Writes a plan on a response: removes its `remove` names, then sets its `set` pairs. Works on an
 * Express `Response`, a Node.js `ServerResponse` and a Fastify reply alike.
 *
 * On Fastify, values are set on the Node.js response (`reply.raw`), as `@fastify/helmet` does:
 * Fastify merges those into every response it sends (errors and 404s included) and into
 * responses written to `reply.raw` directly, while a value later set with `reply.header()` (for
 * example by `@Header()`) takes precedence. Removals clear both the reply and `reply.raw`.
 *
 * @example
 * applyHeaderPlan(context.switchToHttp().getResponse<HeaderTarget>(), plan);
 */
export function applyHeaderPlan(response: HeaderTarget, plan: HeaderPlan): void {
  const raw = nodeResponseOf(response);
  const { remove, names, values } = unfrozen(plan);
  for (let i = 0; i < remove.length; i++) {
    if (response !== raw) response.removeHeader(remove[i] as string);
    raw.removeHeader(remove[i] as string);
  }
  for (let i = 0; i < names.length; i++) raw.setHeader(names[i] as string, values[i] as string);
}

/** A plan's names and values in arrays of their own, which are not frozen (see {@link unfrozen}). */
interface UnfrozenPlan {
  readonly remove: string[];
  readonly names: string[];
  readonly values: string[];
}

const unfrozenPlans = new WeakMap<HeaderPlan, UnfrozenPlan>();

/**
 * The plan's pairs copied, once per plan, into arrays that are not frozen and never leave this
 * module. V8's optimised code reads a frozen array's elements (and walks it with `for...of`)
 * through generic calls, one per element: about 4k instructions per response for helmet's set.
 */
function unfrozen(plan: HeaderPlan): UnfrozenPlan {
  let copy = unfrozenPlans.get(plan);
  if (copy === undefined) {
    copy = {
      remove: [...plan.remove],
      names: plan.set.map(([name]) => name),
      values: plan.set.map(([, value]) => value),
    };
    unfrozenPlans.set(plan, copy);
  }
  return copy;
}

/**
 * Sets one header on an Express `Response`, a Node.js `ServerResponse` or a Fastify reply (on
 * Fastify, on `reply.raw`, with the precedence described at {@link applyHeaderPlan}).
 *
 * @example
 * setResponseHeader(response, 'cache-control', 'no-store');
 */
export function setResponseHeader(response: HeaderTarget, name: string, value: string): void {
  nodeResponseOf(response).setHeader(name, value);
}

/** Whether a CSP directive holds a per-request (function) value. */
function hasPerRequestValue(options: Readonly<HelmetOptions>): boolean {
  const csp = options.contentSecurityPolicy;
  if (typeof csp !== 'object' || csp.directives === undefined) return false;
  return Object.values(csp.directives).some(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      [...value].some((source) => typeof source === 'function'),
  );
}

/**
 * The Node.js response to write on. A `ServerResponse` (Express's, or the raw one a Fastify
 * middleware receives) is told apart without reading a property: on Express, every response has
 * a hidden class of its own (see `RequestSlot`), so reading `raw`, which it does not have, missed
 * V8's caches and walked its whole prototype chain on every request (about 1 us).
 */
function nodeResponseOf(response: HeaderTarget): NodeHeaderTarget {
  if (response instanceof ServerResponse) return response;
  return response.raw ?? response;
}

/** A real `ServerResponse` that records header changes instead of keeping them. */
class RecordingResponse extends ServerResponse {
  /** Last change per lower-cased name, in order: the value set, or `undefined` for a removal. */
  readonly changes = new Map<string, string | undefined>();

  override setHeader(name: string, value: number | string | readonly string[]): this {
    const text =
      typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
    this.record(name, text);
    return this;
  }

  override removeHeader(name: string): void {
    this.record(name, undefined);
  }

  private record(name: string, value: string | undefined): void {
    // What Node.js would refuse at every request is refused here, once.
    validateHeaderName(name);
    if (value !== undefined) validateHeaderValue(name, value);
    const key = name.toLowerCase();
    this.changes.delete(key);
    this.changes.set(key, value);
  }
}
