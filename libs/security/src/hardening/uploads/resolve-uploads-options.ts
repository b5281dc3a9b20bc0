import {
  assertKnownKeys,
  describe,
  readNumber,
  readObject,
  readString,
  suggest,
  type PlainObject,
} from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { ClamAvScanner } from './clamav.scanner';
import { SNIFFED_CONTENT_TYPES, type SniffedContentType } from './sniff-content-type';
import type { UploadScanner } from './upload-scanner.interface';

/**
 * The caps of one `@ScannedUpload()` route, every default filled in (sizes in bytes).
 *
 * @example
 * const limits: ResolvedUploadLimits = resolveRouteUploadLimits({ maxFiles: 2 }, uploads, 'FilesController.create');
 */
export interface ResolvedUploadLimits {
  readonly field: string;
  readonly maxFiles: number;
  readonly maxFileBytes: number;
  readonly allowedTypes: readonly SniffedContentType[];
  readonly maxFields: number;
  readonly maxFieldBytes: number;
}

/**
 * `uploads` after validation.
 *
 * @example
 * const { scanner, limits } = resolveUploadsOptions({ clamav: { socketPath: '/run/clamav/clamd.ctl' } });
 */
export interface ResolvedUploadsOptions {
  /** The configured scanner; `undefined` when neither `clamav` nor `scanner` is given. */
  readonly scanner: UploadScanner | undefined;
  /**
   * The largest upload the scanner takes, in bytes (`clamav.maxStreamBytes`); `undefined` for a
   * custom scanner, whose limit is not known.
   */
  readonly scannerMaxBytes: number | undefined;
  /** The default caps of every route (`field` is `'file'`). */
  readonly limits: ResolvedUploadLimits;
}

/**
 * The default caps: one file of at most 10 MiB, of a type that browsers cannot run (images, PDF,
 * plain text), and at most 20 short text fields.
 *
 * @example
 * resolveRouteUploadLimits({ maxFiles: DEFAULT_UPLOAD_LIMITS.maxFiles + 1 }, uploads, where);
 */
export const DEFAULT_UPLOAD_LIMITS: ResolvedUploadLimits = Object.freeze({
  field: 'file',
  maxFiles: 1,
  maxFileBytes: 10 * 1024 * 1024,
  allowedTypes: Object.freeze([
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'application/pdf',
    'text/plain',
  ] as const),
  maxFields: 20,
  maxFieldBytes: 8 * 1024,
});

const LIMIT_KEYS = ['maxFiles', 'maxFileBytes', 'allowedTypes', 'maxFields', 'maxFieldBytes'];
const UPLOADS_KEYS = ['clamav', 'scanner', ...LIMIT_KEYS] as const;
const ROUTE_KEYS = ['field', ...LIMIT_KEYS] as const;
const MAX_FILE_BYTES = 1024 ** 3;
/** clamd's own default `StreamMaxLength`, which is also {@link ClamAvScanner}'s default. */
const CLAMAV_DEFAULT_MAX_STREAM_BYTES = 25 * 1024 * 1024;

/**
 * Checks `uploads` and fills in the defaults; builds the {@link ClamAvScanner} when `clamav` is
 * given (it does not connect).
 *
 * @throws SecurityConfigurationError naming the option (`uploads.maxFileBytes`,
 *   `uploads.clamav.port`, ...) when one is unknown or malformed, when both `clamav` and
 *   `scanner` are given, or when `maxFileBytes` exceeds what ClamAV is told to take.
 * @example
 * const uploads = resolveUploadsOptions({ clamav: { host: 'clamav', port: 3310 }, maxFiles: 3 });
 */
export function resolveUploadsOptions(raw: unknown): ResolvedUploadsOptions {
  const options = raw === undefined ? {} : readObject(raw, 'uploads');
  assertKnownKeys(options, UPLOADS_KEYS, 'uploads');
  if (options.clamav !== undefined && options.scanner !== undefined) {
    throw new SecurityConfigurationError(
      'uploads.scanner',
      'cannot be combined with "uploads.clamav"',
      'give one scanner: `clamav` for ClamAV, or `scanner` for your own UploadScanner',
    );
  }
  let scanner: UploadScanner | undefined;
  let scannerMaxBytes: number | undefined;
  if (options.clamav !== undefined) {
    scanner = clamAvScanner(options.clamav);
    const clamav = options.clamav as { maxStreamBytes?: number };
    scannerMaxBytes = clamav.maxStreamBytes ?? CLAMAV_DEFAULT_MAX_STREAM_BYTES;
  } else if (options.scanner !== undefined) {
    scanner = readScanner(options.scanner);
  }
  const limits = readLimits(options, DEFAULT_UPLOAD_LIMITS, 'uploads');
  assertScannable(limits.maxFileBytes, scannerMaxBytes, 'uploads.maxFileBytes');
  return { scanner, scannerMaxBytes, limits };
}

