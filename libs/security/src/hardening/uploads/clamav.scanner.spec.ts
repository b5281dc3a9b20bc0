import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { ClamAvScannerOptions } from './clamav-scanner-options.interface';
import { ClamAvScanner } from './clamav.scanner';
import {
  UploadScannerUnavailableException,
  type UploadScannerFailure,
} from './upload-scanner-unavailable.exception';

/** Reads what the scanner sends, incrementally: the command, the chunk lengths, the end mark. */
class InstreamReader {
  command = '';
  readonly chunkLengths: number[] = [];
  ended = false;
  bytes = 0;
  private readonly data: Buffer[] = [];
  private pending = Buffer.alloc(0);
  private left = 0;

  constructor(private readonly keep: boolean) {}

  get body(): Buffer {
    return Buffer.concat(this.data);
  }

  push(received: Buffer): void {
    this.pending = Buffer.concat([this.pending, received]);
    while (!this.ended) {
      if (!this.command.endsWith('\0')) {
        const nul = this.pending.indexOf(0);
        const end = nul === -1 ? this.pending.length : nul + 1;
        this.command += this.pending.subarray(0, end).toString('latin1');
        this.pending = this.pending.subarray(end);
        if (nul === -1) return;
      } else if (this.left > 0) {
        const take = Math.min(this.left, this.pending.length);
        if (take === 0) return;
        if (this.keep) this.data.push(Buffer.from(this.pending.subarray(0, take)));
        this.bytes += take;
        this.left -= take;
        this.pending = this.pending.subarray(take);
      } else {
        if (this.pending.length < 4) return;
        const length = this.pending.readUInt32BE(0);
        this.pending = this.pending.subarray(4);
        if (length === 0) this.ended = true;
        else {
          this.chunkLengths.push(length);
          this.left = length;
        }
      }
    }
  }
}

interface FakeConnection {
  readonly socket: Socket;
  readonly reader: InstreamReader;
}

/** What the fake clamd does after each piece it receives. */
type Behaviour = (connection: FakeConnection) => void;

/** A clamd stand-in on 127.0.0.1 (or a unix socket) that runs `behaviour` on every read. */
class FakeClamd {
  private constructor(
    private readonly server: Server,
    readonly options: { port: number } | { socketPath: string },
    readonly connections: FakeConnection[],
  ) {}

  static async start(
    behaviour: Behaviour,
    settings: { socketPath?: string; keep?: boolean; paused?: boolean } = {},
  ): Promise<FakeClamd> {
    const connections: FakeConnection[] = [];
    const server = createServer({ pauseOnConnect: settings.paused === true }, (socket) => {
      socket.setNoDelay(true);
      const connection = { socket, reader: new InstreamReader(settings.keep ?? true) };
      connections.push(connection);
      socket.on('error', () => undefined);
      socket.on('data', (data: Buffer) => {
        connection.reader.push(data);
        if (!socket.destroyed) behaviour(connection);
      });
    });
    await new Promise<void>((resolve) => {
      if (settings.socketPath === undefined) server.listen(0, '127.0.0.1', resolve);
      else server.listen(settings.socketPath, resolve);
    });
    const fake = new FakeClamd(
      server,
      settings.socketPath === undefined
        ? { port: (server.address() as AddressInfo).port }
        : { socketPath: settings.socketPath },
      connections,
    );
    running.push(fake);
    return fake;
  }

