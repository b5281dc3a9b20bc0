import { describe } from '../core/option-readers';

/**
 * Argument checks and JSON encoding shared by the store implementations, so both refuse the same
 * input with the same error. Messages never echo a key's or value's content.
 */

export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string');
}

export function assertChannel(channel: unknown): asserts channel is string {
  if (typeof channel !== 'string' || channel === '') {
    throw new TypeError('channel must be a non-empty string');
  }
}

export function assertMember(member: unknown): asserts member is string {
  if (typeof member !== 'string') throw new TypeError('member must be a string');
}

export function assertTtlMs(ttlMs: unknown): asserts ttlMs is number {
  if (typeof ttlMs !== 'number') {
    throw new TypeError(`ttlMs must be a number of milliseconds, got ${describe(ttlMs)}`);
  }
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(
      `ttlMs must be a positive whole number of milliseconds, got ${describe(ttlMs)}`,
    );
  }
}

/** `JSON.stringify` typed honestly: it returns `undefined` for `undefined`, functions and symbols. */
const stringify = (value: unknown): string | undefined => JSON.stringify(value);

/** JSON text of `value`; refuses what JSON cannot hold, without echoing the value. */
export function toJson(value: unknown): string {
  let json: string | undefined;
  try {
    json = stringify(value);
  } catch (error) {
    throw new TypeError(`value cannot be stored as JSON (${errorName(error)})`, { cause: error });
  }
  if (json === undefined) throw new TypeError(`value cannot be stored as JSON (${typeof value})`);
  return json;
}

/** The name of an error, duck-typed: errors from Node's own modules may come from another realm. */
export function errorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  const { name } = error as { name?: unknown };
  return typeof name === 'string' ? name : 'Error';
}
