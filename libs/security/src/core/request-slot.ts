/**
 * A value kept for one request (or response) object for the rest of its life: the session that
 * authenticated it, what the throttler counted it against, the token its bearer proved. Nothing is
 * added to the object itself, and the value goes with it (weakly held).
 *
 * Why not a property under a private symbol, as Node.js and Fastify keep their own state: Express
 * swaps the prototype of every request and response (`Object.setPrototypeOf(req, app.request)`),
 * after which V8 gives each of them a hidden class of its own, and every property added later
 * builds another one: about 5 us per new property here, against about 1.4 us for a `WeakMap`
 * entry (0.7 us on Fastify's requests, where a new property costs 0.05 us). Measured with a
 * micro-benchmark of fresh `IncomingMessage`s, with and without the prototype swap.
 *
 * A value should not refer back to its object (a response to its request): such an entry lives
 * until a full garbage collection.
 *
 * @example
 * const counted = new RequestSlot<RateLimitEntry[]>();
 * counted.set(request, entries);
 * counted.get(request); // entries
 */
export class RequestSlot<T> {
  private readonly values = new WeakMap<object, T>();

  /** The value set on `target` by this slot, or `undefined`. */
  get(target: object): T | undefined {
    return this.values.get(target);
  }

  /** Sets this slot's value for `target`, replacing an earlier one. */
  set(target: object, value: T): void {
    this.values.set(target, value);
  }

  /** Whether this slot holds a value for `target`. */
  has(target: object): boolean {
    return this.values.has(target);
  }
}