  async close(): Promise<void> {
    for (const { socket } of this.connections) socket.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Replies once the whole stream has arrived. */
const replyAtEnd =
  (...pieces: string[]): Behaviour =>
  ({ socket, reader }) => {
    if (!reader.ended) return;
    for (const piece of pieces) socket.write(piece, 'latin1');
  };

const running: FakeClamd[] = [];
const sockets: Socket[] = [];

/** Records every socket it opens, so each test can check that all were destroyed. */
class TrackedScanner extends ClamAvScanner {
  protected override createSocket(): Socket {
    const socket = super.createSocket();
    sockets.push(socket);
    return socket;
  }
}

function scannerFor(fake: FakeClamd, options: Partial<ClamAvScannerOptions> = {}): ClamAvScanner {
  return new TrackedScanner({ ...fake.options, ...options } as ClamAvScannerOptions);
}

async function* chunksOf(...chunks: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) {
    await Promise.resolve(); // as a network upload would, each chunk arrives later
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}

/** An endless upload of 64 KiB chunks. */
async function* endless(): AsyncGenerator<Buffer> {
  for (;;) {
    yield Buffer.alloc(65_536, 0x61);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Resolves once `condition` holds, checking after each turn of the event loop. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
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

async function expectFailure(
  promise: Promise<unknown>,
  reason: UploadScannerFailure,
): Promise<UploadScannerUnavailableException> {
  const exception = await unavailable(promise);
  expect(exception.reason).toBe(reason);
  return exception;
}

afterEach(async () => {
  jest.useRealTimers();
  expect(sockets.filter((socket) => !socket.destroyed)).toEqual([]);
  sockets.length = 0;
  await Promise.all(running.splice(0).map((fake) => fake.close()));
});

describe('ClamAvScanner: INSTREAM framing', () => {
  it('sends zINSTREAM\\0, big-endian length-prefixed chunks and a zero-length end', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const verdict = await scannerFor(fake, { chunkBytes: 4 }).scan(chunksOf('hello world'), {});
    expect(verdict).toEqual({ clean: true });
    const { reader } = fake.connections[0]!;
    expect(reader.command).toBe('zINSTREAM\0');
    expect(reader.chunkLengths).toEqual([4, 4, 3]);
    expect(reader.body.toString()).toBe('hello world');
    expect(reader.ended).toBe(true);
  });

  it('splits large chunks at chunkBytes (64 KiB by default)', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const upload = Buffer.alloc(200 * 1024, 0x62);
    await scannerFor(fake).scan(chunksOf(upload), {});
    const { reader } = fake.connections[0]!;
    expect(reader.chunkLengths).toEqual([65_536, 65_536, 65_536, 8_192]);
    expect(reader.body.equals(upload)).toBe(true);
  });

  it('skips empty chunks: a zero length would end the stream early', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    await scannerFor(fake).scan(chunksOf('', 'ab', new Uint8Array(0), 'cd', ''), {});
    const { reader } = fake.connections[0]!;
    expect(reader.chunkLengths).toEqual([2, 2]);
    expect(reader.body.toString()).toBe('abcd');
  });

  it('sends an empty upload as the end mark alone', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    await expect(scannerFor(fake).scan(chunksOf(), {})).resolves.toEqual({ clean: true });
    expect(fake.connections[0]!.reader.chunkLengths).toEqual([]);
    expect(fake.connections[0]!.reader.ended).toBe(true);
  });

  it('reads a Readable and plain Uint8Array chunks', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const stream = Readable.from([Buffer.from('ab'), new Uint8Array([0x63, 0x64])]);
    await expect(scannerFor(fake).scan(stream, {})).resolves.toEqual({ clean: true });
    expect(fake.connections[0]!.reader.body.toString()).toBe('abcd');
  });

