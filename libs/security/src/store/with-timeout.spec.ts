import { CommandTimeoutError, withTimeout } from './with-timeout';

/** The timers this process holds (Node.js reports each pending `setTimeout` as a `Timeout`). */
function pendingTimeouts(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('withTimeout', () => {
  it('resolves with the value, and clears its timer', async () => {
    const before = pendingTimeouts();
    const result = withTimeout(Promise.resolve('PONG'), 60_000);
    expect(pendingTimeouts()).toBe(before + 1);
    await expect(result).resolves.toBe('PONG');
    expect(pendingTimeouts()).toBe(before);
  });

  it('passes a rejection on as it came, and clears its timer', async () => {
    const before = pendingTimeouts();
    const failure = new Error('connection lost');
    await expect(withTimeout(Promise.reject(failure), 60_000)).rejects.toBe(failure);
    expect(pendingTimeouts()).toBe(before);
    const notAnError = { code: 'ODD' };
    await expect(withTimeout(Promise.reject(notAnError as unknown as Error), 60_000)).rejects.toBe(
      notAnError,
    );
  });

  it('rejects with CommandTimeoutError when the promise is late', async () => {
    const never = new Promise<string>(() => undefined);
    const error: unknown = await withTimeout(never, 20).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandTimeoutError);
    expect(error).toMatchObject({ name: 'CommandTimeoutError', message: 'no answer within 20 ms' });
  });

  it('keeps the timeout when the promise settles after it, and handles a late rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail: (error: Error) => void = () => undefined;
      const late = new Promise<string>((_, reject) => {
        fail = reject;
      });
      const result = withTimeout(late, 10);
      await expect(result).rejects.toBeInstanceOf(CommandTimeoutError);
      fail(new Error('too late'));
      await new Promise((resolve) => setImmediate(resolve));
      await expect(result).rejects.toBeInstanceOf(CommandTimeoutError);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
