/** A call that did not settle in time (see {@link withTimeout}). */
export class CommandTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * Settles as `promise` does, or rejects with {@link CommandTimeoutError} after `timeoutMs`
 * milliseconds, whichever comes first; the timer is cleared as soon as `promise` settles, and a
 * rejection of `promise` after the timeout is handled (ignored). Shared by the Redis store and the
 * Redis throttle counter, which both fail closed and fast.
 *
 * One promise and one timer per call, on every Redis round trip: no `Promise.race()` (which adds a
 * second promise and reactions on both) and no `async` wrapper.
 *
 * @example
 * const reply = await withTimeout(client.ping(), 1_000);
 */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new CommandTimeoutError(timeoutMs));
    }, timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as it came, as Promise.race() would
        reject(error);
      },
    );
  });
}
