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

/** A record field name: a non-empty string of at most 200 characters. */
export function assertFieldName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '' || name.length > 200) {
    throw new TypeError('a record field name must be a non-empty string of at most 200 characters');
  }
}

/** JSON text of every field of a record, checked before anything is written. */
export function recordToJson(fields: unknown, what = 'fields'): Map<string, string> {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new TypeError(`${what} must be an object of field names to JSON values`);
  }
  const encoded = new Map<string, string>();
  for (const [name, value] of Object.entries(fields)) {
    assertFieldName(name);
    encoded.set(name, toJson(value));
  }
  return encoded;
}

/** The checked, encoded form of a {@link RecordChanges}. */
export interface EncodedRecordChanges {
  readonly set: Map<string, string>;
  readonly remove: readonly string[];
  readonly ttlMs: number | undefined;
}

export function encodeRecordChanges(changes: unknown): EncodedRecordChanges {
  if (typeof changes !== 'object' || changes === null) {
    throw new TypeError('changes must be an object: { set?, remove?, ttlMs? }');
  }
  const { set, remove, ttlMs } = changes as { set?: unknown; remove?: unknown; ttlMs?: unknown };
  const encodedSet =
    set === undefined ? new Map<string, string>() : recordToJson(set, 'changes.set');
  if (remove !== undefined && !Array.isArray(remove)) {
    throw new TypeError('changes.remove must be an array of field names');
  }
  const removed = (remove ?? []) as unknown[];
  for (const name of removed) assertFieldName(name);
  if (ttlMs !== undefined) assertTtlMs(ttlMs);
  return { set: encodedSet, remove: removed as string[], ttlMs };
}
