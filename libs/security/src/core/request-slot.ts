import { IncomingMessage } from 'node:http';

/**
 * A value kept for one request (or response) object for the rest of its life: the session that
 * authenticated it, what the throttler counted it against, the token its bearer proved. The value
 * goes with the object (it is never kept longer), and no string-named property is added to it.
 *
 * Where the value lives depends on the object:
 * - a Fastify request (`FastifyRequest`, which holds the Node.js request as `raw`): a property
 *   under a private symbol, as Node.js and Fastify keep their own state. Fastify builds every
 *   request of a route from one class and never swaps its prototype, so the new property costs
 *   about 0.05 us; a `WeakMap` entry costs about 0.7 us, and more in the garbage collector;
 * - anything else, above all Express's requests and responses: a `WeakMap` entry (weakly held).
 *   Express swaps the prototype of every request and response (`Object.setPrototypeOf(req,
 *   app.request)`), after which V8 gives each of them a hidden class of its own, and every
 *   property added later builds another one: about 5 us per new property here, against about
 *   1.4 us for a `WeakMap` entry. Plain and frozen objects go there too.
 *
 * Measured with a micro-benchmark of fresh `IncomingMessage`s, with and without the prototype
 * swap, and of Fastify requests.
 *
 * A value should not refer back to its object (a response to its request): such a `WeakMap`
 * entry lives until a full garbage collection.
 *
 * @example
 * const counted = new RequestSlot<RateLimitEntry[]>();
 * counted.set(request, entries);
 * counted.get(request); // entries
 */
export class RequestSlot<T> {
  private readonly values = new WeakMap<object, T>();
  /** The property that holds this slot's value on a Fastify request. */
  private readonly key = Symbol('rampart.request-slot');

  /** The value set on `target` by this slot, or `undefined`. */
  get(target: object): T | undefined {
    if (isFastifyRequest(target)) return (target as Record<symbol, T | undefined>)[this.key];
    return this.values.get(target);
  }

  /** Sets this slot's value for `target`, replacing an earlier one. */
  set(target: object, value: T): void {
    if (isFastifyRequest(target)) (target as Record<symbol, T>)[this.key] = value;
    else this.values.set(target, value);
  }

  /** Whether this slot holds a value for `target`. */
  has(target: object): boolean {
    if (isFastifyRequest(target)) return this.key in target;
    return this.values.has(target);
  }
}

/**
 * Whether `target` is a Fastify request: not a Node.js request itself (an Express request is
 * one; this check reads none of its properties), but an object holding one as `raw`.
 */
function isFastifyRequest(target: object): boolean {
  return (
    !(target instanceof IncomingMessage) &&
    (target as { readonly raw?: unknown }).raw instanceof IncomingMessage
  );
}
