import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { probeSocket } from './probe-socket';

/** A throwaway clamd, listening on a unix socket in its own temporary directory. */
export interface ClamdHandle {
  /** Path of the unix socket; after {@link stop} nothing listens there (connections fail). */
  readonly socketPath: string;
  /** clamd's `StreamMaxLength`, in bytes: a larger INSTREAM is refused. */
  readonly streamMaxBytes: number;
  /** How long the start took, in milliseconds (spawn to the first `PONG`). */
  readonly startupMs: number;
  /** Stops clamd (SIGTERM, then SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
  /** Freezes clamd (SIGSTOP): connections are accepted by the kernel but nothing answers. */
  pause(): void;
  /** Lets a paused clamd go on (SIGCONT). */
  resume(): void;
}

/** Where clamd is looked for besides PATH: Debian installs it in /usr/sbin, often not on PATH. */
const SBIN_DIRS = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

const NOT_FOUND =
  'clamd not found on PATH nor in /usr/sbin: install it with `apt-get install -y clamav-daemon` ' +
  '(freshclam is not needed; the tests write their own signature database)';

/**
 * The test signature database: the MD5 and size of the 68-byte EICAR test file (not the file
 * itself). clamd reports it as `Eicar-Test-Signature.UNOFFICIAL` (it marks signatures from
 * databases it did not sign).
 */
const EICAR_HDB = '44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n';

const STREAM_MAX_BYTES = 10 * 1024 * 1024;
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;

/**
 * Starts a throwaway clamd as the current user: its own temporary directory with a signature
 * database that detects EICAR, a `clamd.conf` (foreground, a unix socket in that directory,
 * `StreamMaxLength 10M`, no syslog, no bytecode) and the socket. Resolves once clamd answers
 * `PING` with `PONG`. It never touches the system's clamd, its socket or its databases.
 *
 * @throws Error telling how to install clamd when it is missing (tests never skip), or with the
 *   tail of clamd's output when it exits or does not answer within 20 s.
 * @example
 * const clamd = await startClamd();
 * const scanner = new ClamAvScanner({ socketPath: clamd.socketPath });
 * await clamd.stop();
 */
export async function startClamd(): Promise<ClamdHandle> {
  const binary = await findClamd();
  const dir = await mkdtemp(join(tmpdir(), 'rampart-clamd-'));
  const socketPath = join(dir, 'clamd.sock');
  await mkdir(join(dir, 'db'));
  await mkdir(join(dir, 'tmp'));
  await writeFile(join(dir, 'db', 'rampart-test.hdb'), EICAR_HDB);
  await writeFile(
    join(dir, 'clamd.conf'),
    [
      'Foreground yes',
      `LocalSocket ${socketPath}`,
      'LocalSocketMode 600',
      `DatabaseDirectory ${join(dir, 'db')}`,
      `TemporaryDirectory ${join(dir, 'tmp')}`,
      `StreamMaxLength ${STREAM_MAX_BYTES / 1024 / 1024}M`,
      'LogSyslog no',
      'Bytecode no',
      'SelfCheck 0',
      'MaxThreads 4',
      '',
    ].join('\n'),
  );

  const started = Date.now();
  const child = spawn(binary, ['--config-file', join(dir, 'clamd.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const running = (): boolean =>
    child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  // clamd logs to stdout and reports errors on stderr: keep the tail of both to explain a failure.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-2_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (running()) {
        child.kill('SIGCONT'); // a paused clamd acts on SIGTERM only once resumed
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await Promise.race([
      waitForPong(socketPath, running, () => output),
      new Promise<never>((_, reject) => {
        child.once('error', reject);
        void exited.then(() => {
          reject(new Error(`clamd exited before answering PING: ${output.trim()}`));
        });
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    socketPath,
    streamMaxBytes: STREAM_MAX_BYTES,
    startupMs: Date.now() - started,
    stop,
    pause: () => {
      signal(child, 'SIGSTOP');
    },
    resume: () => {
      signal(child, 'SIGCONT');
    },
  };
}

/** The clamd executable: on PATH, else in an sbin directory. */
async function findClamd(): Promise<string> {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'clamd');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error(NOT_FOUND);
}

function signal(child: ChildProcess, name: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (!child.kill(name)) throw new Error(`could not send ${name} to clamd`);
}

/**
 * Polls `zPING` on the socket until `PONG`, for at most STARTUP_TIMEOUT_MS. Once clamd stopped
 * running it stops polling and never settles: the exit or spawn error explains why.
 */
async function waitForPong(
  socketPath: string,
  running: () => boolean,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!running()) return new Promise<never>(() => undefined);
    if (await pingOnce(socketPath)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(
    `clamd did not answer PING on ${socketPath} within ${STARTUP_TIMEOUT_MS} ms: ${output().trim()}`,
  );
}

function pingOnce(socketPath: string): Promise<boolean> {
  return probeSocket({
    connect: { path: socketPath },
    request: 'zPING\0',
    terminator: '\0',
    accept: (reply) => reply === 'PONG\0',
    timeoutMs: 1_000,
  });
}