  it('works over a unix socket', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-fake-clamd-'));
    try {
      const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'), {
        socketPath: join(dir, 'clamd.sock'),
      });
      await expect(scannerFor(fake).scan(chunksOf('x'), {})).resolves.toEqual({ clean: true });
    } finally {
      await Promise.all(running.splice(0).map((fake) => fake.close()));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('ClamAvScanner: verdicts', () => {
  it('stream: OK is clean', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    await expect(scannerFor(fake).scan(chunksOf('x'), {})).resolves.toEqual({ clean: true });
  });

  it('stream: <sig> FOUND is infected, with the signature', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: Win.Test.EICAR_HDB-1 FOUND\0'));
    await expect(scannerFor(fake).scan(chunksOf('x'), {})).resolves.toEqual({
      clean: false,
      signature: 'Win.Test.EICAR_HDB-1',
    });
  });

  it('reads a reply split over several packets', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (!reader.ended) return;
      const pieces = ['str', 'eam: Some', '.Sig-1 FO', 'UND', '\0'];
      const next = (): void => {
        const piece = pieces.shift();
        if (piece === undefined || socket.destroyed) return;
        socket.write(piece);
        setTimeout(next, 5);
      };
      next();
    });
    let reads = 0;
    class CountingScanner extends TrackedScanner {
      protected override createSocket(): Socket {
        const socket = super.createSocket();
        socket.on('data', () => reads++);
        return socket;
      }
    }
    const scanner = new CountingScanner(fake.options);
    await expect(scanner.scan(chunksOf('x'), {})).resolves.toEqual({
      clean: false,
      signature: 'Some.Sig-1',
    });
    expect(reads).toBeGreaterThan(1);
  });

  it('takes the first reply and ignores what follows it', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: Evil FOUND\0stream: OK\0'));
    await expect(scannerFor(fake).scan(chunksOf('x'), {})).resolves.toEqual({
      clean: false,
      signature: 'Evil',
    });
  });

  it('refuses an OK that comes before the end of the stream (protocol)', async () => {
    let replied = false;
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (replied || !reader.command.endsWith('\0')) return;
      replied = true;
      socket.write('stream: OK\0');
    });
    let release = (): void => undefined;
    async function* slow(): AsyncGenerator<Buffer> {
      yield Buffer.from('first');
      await new Promise<void>((resolve) => (release = resolve));
      yield Buffer.from('second');
    }
    await expectFailure(scannerFor(fake).scan(slow(), {}), 'protocol');
    release();
    expect(fake.connections[0]!.reader.ended).toBe(false);
  });

  it('honours a FOUND that comes before the end of the stream (still not clean)', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.chunkLengths.length === 1) socket.write('stream: Early FOUND\0');
    });
    await expect(scannerFor(fake).scan(endless(), {})).resolves.toEqual({
      clean: false,
      signature: 'Early',
    });
  });
});

describe('ClamAvScanner: fails closed', () => {
  it.each<[string, string, UploadScannerFailure]>([
    ['a garbage reply', 'HELLO\0', 'protocol'],
    ['PONG to INSTREAM', 'PONG\0', 'protocol'],
    ['a signature with a space', 'stream: two words FOUND\0', 'protocol'],
    ['an empty signature', 'stream:  FOUND\0', 'protocol'],
    ['a lower-case ok', 'stream: ok\0', 'protocol'],
    ["clamd's size limit", 'INSTREAM size limit exceeded. ERROR\0', 'size-limit'],
    ['another clamd error', "stream: Can't allocate memory ERROR\0", 'scanner-error'],
    ['an unknown command error', 'UNKNOWN COMMAND\0', 'protocol'],
  ])('%s -> %s', async (_name, reply, reason) => {
    const fake = await FakeClamd.start(replyAtEnd(reply));
    await expectFailure(scannerFor(fake).scan(chunksOf('x'), {}), reason);
  });

  it('a reply cut short by the end of the connection (protocol)', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.ended) socket.end('stream: OK');
    });
    await expectFailure(scannerFor(fake).scan(chunksOf('x'), {}), 'protocol');
  });

  it('a reply longer than 1 KiB, even with a NUL after it (protocol)', async () => {
    const fake = await FakeClamd.start(replyAtEnd(`stream: ${'A'.repeat(2_000)} FOUND\0`));
    await expectFailure(scannerFor(fake).scan(chunksOf('x'), {}), 'protocol');
  });

  it('a reply that never ends (protocol, after 1 KiB)', async () => {
    const fake = await FakeClamd.start(replyAtEnd('A'.repeat(4_096)));
    await expectFailure(scannerFor(fake).scan(chunksOf('x'), {}), 'protocol');
  });

  it('a server that closes without a reply (unreachable)', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.ended) socket.end();
    });
    await expectFailure(scannerFor(fake).scan(chunksOf('x'), {}), 'unreachable');
  });

  it('a server that drops the connection in the middle of the upload (unreachable)', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.chunkLengths.length >= 2) socket.destroy();
    });
    await expectFailure(scannerFor(fake).scan(endless(), {}), 'unreachable');
  });

  it("clamd's size-limit error in the middle of the upload (size-limit), source left intact", async () => {
    let replied = false;
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (replied || reader.chunkLengths.length === 0) return;
      replied = true;
      socket.write('INSTREAM size limit exceeded. ERROR\0');
    });
    const stream = Readable.from(endless());
    await expectFailure(scannerFor(fake).scan(stream, {}), 'size-limit');
    expect(stream.destroyed).toBe(false);
    stream.destroy();
  });

  it("clamd's size-limit error then a reset: whichever the scanner sees first, it fails", async () => {
    // clamd closes with the rest of the upload unread, so the kernel may reset the connection
    // and drop the reply: the reason is then `unreachable`, the outcome the same.
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.chunkLengths.length === 0) return;
      socket.write('INSTREAM size limit exceeded. ERROR\0');
      socket.resetAndDestroy();
    });
    const exception = await unavailable(scannerFor(fake).scan(endless(), {}));
    expect(['size-limit', 'unreachable']).toContain(exception.reason);
  });

  it('a refused TCP connection (unreachable)', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const { port } = fake.options as { port: number };
    await fake.close();
    running.length = 0;
    const exception = await expectFailure(
      new TrackedScanner({ port }).scan(chunksOf('x'), {}),
      'unreachable',
    );
    expect(((exception.cause as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });

  it('a unix socket that does not exist (unreachable)', async () => {
    const socketPath = join(tmpdir(), `rampart-no-clamd-${process.pid}.sock`);
    await expectFailure(new TrackedScanner({ socketPath }).scan(chunksOf('x'), {}), 'unreachable');
  });

  it('never puts the upload or its name in the error', async () => {
    const secret = 'SECRET-CONTENT-1234';
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.ended) socket.write(`${reader.body.toString()}\0`);
    });
    const exception = await expectFailure(
      scannerFor(fake).scan(chunksOf(secret), { fileName: 'secret-name.txt' }),
      'protocol',
    );
    const text = `${exception.message} ${String(exception.cause)} ${JSON.stringify(exception.toBody())}`;
    expect(text).not.toContain(secret);
    expect(text).not.toContain('secret-name');
  });
});

