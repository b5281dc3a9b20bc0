import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** HTTP adapter the reference app runs on (`ADAPTER`). */
export type ReferenceAppAdapter = 'express' | 'fastify';

/** Security store the reference app uses (`SECURITY_STORE`). */
export type ReferenceAppStore = 'memory' | 'redis';

/** What {@link startReferenceApp} starts. */
export interface ReferenceAppOptions {
  readonly adapter: ReferenceAppAdapter;
  readonly store: ReferenceAppStore;
  /**
   * Extra environment for the child, applied last: a string sets a variable, `undefined` removes
   * it. The defaults are `PORT=0`, `HOST=127.0.0.1`, `NODE_ENV=test`, `NO_COLOR=1`, `ADAPTER`,
   * `SECURITY_STORE`, `THROTTLE_LIMIT` and `THROTTLE_LOGIN_LIMIT` (both 100000), and for Redis `REDIS_URL` from the test environment.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** A running reference app. */
export interface ReferenceApp {
  /** Base URL parsed from the app's listening line, e.g. `http://127.0.0.1:41231`. */
  readonly url: string;
  /** Process id of the child. */
  readonly pid: number;
  /** The last few kilobytes of the child's stdout and stderr, for diagnosing a failure. */
  logs(): string;
  /**
   * Stops the child: SIGTERM, then SIGKILL if it has not exited after 5 s. Resolves once it has
   * exited; calling it again (or after the child died on its own) is a no-op.
   */
  stop(): Promise<void>;
}

const REPO_ROOT = join(__dirname, '..', '..');
const MAIN = join(REPO_ROOT, 'dist', 'src', 'main.js');
const STARTUP_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_CHARS = 8_000;
/** `Reference app listening on http://127.0.0.1:41231 (express)`, as logged by src/main.ts. */
const LISTENING = /Reference app listening on (https?:\/\/\S+) \((express|fastify)\)/;
// eslint-disable-next-line no-control-regex -- matches ANSI colour escapes
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Preloaded into the child (`--import`): the child exits when its IPC channel to this process
 * closes, that is when the test process dies without stopping it (a killed Jest worker, Ctrl-C),
 * so no reference app outlives its test run. It changes nothing else in the app.
 */
const EXIT_WITH_PARENT = `data:text/javascript,${encodeURIComponent(
  "process.once('disconnect', () => process.exit(1));",
)}`;

/** Variables of the app's configuration (and of Node) that the test process must not leak in. */
const NOT_INHERITED = new Set([
  'PORT',
  'HOST',
  'ADAPTER',
  'SECURITY_STORE',
  'REDIS_URL',
  'REDIS_KEY_PREFIX',
  'NODE_ENV',
  'NO_COLOR',
  'FORCE_COLOR',
  'NODE_OPTIONS',
  'UPLOAD_DIR',
]);
const NOT_INHERITED_PREFIXES = ['JWT_', 'OIDC_', 'TLS_', 'MTLS_', 'THROTTLE_', 'CLAMAV_'];

/** Children started by this module and not yet exited: stopped at the latest on teardown. */
const running = new Set<ChildProcess>();
/** How each child ended, settled once it has exited (registered when it is spawned). */
const exits = new WeakMap<ChildProcess, Promise<string>>();

/** Stops every reference app this test file started and that is still running. */
export async function stopAllReferenceApps(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

// Teardown of the test file: stop whatever a failed beforeAll or a forgotten stop() left running.
const jestAfterAll = (globalThis as { afterAll?: (fn: () => Promise<void>, ms?: number) => void })
  .afterAll;
jestAfterAll?.(stopAllReferenceApps, STOP_GRACE_MS + 5_000);
// Last resort when the process exits with children still running (synchronous: SIGKILL only).
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts the built reference app (`node dist/src/main.js`) as a child process on a random free
 * port of 127.0.0.1 and resolves once it logs its listening line. Tests then talk to it only over
 * HTTP at `url`.
 *
 * - Rejects if `dist/src/main.js` is missing ("run `npm run build` first"), if the child exits
 *   before listening, or if it does not listen within 20 s; the error carries the tail of the
 *   child's stderr and stdout, and the child is killed.
 * - No orphans: `stop()` kills the child; whatever is still running is stopped in an `afterAll`
 *   that importing this module registers (under Jest), SIGKILLed when the test process exits, and
 *   exits by itself when the test process dies.
 * - `store: 'redis'` needs `REDIS_URL` (set by the e2e globalSetup). Pass `REDIS_KEY_PREFIX` in
 *   `env` to keep a set-up's keys (dev signing key included) apart from others on the same Redis.
 *
 * @example
 * const app = await startReferenceApp({ adapter: 'fastify', store: 'memory' });
 * const response = await fetch(`${app.url}/health`);
 * await app.stop();
 */
export async function startReferenceApp(options: ReferenceAppOptions): Promise<ReferenceApp> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} does not exist: run \`npm run build\` first.`);
  }
  const child = spawn(process.execPath, ['--import', EXIT_WITH_PARENT, MAIN], {
    cwd: REPO_ROOT,
    env: childEnvironment(options),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  running.add(child);
  const exited = watchExit(child);
  void exited.then(() => {
    running.delete(child);
  });

  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-LOG_TAIL_CHARS);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-LOG_TAIL_CHARS);
  });
  const logs = (): string =>
    `--- stderr (tail) ---\n${stderr.trim() || '(empty)'}\n--- stdout (tail) ---\n${stdout.trim() || '(empty)'}`;
  const describeApp = `reference app (${options.adapter}, ${options.store})`;

  let url: string;
  try {
    url = await waitForListening(child, exited, () => stdout, describeApp);
  } catch (error) {
    await stopChild(child);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${logs()}`, {
      cause: error,
    });
  }

  const pid = child.pid;
  if (pid === undefined) throw new Error(`${describeApp} has no pid`);
  return { url, pid, logs, stop: () => stopChild(child) };
}

function childEnvironment(options: ReferenceAppOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (NOT_INHERITED.has(name)) continue;
    if (NOT_INHERITED_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    env[name] = value;
  }
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    NO_COLOR: '1',
    ADAPTER: options.adapter,
    SECURITY_STORE: options.store,
    // Suites log the demo users in many times from one address: far more than the default
    // credential limits allow. Throttling suites pass `THROTTLE_LOGIN_LIMIT: undefined`.
    THROTTLE_LOGIN_LIMIT: '100000',
    THROTTLE_LIMIT: '100000',
  });
  if (options.store === 'redis') {
    const redisUrl = process.env.REDIS_URL;
    if (redisUrl === undefined || redisUrl === '') {
      throw new Error(
        'REDIS_URL is not set: run this through the e2e Jest project, whose globalSetup starts redis-server, or set REDIS_URL.',
      );
    }
    env.REDIS_URL = redisUrl;
  }
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) Reflect.deleteProperty(env, name);
    else env[name] = value;
  }
  return env;
}

/** Resolves with the URL of the listening line, or rejects on exit, spawn error or timeout. */
function waitForListening(
  child: ChildProcess,
  exited: Promise<string>,
  stdout: () => string,
  describeApp: string,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
    };
    const check = (): void => {
      const match = LISTENING.exec(stdout().replace(ANSI, ''));
      if (match?.[1] === undefined) return;
      cleanup();
      resolve(match[1]);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(`${describeApp} did not log its listening line within ${STARTUP_TIMEOUT_MS} ms.`),
      );
    }, STARTUP_TIMEOUT_MS);
    child.stdout?.on('data', check);
    child.once('error', (error) => {
      cleanup();
      reject(new Error(`${describeApp} could not be spawned: ${error.message}`));
    });
    void exited.then((how) => {
      cleanup();
      reject(new Error(`${describeApp} exited before listening (${how}).`));
    });
  });
}

/** Settles once `child` has exited, with how it ended (`code 1`, `signal SIGKILL`). */
function watchExit(child: ChildProcess): Promise<string> {
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve(signal === null ? `code ${String(code)}` : `signal ${signal}`);
    });
    // A child that could not be spawned emits 'error' and never 'exit'.
    child.once('error', () => {
      resolve('spawn error');
    });
  });
  exits.set(child, exited);
  return exited;
}

/** SIGTERM, then SIGKILL after {@link STOP_GRACE_MS}; resolves once the child has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  const exited = exits.get(child);
  if (
    exited === undefined ||
    child.exitCode !== null ||
    child.signalCode !== null ||
    child.pid === undefined
  ) {
    running.delete(child);
    return;
  }
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      resolve('timeout');
    }, STOP_GRACE_MS);
  });
  const outcome = await Promise.race([exited, graceOver]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
  running.delete(child);
}
