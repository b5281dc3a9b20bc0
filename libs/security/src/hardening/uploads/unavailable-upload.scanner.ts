import type { Readable } from 'node:stream';
import { UploadScannerUnavailableException } from './upload-scanner-unavailable.exception';
import type { ScanVerdict, UploadScanInfo, UploadScanner } from './upload-scanner.interface';

/**
 * An {@link UploadScanner} that never gives a verdict: every `scan` rejects with
 * {@link UploadScannerUnavailableException} (503 `SECURITY_SCANNER_UNAVAILABLE`, reason
 * `unreachable`) without reading the stream. It is what `@InjectUploadScanner()` gets when no
 * scanner is configured, and what an app passes as `uploads.scanner` to start without a scanner
 * on purpose (a development machine without clamd) while still refusing every upload.
 *
 * @example
 * SecurityModule.forRoot({
 *   uploads: process.env.CLAMAV_SOCKET
 *     ? { clamav: { socketPath: process.env.CLAMAV_SOCKET } }
 *     : { scanner: new UnavailableUploadScanner('CLAMAV_SOCKET is not set') },
 * })
 */
export class UnavailableUploadScanner implements UploadScanner {
  constructor(
    /** Why there is no scanner, for the logs (the exception's `cause`); never sent to clients. */
    private readonly why = 'no upload scanner is configured (uploads.clamav or uploads.scanner)',
  ) {}

  /**
   * Rejects at once; `stream` is left unread.
   *
   * @throws UploadScannerUnavailableException always.
   */
  scan(_stream: Readable | AsyncIterable<Uint8Array>, _info: UploadScanInfo): Promise<ScanVerdict> {
    return Promise.reject(
      new UploadScannerUnavailableException('unreachable', { cause: new Error(this.why) }),
    );
  }
}
