import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { ClamAvScanner } from '@rampart/security/hardening/uploads/clamav.scanner';
import { UploadScannerUnavailableException } from '@rampart/security/hardening/uploads/upload-scanner-unavailable.exception';
import { startClamd, type ClamdHandle } from '../support/clamd';

/**
 * The EICAR anti-virus test file, assembled at run time from parts so that the repository
 * itself holds no file that scanners flag.
 */
function eicar(): Buffer {
  const parts = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS', '-TEST-FILE!$H+H*'];
  return Buffer.from(parts.join(''), 'latin1');
}

/** `total` random bytes in 64 KiB chunks, produced as they are read. */
function* randomUpload(total: number): Generator<Buffer> {
  for (let sent = 0; sent < total; sent += 65_536)
    yield randomBytes(Math.min(65_536, total - sent));
}

async function unavailable(promise: Promise<unknown>): Promise<UploadScannerUnavailableException> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UploadScannerUnavailableException);
  const exception = error as UploadScannerUnavailableException;
  expect(exception.code).toBe('SECURITY_SCANNER_UNAVAILABLE');
  expect(exception.getStatus()).toBe(503);
  return exception;
}

describe('ClamAvScanner against a real clamd', () => {
  let clamd: ClamdHandle;
  let scanner: ClamAvScanner;

  beforeAll(async () => {
    clamd = await startClamd();
    scanner = new ClamAvScanner({ socketPath: clamd.socketPath });
  });

  afterAll(async () => {
    await clamd.stop();
  });

  it('builds the genuine EICAR test file', () => {
    const file = eicar();
    expect(file.length).toBe(68);
    expect(createHash('md5').update(file).digest('hex')).toBe('44d88612fea8a8f36de82e1278abb02f');
  });

  it('answers PING', async () => {
    await expect(scanner.ping()).resolves.toBeUndefined();
  });

  it('finds EICAR, and names the signature', async () => {
    await expect(
      scanner.scan(Readable.from([eicar()]), { fileName: 'eicar.txt' }),
    ).resolves.toEqual({
      clean: false,
      signature: expect.stringMatching(/^Eicar-Test-Signature/) as unknown,
    });
  });

  it('finds EICAR sent in 7-byte chunks', async () => {
    const small = new ClamAvScanner({ socketPath: clamd.socketPath, chunkBytes: 7 });
    const verdict = await small.scan(Readable.from([eicar()]), {});
    expect(verdict.clean).toBe(false);
  });

  it('finds EICAR inside a gzip file', async () => {
    const verdict = await scanner.scan(Readable.from([gzipSync(eicar())]), {});
    expect(verdict.clean).toBe(false);
  });

  it('says a clean file is clean', async () => {
    await expect(
      scanner.scan(Readable.from([Buffer.from('Hello, clamd.\n')]), { fileName: 'hello.txt' }),
    ).resolves.toEqual({ clean: true });
  });

  it('says an empty file is clean', async () => {
    await expect(scanner.scan(Readable.from([]), { size: 0 })).resolves.toEqual({ clean: true });
  });

  it('streams a 5 MB clean file', async () => {
    const size = 5 * 1024 * 1024;
    await expect(scanner.scan(Readable.from(randomUpload(size)), { size })).resolves.toEqual({
      clean: true,
    });
  });

  it("refuses more than clamd's StreamMaxLength: unavailable, never clean", async () => {
    const lenient = new ClamAvScanner({
      socketPath: clamd.socketPath,
      maxStreamBytes: 64 * 1024 * 1024,
    });
    const exception = await unavailable(
      lenient.scan(Readable.from(randomUpload(clamd.streamMaxBytes + 1024 * 1024)), {}),
    );
    // clamd replies, then closes with the rest unread: the reply may be lost to the closed socket.
    expect(['size-limit', 'unreachable']).toContain(exception.reason);
    await expect(scanner.ping()).resolves.toBeUndefined();
  });

  it('refuses more than its own maxStreamBytes before clamd does (size-limit)', async () => {
    const strict = new ClamAvScanner({ socketPath: clamd.socketPath, maxStreamBytes: 1024 * 1024 });
    const exception = await unavailable(
      strict.scan(Readable.from(randomUpload(2 * 1024 * 1024)), {}),
    );
    expect(exception.reason).toBe('size-limit');
  });

  it('times out on a frozen clamd (fake clock)', async () => {
    let socket: Socket | undefined;
    class Watched extends ClamAvScanner {
      protected override createSocket(): Socket {
        socket = super.createSocket();
        return socket;
      }
    }
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'queueMicrotask',
        'hrtime',
        'performance',
        'Date',
      ],
    });
    clamd.pause();
    try {
      const scan = new Watched({ socketPath: clamd.socketPath, timeoutMs: 10_000 }).scan(
        Readable.from([Buffer.from('frozen')]),
        {},
      );
      // The kernel accepts the connection and the bytes; then nothing answers.
      const sent = 'zINSTREAM\0'.length + 4 + 'frozen'.length + 4;
      while ((socket?.bytesWritten ?? 0) < sent)
        await new Promise((resolve) => setImmediate(resolve));
      jest.advanceTimersByTime(10_000);
      const exception = await unavailable(scan);
      expect(exception.reason).toBe('timeout');
      expect(socket?.destroyed).toBe(true);
    } finally {
      jest.useRealTimers();
      clamd.resume();
    }
    await expect(scanner.ping()).resolves.toBeUndefined();
  });

  it('scans uploads concurrently', async () => {
    const verdicts = await Promise.all([
      scanner.scan(Readable.from([eicar()]), {}),
      scanner.scan(Readable.from([Buffer.from('clean')]), {}),
      scanner.scan(Readable.from(randomUpload(1024 * 1024)), {}),
      scanner.scan(Readable.from([eicar().subarray(0, 30), eicar().subarray(30)]), {}),
    ]);
    expect(verdicts.map((verdict) => verdict.clean)).toEqual([false, true, true, false]);
  });
});

describe('ClamAvScanner once clamd has stopped', () => {
  it('refuses to scan: 503 SECURITY_SCANNER_UNAVAILABLE, never clean', async () => {
    const clamd = await startClamd();
    const scanner = new ClamAvScanner({ socketPath: clamd.socketPath });
    await expect(scanner.ping()).resolves.toBeUndefined();
    await clamd.stop();

    const exception = await unavailable(scanner.scan(Readable.from([eicar()]), {}));
    expect(exception.reason).toBe('unreachable');
    expect(exception.headers).toEqual({ 'Retry-After': '5' });
    const clean = await unavailable(scanner.scan(Readable.from([Buffer.from('clean')]), {}));
    expect(clean.reason).toBe('unreachable');
    await unavailable(scanner.ping());
  });
});
