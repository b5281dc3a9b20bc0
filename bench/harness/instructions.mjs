// `npm run bench:instructions`: instructions per request, counted by valgrind's callgrind in the
// server process, for bare Nest and the variants named. Unlike req/s on a shared machine, the
// count does not drift with the machine's speed: repeat runs agree within about 2 %, so a change
// of a few percent shows. It counts user-space instructions only (the kernel's share, the same
// one read and one writev per request for every variant here, is left out).
//
// Two figures per variant: the main thread's, which is the request path (the figure to judge a
// change by), and all threads'. The difference is mostly V8's optimizing compiler on its
// background threads: under callgrind, which runs code some 50 times slower, it is still
// compiling after the warm-up, about 100k instructions per request here for every variant alike,
// which a real run has long finished. It hides half of a ratio's distance from 1.
//
// Each server starts under callgrind (`--smc-check=all`, for V8's generated code;
// `--separate-threads=yes`, a dump per thread), gets INSTRUCTIONS_WARMUP requests, its counters
// are zeroed, then INSTRUCTIONS_REQUESTS requests (autocannon, 10 connections) are counted and
// dumped. Two servers run at a time.
//
// Usage: node bench/harness/instructions.mjs [variant ...]   (default: rampart-jwt)
// Environment: INSTRUCTIONS_ADAPTERS (fastify), INSTRUCTIONS_WARMUP (3000), INSTRUCTIONS_REQUESTS
// (2000), INSTRUCTIONS_KEEP (a folder: the callgrind dumps are left there, for callgrind_annotate,
// instead of in a temporary folder that is removed; `<variant>-<adapter>.<pid>.1-01` is the main
// thread). Needs valgrind (Debian: apt-get install valgrind).
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  BENCH_DIST,
  benchAppEnv,
  REPO_ROOT,
  envNumber,
  es256KeyPair,
  freePort,
  sleep,
  startRedis,
} from './lib.mjs';
import { BENCH_VARIANTS, credentialHeaders } from './variants.mjs';

const WARMUP = envNumber('INSTRUCTIONS_WARMUP', 3000);
const REQUESTS = envNumber('INSTRUCTIONS_REQUESTS', 2000);
const ADAPTERS = (process.env.INSTRUCTIONS_ADAPTERS ?? 'fastify').split(',').filter(Boolean);
const APP = join(BENCH_DIST, 'bench', 'harness', 'apps', 'bench-app.js');

if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.error(
    'bench:instructions needs valgrind on PATH (Debian/Ubuntu: apt-get install -y valgrind).',
  );
  process.exit(1);
}

const names = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['rampart-jwt'];
for (const name of names) {
  if (!BENCH_VARIANTS.some((variant) => variant.name === name))
    throw new Error(`unknown variant "${name}"`);
}

/** Requests `amount` times, 10 at a time; throws unless every answer is a 200. */
async function load(url, headers, amount) {
  const result = await autocannon({ url, headers, amount, connections: 10, timeout: 120 });
  if (result.non2xx > 0 || result.errors > 0 || result.requests.total !== amount)
    throw new Error(
      `${url}: ${result.requests.total} answers, ${result.non2xx} not 2xx, ${result.errors} errors`,
    );
}

/** Sends a `callgrind_control` command to a running callgrind; throws when it fails. */
function control(command, pid) {
  const result = spawnSync('callgrind_control', [command, String(pid)], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(
      `callgrind_control ${command} ${pid} failed: ${result.stderr || result.stdout}`,
    );
}

/**
 * Runs one variant under callgrind; resolves its instructions per counted request, on the main
 * thread and on all threads.
 */
async function count(variant, adapter, env, dir) {
  const port = await freePort();
  const prefix = join(dir, `${variant.name}-${adapter}`);
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--smc-check=all',
      '--separate-threads=yes',
      `--callgrind-out-file=${prefix}.%p`,
      process.execPath,
      APP,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...benchAppEnv(variant, adapter, env, port),
        PATH: process.env.PATH,
        HOME: process.env.HOME,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output = (output + chunk).slice(-5000)));
  child.stderr.on('data', (chunk) => (output = (output + chunk).slice(-5000)));
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    for (let waited = 0; !/bench app listening/.test(output); waited += 500) {
      if (child.exitCode !== null || waited > 300_000)
        throw new Error(`${variant.name} (${adapter}) did not start:\n${output}`);
      await sleep(500);
    }
    // Credentials after start-up: with the memory store, a token issued before it is refused.
    const headers = await credentialHeaders(variant, baseUrl, env.BENCH_JWT_PRIVATE_KEY);
    const url = `${baseUrl}${variant.path}`;
    await load(url, headers, WARMUP);
    control('--zero', child.pid);
    await load(url, headers, REQUESTS);
    control('--dump', child.pid);
    // One file per thread, `<prefix>.<pid>.1-NN`; thread 01 is the main thread.
    const stem = `${variant.name}-${adapter}.${child.pid}.1-`;
    const main = `${stem}01`;
    for (let waited = 0; !(await readdir(dir)).includes(main); waited += 200) {
      if (waited > 60_000) throw new Error(`no callgrind dump for ${variant.name} (${adapter})`);
      await sleep(200);
    }
    await sleep(500);
    const totals = new Map();
    for (const file of (await readdir(dir)).filter((name) => name.startsWith(stem))) {
      const text = await readFile(join(dir, file), 'utf8');
      totals.set(file, Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? 0));
    }
    const all = [...totals.values()].reduce((sum, value) => sum + value, 0);
    return { main: totals.get(main) / REQUESTS, all: all / REQUESTS };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

async function main() {
  const keys = es256KeyPair();
  const redis = await startRedis();
  const keep = process.env.INSTRUCTIONS_KEEP;
  if (keep) await mkdir(keep, { recursive: true });
  const dir = keep || (await mkdtemp(join(os.tmpdir(), 'rampart-instructions-')));
  const env = {
    BENCH_JWT_PRIVATE_KEY: keys.privateKeyPem,
    BENCH_JWT_PUBLIC_KEY: keys.publicKeyPem,
    REDIS_URL: redis.url,
  };
  try {
    for (const adapter of ADAPTERS) {
      const variants = ['bare', ...names]
        .map((name) => BENCH_VARIANTS.find((variant) => variant.name === name))
        .filter((variant) => variant.adapters?.includes(adapter) ?? true);
      const counts = new Map();
      for (let i = 0; i < variants.length; i += 2) {
        const pair = variants.slice(i, i + 2);
        const results = await Promise.all(pair.map((v) => count(v, adapter, env, dir)));
        pair.forEach((variant, j) => counts.set(variant.name, results[j]));
      }
      const bare = counts.get('bare');
      console.log(`\n${adapter}: instructions per request (${REQUESTS} after ${WARMUP} warm-up)`);
      console.log(
        `  ${'variant'.padEnd(24)} ${'main thread'.padStart(11)}  bare/this  ${'all threads'.padStart(11)}  bare/this`,
      );
      for (const [name, perRequest] of counts) {
        const cells = ['main', 'all'].map((key) => {
          const ratio = name === 'bare' ? '' : (bare[key] / perRequest[key]).toFixed(2);
          return `${Math.round(perRequest[key]).toLocaleString('en').padStart(11)}  ${ratio.padStart(9)}`;
        });
        console.log(`  ${name.padEnd(24)} ${cells.join('  ')}`);
      }
    }
  } finally {
    await redis.stop();
    if (keep) console.log(`\ncallgrind dumps kept in ${keep}`);
    else await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