describe('ClamAvScanner: timeouts (fake clock)', () => {
  const fakeTimeouts = (): void => {
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'queueMicrotask',
        'hrtime',
        'performance',
        'Date',
        'setInterval',
        'clearInterval',
      ],
    });
  };

  it('no verdict within timeoutMs (timeout)', async () => {
    const fake = await FakeClamd.start(() => undefined);
    fakeTimeouts();
    const scan = scannerFor(fake, { timeoutMs: 5_000 }).scan(chunksOf('x'), {});
    await until(() => fake.connections[0]?.reader.ended === true);
    jest.advanceTimersByTime(4_999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets[0]!.destroyed).toBe(false);
    jest.advanceTimersByTime(1);
    const exception = await expectFailure(scan, 'timeout');
    expect((exception.cause as Error).message).toContain('no verdict within 5000 ms');
  });

  it('an upload that stalls counts against timeoutMs (timeout)', async () => {
    const fake = await FakeClamd.start(() => undefined);
    fakeTimeouts();
    async function* stalled(): AsyncGenerator<Buffer> {
      yield Buffer.from('first');
      await new Promise(() => undefined);
    }
    const scan = scannerFor(fake, { timeoutMs: 1_000 }).scan(stalled(), {});
    await until(() => fake.connections[0]?.reader.chunkLengths.length === 1);
    jest.advanceTimersByTime(1_000);
    await expectFailure(scan, 'timeout');
  });

  it('no connection within connectTimeoutMs (timeout)', async () => {
    fakeTimeouts();
    let pending: Socket | undefined;
    class NeverConnects extends ClamAvScanner {
      protected override createSocket(): Socket {
        pending = new Socket();
        sockets.push(pending);
        return pending;
      }
    }
    const scan = new NeverConnects({ port: 3310, connectTimeoutMs: 250 }).scan(chunksOf('x'), {});
    jest.advanceTimersByTime(250);
    const exception = await expectFailure(scan, 'timeout');
    expect((exception.cause as Error).message).toContain('no connection within 250 ms');
    expect(pending!.destroyed).toBe(true);
  });
});

