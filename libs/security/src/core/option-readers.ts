import { SecurityConfigurationError } from '../errors/security-configuration.error';

/**
 * Run-time readers for option objects: JavaScript callers skip the types, so every option is
 * checked here, once, at bootstrap. Each reader names the option path in its error.
 */

export type PlainObject = Record<string, unknown>;

/** Describes a value for an error message without echoing it (it may be a secret). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (Object.is(value, -0)) return '-0';
    return Number.isFinite(value) ? `the number ${value}` : String(value);
  }
  return typeof value === 'string' ? 'a string' : typeof value;
}

export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The object at `path`, or `{}` when it is undefined and `optional`. */
export function readObject(value: unknown, path: string): PlainObject {
  if (!isPlainObject(value)) {
    throw new SecurityConfigurationError(
      path,
      `must be a plain object, got ${describe(value)}`,
      `pass an object literal for "${path}"`,
    );
  }
  return value;
}

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      const substitution = previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1);
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, substitution);
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest known key to `key`, if it is close enough to be a typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  if (lower.length >= 3) {
    const prefixed = known.filter((candidate) => candidate.toLowerCase().startsWith(lower));
    if (prefixed.length === 1) return prefixed[0];
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(key, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))) return best;
  // Else a part of the name: 'open' for 'fail-open'.
  if (lower.length < 3) return undefined;
  const containing = known.filter((candidate) => candidate.toLowerCase().includes(lower));
  return containing.length === 1 ? containing[0] : undefined;
}

/**
 * Fails on the first key of `object` that is not in `known`, suggesting the nearest known key, or
 * the one `aliases` maps it to: the name another library uses for the same option (`ttl` for
 * `windowMs`).
 */
export function assertKnownKeys(
  object: PlainObject,
  known: readonly string[],
  path: string,
  aliases: Readonly<Record<string, string>> = {},
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    const option = path === '' ? key : `${path}.${key}`;
    const nearest = Object.hasOwn(aliases, key) ? aliases[key] : suggest(key, known);
    throw new SecurityConfigurationError(
      option,
      'is not a known option',
      nearest === undefined
        ? `remove it; the known options${path === '' ? '' : ` of "${path}"`} are ${known.map((k) => `\`${k}\``).join(', ')}`
        : `did you mean \`${nearest}\`?`,
    );
  }
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
  /** Unit named in messages, e.g. "seconds". */
  readonly unit?: string;
}

/** A finite number within the rule (`-0`, `NaN`, `Infinity` and numeric strings are refused). */
export function readNumber(value: unknown, path: string, rule: NumberRule): number {
  const unit = rule.unit === undefined ? '' : ` ${rule.unit}`;
  if (typeof value !== 'number' || !Number.isFinite(value) || Object.is(value, -0)) {
    throw new SecurityConfigurationError(
      path,
      `must be a finite number${unit}, got ${describe(value)}`,
      `set "${path}" to a number${unit}`,
    );
  }
  if (rule.integer === true && !Number.isInteger(value)) {
    throw new SecurityConfigurationError(
      path,
      `must be a whole number${unit}, got ${describe(value)}`,
      `round "${path}" to a whole number${unit}`,
    );
  }
  if (rule.min !== undefined && value < rule.min) {
    throw new SecurityConfigurationError(
      path,
      `must be at least ${rule.min}${unit}, got ${describe(value)}`,
      `raise "${path}" to ${rule.min}${unit} or more`,
    );
  }
  if (rule.max !== undefined && value > rule.max) {
    throw new SecurityConfigurationError(
      path,
      `must be at most ${rule.max}${unit}, got ${describe(value)}`,
      `lower "${path}" to ${rule.max}${unit} or less`,
    );
  }
  return value;
}

/** A non-empty string without surrounding whitespace. */
export function readString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.trim() !== value) {
    throw new SecurityConfigurationError(
      path,
      `must be a non-empty string without surrounding spaces, got ${describe(value)}`,
      `set "${path}" to a non-empty string`,
    );
  }
  return value;
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') {
    throw new SecurityConfigurationError(
      path,
      `must be true or false, got ${describe(value)}`,
      `set "${path}" to true or false`,
    );
  }
  return value;
}

/** One of `choices`. */
export function readChoice<T extends string>(
  value: unknown,
  path: string,
  choices: readonly T[],
): T {
  if (typeof value === 'string' && (choices as readonly string[]).includes(value))
    return value as T;
  const nearest = typeof value === 'string' ? suggest(value, choices) : undefined;
  throw new SecurityConfigurationError(
    path,
    `must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${typeof value === 'string' ? `'${value}'` : describe(value)}`,
    nearest === undefined
      ? `use one of ${choices.map((c) => `'${c}'`).join(', ')}`
      : `did you mean '${nearest}'?`,
  );
}

/** A non-empty array whose items each pass `readItem`. */
export function readArray<T>(
  value: unknown,
  path: string,
  readItem: (item: unknown, itemPath: string) => T,
): T[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SecurityConfigurationError(
      path,
      `must be a non-empty array, got ${describe(value)}`,
      `pass an array with at least one entry for "${path}"`,
    );
  }
  return value.map((item, index) => readItem(item, `${path}[${index}]`));
}

/** Deep-freezes plain objects and arrays (resolved options are immutable). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    if (Array.isArray(value) || isPlainObject(value)) {
      Object.freeze(value);
      for (const child of Object.values(value)) deepFreeze(child);
    }
  }
  return value;
}
