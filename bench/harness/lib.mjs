// Shared helpers of the bench and soak harnesses: free ports, a throwaway redis-server, child
// processes that log a listening line, CPU time from /proc, ES256 tokens, percentiles.
import { spawn } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign,
} from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where `tsc -p bench/harness/tsconfig.json` put the compiled apps (override: BENCH_DIST, then pass the same --outDir). */
export const BENCH_DIST = process.env.BENCH_DIST ?? join(REPO_ROOT, 'dist', 'bench');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A number from the environment, or the fallback. */
export function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a number >= 0, got "${raw}"`);
  return value;
}

export const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

export const answers = (port) =>
  new Promise((resolve) => {
    const connection = createConnection(port, '127.0.0.1');
    connection.once('connect', () => {
      connection.end();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });

/**
 * A throwaway redis-server on 127.0.0.1 (never 6379), no persistence. `kill()` SIGKILLs it,
 * `restart()` starts it again on the same port (empty), `stop()` kills it and removes its dir.
 */
export async function startRedis(extraArgs = []) {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'rampart-bench-redis-'));
  let child;
  const launch = async () => {
    child = spawn(
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
        ...extraArgs,
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 200; i++) {
      if (await answers(port)) return;
      await sleep(25);
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid;
    },
    kill: () => {
      child.kill('SIGKILL');
      return new Promise((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : child.once('exit', resolve),
      );
    },
    restart: launch,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One command to the redis at `port` (inline protocol), resolving with the raw reply text. */
export function redisCommand(port, ...args) {
  return new Promise((resolve, reject) => {
    const socket = createConnection(port, '127.0.0.1');
    let data = '';
    const payload = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`;
    socket.once('connect', () => socket.write(payload));
    socket.on('data', (chunk) => {
      data += chunk;
      // bulk string / simple replies: good enough for INFO, DBSIZE, MEMORY USAGE
      if (/^\$(\d+)\r\n/.test(data)) {
        const length = Number(/^\$(\d+)\r\n/.exec(data)[1]);
        if (Buffer.byteLength(data) >= length + String(length).length + 5) socket.end();
      } else if (/\r\n$/.test(data)) socket.end();
    });
    socket.once('end', () => resolve(data));
    socket.once('error', reject);
  });
}

/** `used_memory` of a redis, in bytes. */
export async function redisUsedMemory(port) {
  const info = await redisCommand(port, 'INFO', 'memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

/** What a bench app prints once it listens; group 1 is its URL. */
export const BENCH_APP_LISTENING = /bench app listening on (http:\/\/\S+)/;

/**
 * The environment of the bench app (`bench-app.js`) running `variant` on `adapter`: `extra` (keys,
 * Redis URL), then the variant's own, then what selects the variant, the adapter and the port.
 */
export function benchAppEnv(variant, adapter, extra = {}, port = 0) {
  return {
    ...extra,
    ...variant.env,
    BENCH_VARIANT: variant.app ?? variant.name,
    ADAPTER: adapter,
    PORT: String(port),
    NODE_ENV: 'production',
  };
}

/**
 * Spawns `node <args>` with `env` and resolves once its output matches `listening` (group 1 is the
 * URL). `stop()` SIGTERMs it (SIGKILL after 5 s).
 */
export function startNode(args, { env, listening, name, nodeArgs = [] }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let settled = false;
    const exited = new Promise((done) =>
      child.once('exit', (code, signal) => done({ code, signal })),
    );
    const stop = async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    };
    const onData = (chunk) => {
      output = (output + chunk).slice(-20_000);
      const match = listening.exec(output);
      if (match && !settled) {
        settled = true;
        resolve({ url: match[1], pid: child.pid, child, stop, exited, logs: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(({ code, signal }) => {
      if (!settled) {
        settled = true;
        reject(
          new Error(`${name} exited before listening (${code ?? signal}):\n${output.slice(-3000)}`),
        );
      }
    });
    setTimeout(() => {
      if (!settled) {
        settled = true;
        child.kill('SIGKILL');
        reject(new Error(`${name} did not listen within 30 s:\n${output.slice(-3000)}`));
      }
    }, 30_000).unref();
  });
}

const CLK_TCK = 100;
/** User + system CPU time of a process so far, in microseconds (from /proc/<pid>/stat). */
export async function cpuMicros(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (fields 14 and 15 of stat(5), counted from state = 3)
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

/** Resident set size of a process, in bytes (VmRSS of /proc/<pid>/status). */
export async function rssBytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) * 1024;
}

/** A fresh ES256 key pair, PEM. */
export function es256KeyPair() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** A compact ES256 JWS with the header `typ` of an access token, signed here (not by an app). */
export function mintEs256(privateKeyPem, kid, claims) {
  const now = Date.now();
  const header = { alg: 'ES256', kid, typ: 'at+jwt' };
  const payload = {
    jti: randomUUID(),
    iat: Math.floor(now / 1000),
    iat_ms: now,
    exp: Math.floor(now / 1000) + 3600,
    ...claims,
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), {
    key: createPrivateKey(privateKeyPem),
    dsaEncoding: 'ieee-p1363',
  });
  return `${input}.${signature.toString('base64url')}`;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
