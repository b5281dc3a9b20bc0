import { describe } from '../core/option-readers';
import {
  MAX_THROTTLE_DURATION_MS,
  MAX_THROTTLE_LIMIT,
  THROTTLE_ALGORITHMS,
  type ThrottleAlgorithm,
  type ThrottleRule,
} from './throttle-rule.interface';

/**
 * Argument checks shared by the counter implementations, so both refuse the same input with the
 * same error. Messages never echo a key.
 */

/** A {@link ThrottleRule} after validation, with `blockMs` filled in. */
export interface CheckedThrottleRule {
  readonly algorithm: ThrottleAlgorithm;
  readonly limit: number;
  readonly windowMs: number;
  readonly blockMs: number;
}

export function assertThrottleKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError('key must be a non-empty string');
}

/** The rule, checked field by field (JavaScript callers skip the types). */
export function checkThrottleRule(rule: unknown): CheckedThrottleRule {
  if (typeof rule !== 'object' || rule === null) {
    throw new TypeError(`rule must be an object, got ${describe(rule)}`);
  }
  const { algorithm, limit, windowMs, blockMs } = rule as Partial<
    Record<keyof ThrottleRule, unknown>
  >;
  if (!THROTTLE_ALGORITHMS.includes(algorithm as ThrottleAlgorithm)) {
    throw new TypeError(
      `rule.algorithm must be one of ${THROTTLE_ALGORITHMS.map((name) => `'${name}'`).join(', ')}`,
    );
  }
  return {
    algorithm: algorithm as ThrottleAlgorithm,
    limit: wholeNumber(limit, 'rule.limit', 1, MAX_THROTTLE_LIMIT, 'hits'),
    windowMs: wholeNumber(windowMs, 'rule.windowMs', 1, MAX_THROTTLE_DURATION_MS, 'milliseconds'),
    blockMs:
      blockMs === undefined
        ? 0
        : wholeNumber(blockMs, 'rule.blockMs', 0, MAX_THROTTLE_DURATION_MS, 'milliseconds'),
  };
}

function wholeNumber(value: unknown, name: string, min: number, max: number, unit: string): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${name} must be a number of ${unit}, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || Object.is(value, -0) || value < min || value > max) {
    throw new RangeError(
      `${name} must be a whole number of ${unit} from ${min} to ${max}, got ${describe(value)}`,
    );
  }
  return value;
}