describe('ClamAvScanner: size limits', () => {
  it('sends an upload of exactly maxStreamBytes', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const scanner = scannerFor(fake, { maxStreamBytes: 10 });
    await expect(scanner.scan(chunksOf('01234', '56789'), {})).resolves.toEqual({ clean: true });
  });

  it('stops at maxStreamBytes + 1 without ending the stream (size-limit)', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const scanner = scannerFor(fake, { maxStreamBytes: 10 });
    await expectFailure(scanner.scan(chunksOf('01234', '56789', 'x'), {}), 'size-limit');
    await until(
      () => fake.connections[0]!.socket.destroyed || fake.connections[0]!.reader.bytes >= 10,
    );
    expect(fake.connections[0]!.reader.ended).toBe(false);
  });

  it('refuses a declared size above maxStreamBytes without connecting (size-limit)', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const exception = await expectFailure(
      scannerFor(fake, { maxStreamBytes: 10 }).scan(chunksOf('x'), { size: 11 }),
      'size-limit',
    );
    expect(exception.headers).toEqual({});
    expect(fake.connections).toEqual([]);
    expect(sockets).toEqual([]);
  });

  it('defaults maxStreamBytes to 25 MiB', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    await expectFailure(
      scannerFor(fake).scan(chunksOf('x'), { size: 25 * 1024 * 1024 + 1 }),
      'size-limit',
    );
    await expect(scannerFor(fake).scan(chunksOf('x'), { size: 25 * 1024 * 1024 })).resolves.toEqual(
      { clean: true },
    );
  });

  it.each([-1, 1.5, NaN, Infinity, '10', null])(
    'refuses info.size %p with a TypeError',
    async (size) => {
      const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
      await expect(scannerFor(fake).scan(chunksOf('x'), { size: size as number })).rejects.toThrow(
        TypeError,
      );
    },
  );
});

describe('ClamAvScanner: backpressure', () => {
  it('reads the next chunk only once the socket has drained', async () => {
    const total = 200;
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'), { keep: false, paused: true });
    let socket: Socket | undefined;
    class Watched extends ClamAvScanner {
      protected override createSocket(): Socket {
        socket = super.createSocket();
        sockets.push(socket);
        return socket;
      }
    }
    let pulled = 0;
    let pulledWhileFull = 0;
    let pulledBeforeResume: number | undefined;
    async function* upload(): AsyncGenerator<Buffer> {
      for (let i = 0; i < total; i++) {
        await Promise.resolve();
        if (socket?.writableNeedDrain === true) pulledWhileFull++;
        pulled++;
        yield Buffer.alloc(65_536, i);
      }
    }
    // The fake clamd reads nothing until the scanner's socket is full, then everything.
    const watcher = setInterval(() => {
      if (socket?.writableNeedDrain !== true) return;
      pulledBeforeResume ??= pulled;
      for (const connection of fake.connections) connection.socket.resume();
    }, 5);
    try {
      const scanner = new Watched({
        ...(fake.options as { port: number }),
        maxStreamBytes: 64 * 1024 * 1024,
      });
      await expect(scanner.scan(upload(), {})).resolves.toEqual({ clean: true });
    } finally {
      clearInterval(watcher);
    }
    expect(pulled).toBe(total);
    expect(pulledWhileFull).toBe(0);
    expect(pulledBeforeResume).toBeDefined();
    expect(pulledBeforeResume!).toBeLessThan(total / 2);
    expect(fake.connections[0]!.reader.bytes).toBe(total * 65_536);
  });
});

describe('ClamAvScanner: the source', () => {
  it("rethrows the source's own error (a client abort), not a 503", async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    const abort = new Error('client aborted');
    async function* aborted(): AsyncGenerator<Uint8Array> {
      yield* chunksOf('part');
      throw abort;
    }
    await expect(scannerFor(fake).scan(aborted(), {})).rejects.toBe(abort);
  });

  it('refuses string chunks with a TypeError', async () => {
    const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
    await expect(scannerFor(fake).scan(Readable.from(['text']), {})).rejects.toThrow(
      /chunks must be bytes.*got a string/,
    );
  });

  it.each<unknown>([undefined, null, 'text', Buffer.from('x'), {}])(
    'refuses a stream that is %p with a TypeError, without connecting',
    async (stream) => {
      const fake = await FakeClamd.start(replyAtEnd('stream: OK\0'));
      await expect(scannerFor(fake).scan(stream as Readable, {})).rejects.toThrow(TypeError);
      expect(fake.connections).toEqual([]);
    },
  );
});

