import { HttpStatus } from '@nestjs/common';
import { SecurityException } from '../../errors/security.exception';
import { uploadErrorCode } from './upload-error-code';

/**
 * Why an upload could not be scanned, for logs and the security event (never sent to the client):
 * - `unreachable`: the scanner refused or dropped the connection, or the socket failed;
 * - `timeout`: no connection within the connect timeout, or no verdict within the overall one;
 * - `protocol`: the scanner answered something that is not a verdict;
 * - `size-limit`: the upload is larger than the scanner accepts (its own or the client's limit);
 * - `scanner-error`: the scanner answered with an error of its own.
 *
 * @example
 * const reason: UploadScannerFailure = 'timeout';
 */
export type UploadScannerFailure =
  'unreachable' | 'timeout' | 'protocol' | 'size-limit' | 'scanner-error';

/**
 * 503 `SECURITY_SCANNER_UNAVAILABLE`: the malware scanner could not give a verdict (unreachable,
 * timed out, an unexpected answer, or the upload exceeds what it can scan), so the upload is
 * refused rather than accepted unscanned (fail closed). The message is the same whatever the
 * `reason`; the `cause` explains it to the logs and never contains the file's content or name.
 *
 * `Retry-After: 5` is sent unless the reason is `size-limit`, which a retry cannot cure.
 *
 * @example
 * throw new UploadScannerUnavailableException('timeout', { cause: new Error('no verdict within 60000 ms') });
 */
export class UploadScannerUnavailableException extends SecurityException {
  readonly code = uploadErrorCode('SECURITY_SCANNER_UNAVAILABLE');

  constructor(
    /** Why no verdict was given; for logs and the security event only. */
    readonly reason: UploadScannerFailure,
    options?: { cause?: unknown },
  ) {
    super(
      'The upload could not be scanned for malware; try again shortly.',
      HttpStatus.SERVICE_UNAVAILABLE,
      reason === 'size-limit' ? {} : { 'Retry-After': '5' },
    );
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