/**
 * The caps of a route: its `@ScannedUpload()` options over the module's `uploads` defaults.
 * `where` names the route in errors (`FilesController.create`).
 *
 * @throws SecurityConfigurationError naming the decorator and the route when an option is
 *   unknown or malformed.
 * @example
 * const limits = resolveRouteUploadLimits({ field: 'avatar' }, resolved.uploads, 'ProfileController.avatar');
 */
export function resolveRouteUploadLimits(
  raw: unknown,
  uploads: ResolvedUploadsOptions,
  where: string,
): ResolvedUploadLimits {
  const path = `@ScannedUpload() on ${where}:`;
  const options = raw === undefined ? {} : readObject(raw, path);
  assertKnownKeys(options, ROUTE_KEYS, path);
  const limits = readLimits(options, uploads.limits, path);
  const field =
    options.field === undefined ? limits.field : readFieldName(options.field, `${path}.field`);
  assertScannable(limits.maxFileBytes, uploads.scannerMaxBytes, `${path}.maxFileBytes`);
  return { ...limits, field };
}

function readLimits(
  options: PlainObject,
  defaults: ResolvedUploadLimits,
  path: string,
): ResolvedUploadLimits {
  const whole = (key: string, fallback: number, min: number, max: number, unit?: string): number =>
    options[key] === undefined
      ? fallback
      : readNumber(options[key], `${path}.${key}`, {
          integer: true,
          min,
          max,
          ...(unit === undefined ? {} : { unit }),
        });
  return {
    field: defaults.field,
    maxFiles: whole('maxFiles', defaults.maxFiles, 1, 1_000),
    maxFileBytes: whole('maxFileBytes', defaults.maxFileBytes, 1, MAX_FILE_BYTES, 'bytes'),
    allowedTypes:
      options.allowedTypes === undefined
        ? defaults.allowedTypes
        : readAllowedTypes(options.allowedTypes, `${path}.allowedTypes`),
    maxFields: whole('maxFields', defaults.maxFields, 0, 1_000),
    maxFieldBytes: whole('maxFieldBytes', defaults.maxFieldBytes, 1, 1024 * 1024, 'bytes'),
  };
}

function readAllowedTypes(value: unknown, path: string): readonly SniffedContentType[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SecurityConfigurationError(
      path,
      `must be a non-empty array of content types, got ${describe(value)}`,
      `list the types to accept, e.g. ['image/png', 'image/jpeg']`,
    );
  }
  const known: readonly string[] = SNIFFED_CONTENT_TYPES;
  return (value as unknown[]).map((type, index) => {
    if (typeof type === 'string' && known.includes(type)) return type as SniffedContentType;
    const nearest = typeof type === 'string' ? suggest(type, known) : undefined;
    throw new SecurityConfigurationError(
      `${path}[${index}]`,
      `is ${typeof type === 'string' ? `'${type}'` : describe(type)}, not a type Rampart recognises from a file's content`,
      nearest === undefined
        ? `use one of ${known.map((name) => `'${name}'`).join(', ')}`
        : `did you mean '${nearest}'?`,
    );
  });
}

/** A form field name: printable ASCII, at most 100 bytes (busboy's cap on names). */
function readFieldName(value: unknown, path: string): string {
  const name = readString(value, path);
  if (!/^[\x21-\x7e]{1,100}$/.test(name)) {
    throw new SecurityConfigurationError(
      path,
      'must be 1 to 100 printable ASCII characters without spaces',
      'use a plain field name such as "file" or "avatar"',
    );
  }
  return name;
}

function clamAvScanner(options: unknown): ClamAvScanner {
  return new ClamAvScanner(
    options as ConstructorParameters<typeof ClamAvScanner>[0],
    'uploads.clamav',
  );
}

function readScanner(value: unknown): UploadScanner {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<UploadScanner>).scan !== 'function'
  ) {
    throw new SecurityConfigurationError(
      'uploads.scanner',
      `must be an UploadScanner (an object with a scan() method), got ${describe(value)}`,
      'pass an instance of your scanner class, or use `uploads.clamav` for ClamAV',
    );
  }
  return value as UploadScanner;
}

function assertScannable(maxFileBytes: number, scannerMaxBytes: number | undefined, path: string) {
  if (scannerMaxBytes === undefined || maxFileBytes <= scannerMaxBytes) return;
  throw new SecurityConfigurationError(
    path,
    `is ${maxFileBytes} bytes, more than ClamAV is allowed to scan (uploads.clamav.maxStreamBytes: ${scannerMaxBytes} bytes), so such files could never be accepted`,
    `lower it to ${scannerMaxBytes} bytes or less, or raise uploads.clamav.maxStreamBytes (and clamd's StreamMaxLength)`,
  );
}