describe('ClamAvScanner.ping', () => {
  it('resolves on PONG', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.command === 'zPING\0') socket.write('PONG\0');
    });
    await expect(scannerFor(fake).ping()).resolves.toBeUndefined();
  });

  it('refuses another answer (protocol)', async () => {
    const fake = await FakeClamd.start(({ socket, reader }) => {
      if (reader.command.endsWith('\0')) socket.write('PANG\0');
    });
    await expectFailure(scannerFor(fake).ping(), 'protocol');
  });

  it('fails when nothing listens (unreachable)', async () => {
    const socketPath = join(tmpdir(), `rampart-no-clamd-${process.pid}.sock`);
    await expectFailure(new TrackedScanner({ socketPath }).ping(), 'unreachable');
  });
});

describe('ClamAvScanner options', () => {
  it.each<[string, unknown]>([
    ['a unix socket', { socketPath: '/run/clamav/clamd.ctl' }],
    ['a TCP port', { port: 3310 }],
    ['a TCP host and port', { host: 'clamav', port: 3310 }],
    [
      'every limit',
      {
        socketPath: '/s',
        connectTimeoutMs: 1,
        timeoutMs: 3_600_000,
        maxStreamBytes: 4 * 1024 ** 3 - 1,
        chunkBytes: 16 * 1024 * 1024,
      },
    ],
  ])('accepts %s', (_name, options) => {
    expect(() => new ClamAvScanner(options as ClamAvScannerOptions)).not.toThrow();
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no options', undefined, 'clamav', /plain object/],
    ['null', null, 'clamav', /plain object/],
    ['neither socket', {}, 'clamav', /exactly one of "socketPath" and "port"/],
    ['both sockets', { socketPath: '/s', port: 3310 }, 'clamav', /exactly one/],
    [
      'a host with a unix socket',
      { socketPath: '/s', host: 'h' },
      'clamav.host',
      /cannot be combined/,
    ],
    [
      'a typo',
      { socketPath: '/s', timeoutMS: 5 },
      'clamav.timeoutMS',
      /did you mean `timeoutMs`\?/,
    ],
    ['an unknown key', { socketPath: '/s', tls: true }, 'clamav.tls', /not a known option/],
    ['an empty socket path', { socketPath: '' }, 'clamav.socketPath', /non-empty string/],
    ['a socket path number', { socketPath: 1 }, 'clamav.socketPath', /non-empty string/],
    ['an empty host', { host: '', port: 3310 }, 'clamav.host', /non-empty string/],
    ['port 0', { port: 0 }, 'clamav.port', /at least 1/],
    ['port 65536', { port: 65_536 }, 'clamav.port', /at most 65535/],
    ['a port string', { port: '3310' }, 'clamav.port', /finite number/],
    ['a chunk of 0 bytes', { port: 1, chunkBytes: 0 }, 'clamav.chunkBytes', /at least 1 bytes/],
    [
      'a chunk of 17 MiB',
      { port: 1, chunkBytes: 17 * 1024 * 1024 },
      'clamav.chunkBytes',
      /at most/,
    ],
    [
      'maxStreamBytes of 4 GiB',
      { port: 1, maxStreamBytes: 4 * 1024 ** 3 },
      'clamav.maxStreamBytes',
      /at most/,
    ],
  ])('refuses %s', (_name, options, option, message) => {
    let error: unknown;
    try {
      new ClamAvScanner(options as ClamAvScannerOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecurityConfigurationError);
    expect((error as SecurityConfigurationError).option).toBe(option);
    expect((error as SecurityConfigurationError).message).toMatch(message);
  });

  it.each<[string, unknown]>([
    ['-0', -0],
    ['0', 0],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a fraction', 1.5],
    ['a numeric string', '123'],
    ['null', null],
    ['an array', []],
    ['too long', 3_600_001],
  ])('refuses timeoutMs %s', (_name, timeoutMs) => {
    expect(
      () => new ClamAvScanner({ socketPath: '/s', timeoutMs } as unknown as ClamAvScannerOptions),
    ).toThrow(/clamav\.timeoutMs/);
  });

  it.each<[string, unknown]>([
    ['-0', -0],
    ['0', 0],
    ['NaN', NaN],
    ['a numeric string', '1000'],
    ['null', null],
    ['too long', 600_001],
  ])('refuses connectTimeoutMs %s', (_name, connectTimeoutMs) => {
    expect(
      () =>
        new ClamAvScanner({
          socketPath: '/s',
          connectTimeoutMs,
        } as unknown as ClamAvScannerOptions),
    ).toThrow(/clamav\.connectTimeoutMs/);
  });
});
