/**
 * A value kept on one request (or response) object for the rest of its life: the session that
 * authenticated it, what the throttler counted it against, the token its bearer proved.
 *
 * It is stored under a `Symbol` only this slot holds, as Node.js and Fastify keep their own state
 * on requests, rather than in a `WeakMap`: a `WeakMap` entry per request is an ephemeron that
 * every garbage collection must trace, and it costs about ten times as much to add (and keeps old
 * space busier when the value refers back to the request). Client input cannot name a symbol, and
 * `JSON.stringify` and `Object.keys` skip it.
 *
 * @example
 * const counted = new RequestSlot<RateLimitEntry[]>('throttling.counted');
 * counted.set(request, entries);
 * counted.get(request); // entries
 */
export class RequestSlot<T> {
  private readonly key: symbol;

  /** `description` names the slot in a debugger (`Symbol(rampart.<description>)`). */
  constructor(description: string) {
    this.key = Symbol(`rampart.${description}`);
  }

  /** The value set on `target` by this slot, or `undefined`. */
  get(target: object): T | undefined {
    return (target as Partial<Record<symbol, T>>)[this.key];
  }

  /** Sets this slot's value on `target`, replacing an earlier one. */
  set(target: object, value: T): void {
    (target as Record<symbol, T>)[this.key] = value;
  }

  /** Whether this slot holds a value on `target`. */
  has(target: object): boolean {
    return (target as Partial<Record<symbol, T>>)[this.key] !== undefined;
  }
}
