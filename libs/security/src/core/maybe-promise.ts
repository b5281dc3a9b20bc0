/**
 * A value, or a promise of it: what a step returns when it answers synchronously whenever nothing
 * in it has to wait (a cached token, an in-memory lookup), so that its caller does not pay for a
 * promise and a turn of the microtask queue on every request.
 *
 * @example
 * function lookup(id: string): MaybePromise<User> {
 *   return cache.get(id) ?? store.load(id);
 * }
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Whether `value` is a promise (any thenable), which the caller must then wait for.
 *
 * @example
 * const result = step();
 * if (isPromiseLike(result)) return result.then(finish);
 * return finish(result);
 */
export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
