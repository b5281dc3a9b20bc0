/** A call that did not settle in time (see {@link withTimeout}). */
export class CommandTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'CommandTimeoutError';
  }
}

/**
 * Races `promise` against a timer of `timeoutMs` milliseconds, rejecting with
 * {@link CommandTimeoutError}; the timer is always cleared. Shared by the Redis store and the
 * Redis throttle counter, which both fail closed and fast.
 *
 * @example
 * const reply = await withTimeout(client.ping(), 1_000);
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new CommandTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
