import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSocket } from './probe-socket';

/** A Redis reachable by the tests, and how to let go of it. */
export interface TestRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** Stops the server this helper started; a no-op for a server given by `REDIS_URL`. */
  stop(): Promise<void>;
}

/** A throwaway `redis-server` child process. */
export interface RedisServerHandle extends TestRedis {
  readonly port: number;
  /** Freezes the server (SIGSTOP): connections stay open but nothing answers. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT). */
  resume(): void;
}

const NOT_FOUND =
  'redis-server not found on PATH: install it with `apt-get install -y redis-server` or set REDIS_URL';

const STARTUP_TIMEOUT_MS = 10_000;

/**
 * Starts a throwaway `redis-server` on 127.0.0.1 (a free port unless `port` is given), with no
 * persistence and its own temporary directory, and resolves once it answers PING. It never touches
 * the shared Redis on port 6379.
 *
 * @example
 * const redis = await startRedisServer();
 * const store = await RedisSecurityStore.connect({ url: redis.url });
 * await redis.stop();
 */
export async function startRedisServer(
  options: { port?: number } = {},
): Promise<RedisServerHandle> {
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = await freePort(options.port);
    try {
      return await startOn(port);
    } catch (error) {
      // Another process may have taken the port between freePort() and the spawn: try another.
      if (options.port !== undefined || (error instanceof Error && error.message === NOT_FOUND)) {
        throw error;
      }
      lastError = error;
    }
  }
  throw lastError;
}

/** Where globalSetup keeps the server it started, for globalTeardown. */
export interface GlobalTestRedis {
  rampartTestRedis?: TestRedis;
}

/**
 * The Redis the tests should use: `REDIS_URL` when set (stopping it is a no-op), otherwise a
 * throwaway server from {@link startRedisServer}. Tests isolate themselves with a unique key
 * prefix; they never flush a database.
 *
 * @example
 * const redis = await redisUrlForTests();
 * afterAll(() => redis.stop());
 */
export async function redisUrlForTests(): Promise<TestRedis> {
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== '') return { url, stop: () => Promise.resolve() };
  return startRedisServer();
}

async function startOn(port: number): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const running = (): boolean =>
    child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  // Redis logs to stdout; keep the tail to explain a failed start (e.g. port already in use).
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async (): Promise<void> => {
    if (running()) {
      child.kill('SIGCONT'); // a paused server acts on SIGTERM only once resumed
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      waitForPong(port, running),
      new Promise<never>((_, reject) => {
        child.once('error', (error: NodeJS.ErrnoException) => {
          reject(error.code === 'ENOENT' ? new Error(NOT_FOUND) : error);
        });
        void exited.then(() => {
          reject(
            new Error(`redis-server exited before answering on port ${port}: ${output.trim()}`),
          );
        });
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    pause: () => {
      signal(child, 'SIGSTOP');
    },
    resume: () => {
      signal(child, 'SIGCONT');
    },
  };
}

/** Signals a running server; a server that already exited is left alone. */
function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (!child.kill(name)) throw new Error(`could not send ${name} to redis-server`);
}

/**
 * Binds `port` (0: any) on 127.0.0.1 and releases it: the port was free a moment ago. Checking an
 * explicit port first keeps a PING answered by some other server from passing for ours.
 */
function freePort(port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} on 127.0.0.1 is already in use; cannot start redis-server there`,
            )
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

/**
 * Polls PING over a raw socket until `+PONG`, for at most STARTUP_TIMEOUT_MS. Once the process
 * stopped running it stops polling and never settles: the exit or spawn error explains why.
 */
async function waitForPong(port: number, running: () => boolean): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!running()) return new Promise<never>(() => undefined);
    if (await pingOnce(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `redis-server did not answer PING on port ${port} within ${STARTUP_TIMEOUT_MS} ms`,
  );
}

function pingOnce(port: number): Promise<boolean> {
  return probeSocket({
    connect: { host: '127.0.0.1', port },
    request: 'PING\r\n',
    terminator: '\r\n',
    accept: (reply) => reply.startsWith('+PONG'),
    timeoutMs: 500,
  });
}
