import type { Readable } from 'node:stream';

/**
 * What a scanner says about one upload: clean, or infected with the named `signature` (the
 * scanner's name for it, e.g. `Win.Test.EICAR_HDB-1`; for logs and the security event only).
 *
 * @example
 * const verdict: ScanVerdict = { clean: false, signature: 'Win.Test.EICAR_HDB-1' };
 */
export type ScanVerdict =
  { readonly clean: true } | { readonly clean: false; readonly signature: string };

/**
 * What is known about an upload besides its bytes; none of it is trusted.
 *
 * @example
 * const info: UploadScanInfo = { fileName: 'report.pdf', size: 48_213 };
 */
export interface UploadScanInfo {
  /** The client's file name, for the scanner's logs; it may be absent, forged or hostile. */
  readonly fileName?: string;
  /** The size in bytes, when known beforehand; a scanner may refuse a too-large upload early. */
  readonly size?: number;
}

/**
 * Scans an upload for malware. Implementations: {@link ClamAvScanner} (clamd's `INSTREAM`).
 *
 * A scanner fails closed: when it cannot give a verdict (unreachable, timed out, an unexpected
 * answer, the upload is larger than it accepts), `scan` rejects with
 * {@link UploadScannerUnavailableException}; it never answers `{ clean: true }` for bytes it did
 * not scan in full. An error raised by `stream` itself (the client aborted the upload) is
 * rethrown as it is. The caller owns `stream`: a scanner that stops early leaves it unread (it
 * neither drains nor destroys it).
 *
 * @example
 * constructor(@InjectUploadScanner() private readonly scanner: UploadScanner) {}
 *
 * async accept(file: Readable, fileName: string): Promise<void> {
 *   const verdict = await this.scanner.scan(file, { fileName });
 *   if (!verdict.clean) throw new InfectedUploadException(verdict.signature);
 * }
 */
export interface UploadScanner {
  /**
   * Reads `stream` to its end and says whether it is clean. Chunks must be bytes (`Buffer` or
   * `Uint8Array`): a `Readable` in string mode is refused with a `TypeError`.
   *
   * @throws UploadScannerUnavailableException when no verdict could be given.
   */
  scan(stream: Readable | AsyncIterable<Uint8Array>, info: UploadScanInfo): Promise<ScanVerdict>;
}

/**
 * Injection token of the {@link UploadScanner}; inject it with {@link InjectUploadScanner}.
 *
 * @example
 * { provide: UploadScanner, useFactory: () => new ClamAvScanner({ socketPath: '/run/clamav/clamd.ctl' }) }
 */
export const UploadScanner = Symbol('UploadScanner');
