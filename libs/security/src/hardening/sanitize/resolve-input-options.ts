import { assertKnownKeys, readChoice, readObject } from '../../core/option-readers';
import type { RepeatedQueryPolicy } from './input-options.interface';

/** `input` options after validation, every default filled in. */
export interface ResolvedInputOptions {
  readonly repeatedQueryParameters: RepeatedQueryPolicy;
}

const INPUT_KEYS = ['repeatedQueryParameters'] as const;
const REPEATED_QUERY_POLICIES: readonly RepeatedQueryPolicy[] = [
  'reject',
  'first',
  'last',
  'array',
];

/**
 * Validates the `input` options and fills their defaults; `undefined` means every default.
 * Throws a `SecurityConfigurationError` naming the option (with "did you mean" for typos).
 *
 * @example
 * resolveInputOptions({ repeatedQueryParameters: 'last' }); // { repeatedQueryParameters: 'last' }
 */
export function resolveInputOptions(raw: unknown): ResolvedInputOptions {
  const input = readObject(raw === undefined ? {} : raw, 'input');
  assertKnownKeys(input, INPUT_KEYS, 'input');
  return Object.freeze({
    repeatedQueryParameters:
      input.repeatedQueryParameters === undefined
        ? 'reject'
        : readChoice(
            input.repeatedQueryParameters,
            'input.repeatedQueryParameters',
            REPEATED_QUERY_POLICIES,
          ),
  });
}
