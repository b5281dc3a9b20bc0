/**
 * The limits and timeouts of a {@link ClamAvScanner}, whichever socket it uses.
 *
 * @example
 * const limits: ClamAvScannerLimits = { timeoutMs: 30_000, maxStreamBytes: 10 * 1024 * 1024 };
 */
export interface ClamAvScannerLimits {
  /**
   * How long to wait for the connection to clamd, in milliseconds.
   * @default 2_000
   */
  readonly connectTimeoutMs?: number;
  /**
   * How long one scan may take in all, in milliseconds: connecting, reading the upload (which
   * may arrive slowly from the client), sending it, and clamd's verdict.
   * @default 60_000
   */
  readonly timeoutMs?: number;
  /**
   * The largest upload sent to clamd, in bytes. A larger one is not scanned: `scan` rejects with
   * `UploadScannerUnavailableException` (reason `size-limit`) as soon as it is known to be
   * larger. Keep it at or below clamd's `StreamMaxLength` (clamd refuses more, with the same
   * outcome but after the bytes were sent), and keep the app's upload size cap below it.
   * @default 26_214_400 (25 MiB, clamd's default `StreamMaxLength`)
   */
  readonly maxStreamBytes?: number;
  /**
   * The largest `INSTREAM` chunk, in bytes; larger pieces of the upload are split.
   * @default 65_536
   */
  readonly chunkBytes?: number;
}

/**
 * clamd listening on a unix socket (its `LocalSocket`).
 *
 * @example
 * const options: ClamAvUnixSocketOptions = { socketPath: '/run/clamav/clamd.ctl' };
 */
export interface ClamAvUnixSocketOptions extends ClamAvScannerLimits {
  /** Path of clamd's unix socket, e.g. `/run/clamav/clamd.ctl`. */
  readonly socketPath: string;
  readonly host?: never;
  readonly port?: never;
}

/**
 * clamd listening on TCP (its `TCPSocket` and `TCPAddr`).
 *
 * @example
 * const options: ClamAvTcpOptions = { host: 'clamav', port: 3310 };
 */
export interface ClamAvTcpOptions extends ClamAvScannerLimits {
  /**
   * clamd's host name or IP address. The stream is sent in clear text: use a trusted network.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /** clamd's TCP port, usually 3310. */
  readonly port: number;
  readonly socketPath?: never;
}

/**
 * Options of {@link ClamAvScanner}: where clamd listens (`socketPath`, or `port` and `host`), and
 * the limits. Every duration is in milliseconds, every size in bytes.
 *
 * @example
 * const options: ClamAvScannerOptions = { socketPath: '/run/clamav/clamd.ctl', timeoutMs: 30_000 };
 */
export type ClamAvScannerOptions = ClamAvUnixSocketOptions | ClamAvTcpOptions;
