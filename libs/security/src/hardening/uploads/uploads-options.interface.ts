import type { ClamAvScannerOptions } from './clamav-scanner-options.interface';
import type { SniffedContentType } from './sniff-content-type';
import type { UploadScanner } from './upload-scanner.interface';

/**
 * The caps of one upload route. Set them for every route in `uploads` (module options), and
 * override them per route (or per controller) with `@ScannedUpload({...})`. Every size is in
 * bytes. Each request holds at most `maxFiles × maxFileBytes + maxFields × maxFieldBytes` bytes
 * in memory, until the handler returns.
 *
 * @example
 * const caps: UploadLimitsOptions = { maxFiles: 3, maxFileBytes: 5 * 1024 * 1024, allowedTypes: ['application/pdf'] };
 */
export interface UploadLimitsOptions {
  /**
   * The most files one request may carry (1 to 1000); one more is refused with 400
   * `SECURITY_UPLOAD_TOO_MANY_FILES`.
   * @default 1
   */
  readonly maxFiles?: number;
  /**
   * The largest file, in bytes (1 to 1 GiB, and at most `clamav.maxStreamBytes` with ClamAV).
   * One byte more is refused with 413 `SECURITY_UPLOAD_TOO_LARGE` while it streams in: nothing
   * beyond the cap is read or kept.
   * @default 10_485_760 (10 MiB)
   */
  readonly maxFileBytes?: number;
  /**
   * The file types accepted, as sniffed from each file's first bytes (never the extension or the
   * client's `Content-Type`). Anything else, or an unrecognised type, is refused with 415
   * `SECURITY_UPLOAD_TYPE_NOT_ALLOWED`. A non-empty list of `SniffedContentType`s.
   * @default ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']
   */
  readonly allowedTypes?: readonly SniffedContentType[];
  /**
   * The most non-file fields one request may carry (0 to 1000); more are refused with 400
   * `SECURITY_BAD_REQUEST`.
   * @default 20
   */
  readonly maxFields?: number;
  /**
   * The largest non-file field value, in bytes (1 to 1 MiB); a longer one is refused with 413
   * `SECURITY_UPLOAD_TOO_LARGE`.
   * @default 8_192 (8 KiB)
   */
  readonly maxFieldBytes?: number;
}

/**
 * `uploads` in the SecurityModule options: which malware scanner checks uploads, and the default
 * caps of every `@ScannedUpload()` route. Give exactly one of `clamav` and `scanner`; without
 * either, a `@ScannedUpload()` route stops start-up (uploads are never accepted unscanned).
 *
 * @example
 * SecurityModule.forRoot({
 *   uploads: { clamav: { socketPath: '/run/clamav/clamd.ctl' }, maxFileBytes: 5 * 1024 * 1024 },
 * })
 */
export interface UploadsOptions extends UploadLimitsOptions {
  /**
   * Scan with ClamAV's daemon (clamd, `INSTREAM`) over its unix socket or TCP.
   * @default undefined (no scanner)
   */
  readonly clamav?: ClamAvScannerOptions;
  /**
   * Scan with your own {@link UploadScanner} (another engine, a cloud API). It must fail closed:
   * reject with `UploadScannerUnavailableException` when it cannot give a verdict.
   * @default undefined (no scanner)
   */
  readonly scanner?: UploadScanner;
}

/**
 * What `@ScannedUpload()` takes: the route's caps (see {@link UploadLimitsOptions}, whose
 * defaults come from the module's `uploads`) and the form field that carries the files.
 *
 * @example
 * @ScannedUpload({ field: 'avatar', allowedTypes: ['image/png', 'image/jpeg'], maxFileBytes: 1024 * 1024 })
 */
export interface ScannedUploadOptions extends UploadLimitsOptions {
  /**
   * The name of the multipart field that carries the files; a file in any other field is
   * refused with 400 `SECURITY_BAD_REQUEST`.
   * @default 'file'
   */
  readonly field?: string;
}
