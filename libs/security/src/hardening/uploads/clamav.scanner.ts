import { createConnection, type NetConnectOpts, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import {
  assertKnownKeys,
  describe,
  readNumber,
  readObject,
  readString,
} from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { ClamAvScannerOptions } from './clamav-scanner-options.interface';
import {
  END_OF_STREAM,
  INSTREAM_COMMAND,
  MAX_REPLY_BYTES,
  PING_COMMAND,
  chunkHeader,
  parseInstreamReply,
} from './clamd-protocol';
import {
  UploadScannerUnavailableException,
  type UploadScannerFailure,
} from './upload-scanner-unavailable.exception';
import type { ScanVerdict, UploadScanInfo, UploadScanner } from './upload-scanner.interface';

const OPTION_KEYS = [
  'socketPath',
  'host',
  'port',
  'connectTimeoutMs',
  'timeoutMs',
  'maxStreamBytes',
  'chunkBytes',
] as const;

/** clamd's own ceiling for `StreamMaxLength` (4 GB). */
const MAX_STREAM_BYTES = 4 * 1024 ** 3 - 1;

/**
 * An {@link UploadScanner} backed by ClamAV's daemon, clamd, over a unix socket or TCP. Each scan
 * opens one connection and streams the upload with `INSTREAM`: nothing is written to disk here,
 * and the upload is never held in memory (at most one chunk plus the socket's buffer), because
 * the next chunk is read only once the socket has drained.
 *
 * It fails closed. Connection refused or dropped, no connection within `connectTimeoutMs`, no
 * verdict within `timeoutMs`, a reply that is not one of clamd's, a clamd error, an upload larger
 * than `maxStreamBytes` or than clamd's `StreamMaxLength`: each rejects with
 * {@link UploadScannerUnavailableException}, whose `reason` says which. The socket is destroyed
 * whatever the outcome.
 *
 * @example
 * const scanner = new ClamAvScanner({ socketPath: '/run/clamav/clamd.ctl' });
 * const verdict = await scanner.scan(createReadStream(path), { fileName: 'report.pdf' });
 * if (!verdict.clean) throw new InfectedUploadException(verdict.signature);
 */
export class ClamAvScanner implements UploadScanner {
  private readonly endpoint: NetConnectOpts;
  private readonly connectTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly maxStreamBytes: number;
  private readonly chunkBytes: number;

  /**
   * Checks the options once; it does not connect (see {@link ping} for a readiness check).
   *
   * @param optionPath Where the options live, for error messages (`uploads.clamav` when they
   *   come from SecurityModule's options).
   * @throws SecurityConfigurationError naming the option (`clamav.timeoutMs`, ...) when one is
   *   unknown or malformed, or when neither or both of `socketPath` and `port` are given.
   * @example
   * new ClamAvScanner({ host: 'clamav', port: 3310, maxStreamBytes: 10 * 1024 * 1024 });
   */
  constructor(options: ClamAvScannerOptions, optionPath = 'clamav') {
    const raw = readObject(options, optionPath);
    assertKnownKeys(raw, OPTION_KEYS, optionPath);
    if ((raw.socketPath === undefined) === (raw.port === undefined)) {
      throw new SecurityConfigurationError(
        optionPath,
        'needs exactly one of "socketPath" and "port"',
        "set `socketPath` to clamd's LocalSocket, or `port` (and `host`) to its TCPSocket",
      );
    }
    if (raw.socketPath !== undefined) {
      if (raw.host !== undefined) {
        throw new SecurityConfigurationError(
          `${optionPath}.host`,
          'cannot be combined with "socketPath"',
          'remove `host`, or replace `socketPath` with `port`',
        );
      }
      this.endpoint = { path: readString(raw.socketPath, `${optionPath}.socketPath`) };
    } else {
      this.endpoint = {
        host: raw.host === undefined ? '127.0.0.1' : readString(raw.host, `${optionPath}.host`),
        port: readNumber(raw.port, `${optionPath}.port`, { integer: true, min: 1, max: 65_535 }),
      };
    }
    const ms = (key: string, fallback: number, max: number): number =>
      raw[key] === undefined
        ? fallback
        : readNumber(raw[key], `${optionPath}.${key}`, {
            integer: true,
            min: 1,
            max,
            unit: 'milliseconds',
          });
    const bytes = (key: string, fallback: number, max: number): number =>
      raw[key] === undefined
        ? fallback
        : readNumber(raw[key], `${optionPath}.${key}`, {
            integer: true,
            min: 1,
            max,
            unit: 'bytes',
          });
    this.connectTimeoutMs = ms('connectTimeoutMs', 2_000, 600_000);
    this.timeoutMs = ms('timeoutMs', 60_000, 3_600_000);
    this.maxStreamBytes = bytes('maxStreamBytes', 25 * 1024 * 1024, MAX_STREAM_BYTES);
    this.chunkBytes = bytes('chunkBytes', 64 * 1024, 16 * 1024 * 1024);
  }

  /**
   * Streams `stream` to clamd and returns its verdict; see {@link UploadScanner.scan}. When
   * `info.size` is larger than `maxStreamBytes` it rejects at once, without connecting.
   * `info.fileName` is not sent (INSTREAM has no place for it).
   *
   * @throws UploadScannerUnavailableException when clamd gives no verdict.
   * @throws TypeError when `stream` is not an async iterable of bytes or `info.size` is malformed.
   * @example
   * const verdict = await scanner.scan(file.stream, { size: file.size });
   */
  async scan(
    stream: Readable | AsyncIterable<Uint8Array>,
    info: UploadScanInfo = {},
  ): Promise<ScanVerdict> {
    const source = bytesOf(stream);
    const size = info.size as unknown;
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new TypeError(`info.size must be a whole number of bytes, got ${describe(size)}`);
      }
      if (size > this.maxStreamBytes) {
        throw new UploadScannerUnavailableException('size-limit', {
          cause: new Error(
            `clamd INSTREAM not attempted: ${size} bytes exceed maxStreamBytes (${this.maxStreamBytes})`,
          ),
        });
      }
    }
    const { line, complete } = await this.exchange(INSTREAM_COMMAND, source);
    const reply = parseInstreamReply(line);
    switch (reply.kind) {
      case 'infected':
        return { clean: false, signature: reply.signature };
      case 'clean':
        if (complete) return { clean: true };
        throw unavailable('protocol', 'clamd answered OK before the end of the stream');
      case 'size-limit':
        throw unavailable('size-limit', "the upload exceeds clamd's StreamMaxLength");
      case 'error':
        throw unavailable('scanner-error', `clamd answered: ${reply.message} ERROR`);
      case 'malformed':
        throw unavailable('protocol', `unexpected reply (${line.length} bytes)`);
    }
  }

  /**
   * Resolves when clamd answers `PING` with `PONG`, within the same timeouts as a scan: a
   * readiness check for a health endpoint or for bootstrap.
   *
   * @throws UploadScannerUnavailableException when it does not.
   * @example
   * await new ClamAvScanner({ socketPath: '/run/clamav/clamd.ctl' }).ping();
   */
  async ping(): Promise<void> {
    const { line } = await this.exchange(PING_COMMAND, undefined);
    if (line !== 'PONG')
      throw unavailable('protocol', `unexpected reply to PING (${line.length} bytes)`);
  }

  /**
   * Opens the connection to clamd. Override it to connect differently (a TLS tunnel, a socket
   * from a pool of one); the scanner destroys the socket it returns once the scan is over.
   *
   * @example
   * class TunnelledScanner extends ClamAvScanner {
   *   protected override createSocket(): Socket {
   *     return tls.connect({ host: 'clamav.internal', port: 3311, ca });
   *   }
   * }
   */
  protected createSocket(): Socket {
    return createConnection(this.endpoint);
  }

  /**
   * Sends `command`, then the chunks of `source` (if any) and the end-of-stream mark, and
   * resolves with the first NUL-terminated reply; `complete` says whether it came after the whole
   * stream was sent. Rejects with the unavailable exception, or with the error `source` raised.
   */
  private exchange(
    command: Buffer,
    source: AsyncIterable<unknown> | undefined,
  ): Promise<{ line: string; complete: boolean }> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let complete = source === undefined;
      const received: Buffer[] = [];
      let receivedBytes = 0;
      let onStop: (() => void) | undefined;
      /** A function, not the variable: other callbacks change it while the pump awaits. */
      const isOver = (): boolean => settled;
      const socket = this.createSocket();

      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        clearTimeout(overallTimer);
        socket.destroy();
        onStop?.();
        outcome();
      };
      const fail = (reason: UploadScannerFailure, why: string, cause?: unknown): void => {
        settle(() => {
          reject(unavailable(reason, why, cause));
        });
      };

      const connectTimer = setTimeout(() => {
        fail('timeout', `no connection within ${this.connectTimeoutMs} ms`);
      }, this.connectTimeoutMs);
      const overallTimer = setTimeout(() => {
        fail('timeout', `no verdict within ${this.timeoutMs} ms`);
      }, this.timeoutMs);

      socket.on('error', (error: NodeJS.ErrnoException) => {
        fail(error.code === 'ETIMEDOUT' ? 'timeout' : 'unreachable', 'socket error', error);
      });
      socket.on('close', () => {
        if (receivedBytes > 0) fail('protocol', `reply cut short after ${receivedBytes} bytes`);
        else fail('unreachable', 'clamd closed the connection without a reply');
      });
      socket.on('data', (data: Buffer) => {
        if (settled) return;
        const end = data.indexOf(0);
        const piece = end === -1 ? data : data.subarray(0, end);
        received.push(piece);
        receivedBytes += piece.length;
        if (receivedBytes >= MAX_REPLY_BYTES) {
          fail('protocol', `no end of reply within ${MAX_REPLY_BYTES} bytes`);
          return;
        }
        if (end === -1) return;
        const line = Buffer.concat(received).toString('latin1');
        settle(() => {
          resolve({ line, complete });
        });
      });

      /** Resolves once the socket has drained, or once the exchange is over. */
      const drained = (): Promise<void> =>
        new Promise((resume) => {
          const done = (): void => {
            socket.off('drain', done);
            onStop = undefined;
            resume();
          };
          onStop = done;
          socket.once('drain', done);
        });
      /** Writes and waits while the socket's buffer is full: the source is read no faster. */
      const send = async (...buffers: Uint8Array[]): Promise<void> => {
        for (const buffer of buffers) socket.write(buffer);
        if (socket.writableNeedDrain) await drained();
      };

      const pump = async (): Promise<void> => {
        await send(command);
        if (isOver()) return;
        if (source === undefined) return;
        let total = 0;
        for await (const chunk of source) {
          if (isOver()) return;
          if (!(chunk instanceof Uint8Array)) {
            throw new TypeError(
              `upload chunks must be bytes (Buffer or Uint8Array), got ${typeof chunk === 'string' ? 'a string' : describe(chunk)}`,
            );
          }
          for (let offset = 0; offset < chunk.length; offset += this.chunkBytes) {
            const piece = chunk.subarray(offset, offset + this.chunkBytes);
            total += piece.length;
            if (total > this.maxStreamBytes) {
              fail('size-limit', `the upload exceeds maxStreamBytes (${this.maxStreamBytes})`);
              return;
            }
            // A zero-length chunk would end the stream: empty pieces never reach this point.
            await send(chunkHeader(piece.length), piece);
            if (isOver()) return;
          }
        }
        if (isOver()) return;
        complete = true;
        await send(END_OF_STREAM);
      };

      socket.once('connect', () => {
        clearTimeout(connectTimer);
        pump().catch((error: unknown) => {
          // The source's own error (a client abort, bytes of the wrong type) is not the scanner's.
          settle(() => {
            reject(
              error instanceof Error
                ? error
                : new Error('the upload stream failed', { cause: error }),
            );
          });
        });
      });
    });
  }
}

/** The async iterable to read: a Readable is read without being destroyed when reading stops. */
function bytesOf(stream: unknown): AsyncIterable<unknown> {
  if (stream instanceof Readable) return stream.iterator({ destroyOnReturn: false });
  if (
    typeof stream === 'object' &&
    stream !== null &&
    typeof (stream as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  ) {
    return stream as AsyncIterable<unknown>;
  }
  throw new TypeError(
    `stream must be a Readable or an async iterable of bytes, got ${describe(stream)}`,
  );
}

function unavailable(
  reason: UploadScannerFailure,
  why: string,
  cause?: unknown,
): UploadScannerUnavailableException {
  return new UploadScannerUnavailableException(reason, {
    cause: new Error(`clamd scan failed: ${why}`, cause === undefined ? undefined : { cause }),
  });
}
