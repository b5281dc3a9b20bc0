import { assertKnownKeys, deepFreeze, readNumber, readObject } from '../../core/option-readers';

/**
 * The `bodyLimit` options after validation: every cap in bytes, deeply frozen.
 *
 * @example
 * const { maxBytes, multipartMaxBytes } = resolveBodyLimitOptions(undefined);
 */
export interface ResolvedBodyLimitOptions {
  /** Non-multipart bodies (JSON, urlencoded, text, anything else), in bytes. */
  readonly maxBytes: number;
  /** `multipart/form-data` bodies, in bytes. */
  readonly multipartMaxBytes: number;
}

/**
 * Default cap of non-multipart bodies: 100 KiB, in bytes (Express's body-parser default).
 *
 * @example
 * resolveBodyLimitOptions({ maxBytes: 2 * DEFAULT_BODY_MAX_BYTES });
 */
export const DEFAULT_BODY_MAX_BYTES = 102_400;

/**
 * Default cap of `multipart/form-data` bodies: 10 MiB, in bytes.
 *
 * @example
 * resolveBodyLimitOptions({ multipartMaxBytes: 2 * DEFAULT_MULTIPART_MAX_BYTES });
 */
export const DEFAULT_MULTIPART_MAX_BYTES = 10_485_760;

/**
 * The largest cap Rampart accepts, anywhere: 1 GiB, in bytes.
 *
 * @example
 * BodyLimit(MAX_BODY_LIMIT_BYTES);
 */
export const MAX_BODY_LIMIT_BYTES = 1_073_741_824;

const KEYS = ['maxBytes', 'multipartMaxBytes'] as const;

/**
 * A body cap in bytes: a whole number from 1 to {@link MAX_BODY_LIMIT_BYTES}. Throws a
 * `SecurityConfigurationError` naming `path` otherwise (`-0`, `NaN`, `Infinity`, `"123"`, `1.5`).
 *
 * @example
 * readBodyLimitBytes(1_048_576, '@BodyLimit()'); // 1048576
 */
export function readBodyLimitBytes(value: unknown, path: string): number {
  return readNumber(value, path, {
    integer: true,
    min: 1,
    max: MAX_BODY_LIMIT_BYTES,
    unit: 'bytes',
  });
}

/**
 * Validates the `bodyLimit` section of the SecurityModule options and fills in the defaults
 * (100 KiB, and 10 MiB for multipart). Throws a `SecurityConfigurationError` that names the option
 * and the fix: an unknown key (with "did you mean"), a cap that is not a whole number of bytes
 * from 1 to 1 GiB.
 *
 * @example
 * resolveBodyLimitOptions({ maxBytes: 1_048_576 }); // { maxBytes: 1048576, multipartMaxBytes: 10485760 }
 */
export function resolveBodyLimitOptions(raw: unknown): ResolvedBodyLimitOptions {
  const options = raw === undefined ? {} : readObject(raw, 'bodyLimit');
  assertKnownKeys(options, KEYS, 'bodyLimit');
  return deepFreeze({
    maxBytes:
      options.maxBytes === undefined
        ? DEFAULT_BODY_MAX_BYTES
        : readBodyLimitBytes(options.maxBytes, 'bodyLimit.maxBytes'),
    multipartMaxBytes:
      options.multipartMaxBytes === undefined
        ? DEFAULT_MULTIPART_MAX_BYTES
        : readBodyLimitBytes(options.multipartMaxBytes, 'bodyLimit.multipartMaxBytes'),
  });
}
