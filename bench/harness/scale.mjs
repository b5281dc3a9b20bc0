// `npm run bench:scale`: the scale figures.
// 1. Session lookup latency and Redis memory per session with 1k, 100k and 1M sessions in the
//    store, each size in a redis-server of its own, measured interleaved (lookup by lookup)
//    (dist/bench/.../scale/session-scale.js; see there).
// 2. Revocation propagation between two reference-app instances (dist/src/main.js) sharing one
//    redis-server, no sticky sessions, the approach of bench/session-propagation.mjs: for an
//    access token, issue it on A, use it on B, revoke it on A (POST /auth/revoke), then poll B
//    back to back until it answers 401; for a session, log in on A, use it on B, log out on A,
//    poll B. The figure is the time from A's 204 to B's first 401 (one request's round trip
//    included).
// Writes bench/results/scale-latest.json and scale-latest.md.
//
// Environment: SCALE_SIZES (default 1000,100000,1000000), SCALE_SAMPLES (lookups per size,
// default 20000), SCALE_ROUNDS (default 10), SCALE_TRIALS (propagation trials per kind and
// adapter, default 200), SCALE_ADAPTERS (default express,fastify), SCALE_SKIP (sessions or
// propagation), SCALE_PIN (default 1: the lookups' client and Redis pinned to CPUs, see below;
// needs util-linux's taskset), BENCH_OUT.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BENCH_DIST,
  REPO_ROOT,
  envNumber,
  median,
  percentile,
  startNode,
  startRedis,
} from './lib.mjs';

const TRIALS = envNumber('SCALE_TRIALS', 200);
const ADAPTERS = (process.env.SCALE_ADAPTERS ?? 'express,fastify').split(',').filter(Boolean);
const SKIP = process.env.SCALE_SKIP ?? '';
const SIZES = (process.env.SCALE_SIZES ?? '1000,100000,1000000').split(',').filter(Boolean);
const OUT_DIR = process.env.BENCH_OUT ?? join(REPO_ROOT, 'bench', 'results');
const SESSION_SCALE = join(BENCH_DIST, 'bench', 'harness', 'scale', 'session-scale.js');
const MAIN = join(REPO_ROOT, 'dist', 'src', 'main.js');
// On a VM, a round trip's latency depends on whether the client and the redis-server it asks run
// on the same CPU or not (here 28 us against 50-90 us), and the scheduler places each process by
// itself: unpinned, one size's server could share the client's CPU in a round and not in the
// next, and a round's 1M-to-1k ratio ranged from 0.47 to 2.4. Pinned (the client to the first
// CPU, every size's redis-server to the last), every lookup crosses CPUs alike and the rounds
// agree within 0.02. SCALE_PIN=0 leaves placement to the scheduler.
const PIN = process.env.SCALE_PIN !== '0' && os.cpus().length >= 2;
const CLIENT_CPU = 0;
const REDIS_CPU = os.cpus().length - 1;

/** Pins every thread of process `pid` to `cpu` (util-linux's `taskset`); throws when it cannot. */
function pinToCpu(pid, cpu) {
  const result = spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], {
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(
      `bench:scale pins the lookup measurement's processes to CPUs with taskset, which failed ` +
        `(${result.error?.message ?? result.stderr.trim()}). Install it (Debian: apt-get install ` +
        `util-linux) or run with SCALE_PIN=0 to leave placement to the scheduler.`,
    );
}

const ALICE = JSON.stringify({ username: 'alice', password: 'alice-password' });

function runSessionScale(redisUrls) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SESSION_SCALE], {
      cwd: REPO_ROOT,
      env: { ...process.env, REDIS_URLS: redisUrls.join(','), SCALE_SIZES: SIZES.join(',') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (PIN) pinToCpu(child.pid, CLIENT_CPU);
    const results = [];
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.startsWith('RESULT ')) {
          const result = JSON.parse(line.slice(7));
          results.push(result);
          console.log(
            `  ${String(result.sessions).padStart(8)} sessions: lookup p50 ${result.sequentialP50Us.toFixed(0)} us, p99 ${result.sequentialP99Us.toFixed(0)} us (sequential); ` +
              `50 in flight p50 ${result.concurrentP50Us.toFixed(0)} us, p99 ${result.concurrentP99Us.toFixed(0)} us, ${result.concurrentLookupsPerSecond.toFixed(0)}/s; ` +
              `Redis ${result.bytesPerSession.toFixed(0)} B/session (${(result.redisUsedMemoryBytes / 2 ** 20).toFixed(0)} MB, populated in ${result.populateSeconds.toFixed(1)} s)`,
          );
        } else console.log(line);
      }
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(results) : reject(new Error(`session-scale exited ${code}`)),
    );
  });
}

const post = (url, headers = {}, body) =>
  fetch(url, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body,
  });

async function status(url, headers) {
  const response = await fetch(`${url}/me`, { headers });
  await response.arrayBuffer();
  return response.status;
}

/** One kind of credential: obtain on A, revoke on A; returns the headers that present it. */
const KINDS = {
  'access token (POST /auth/revoke)': {
    obtain: async (a) => {
      const response = await post(`${a}/auth/token`, {}, ALICE);
      const { access_token: token } = await response.json();
      return { headers: { authorization: `Bearer ${token}` } };
    },
    revoke: (a, credential) => post(`${a}/auth/revoke`, credential.headers),
  },
  'session (POST /auth/logout)': {
    obtain: async (a) => {
      const response = await post(`${a}/auth/login`, {}, ALICE);
      const cookie = response.headers.getSetCookie()[0].split(';')[0];
      const { csrfToken } = await response.json();
      return { headers: { cookie }, csrfToken };
    },
    revoke: (a, credential) =>
      post(`${a}/auth/logout`, { ...credential.headers, 'x-csrf-token': credential.csrfToken }),
  },
};

async function propagation(redisUrl) {
  const results = [];
  for (const adapter of ADAPTERS) {
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      ADAPTER: adapter,
      SECURITY_STORE: 'redis',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: `propagation:${adapter}:`,
      SESSION_ALLOW_INSECURE_HTTP: 'true',
      THROTTLE_LIMIT: '1000000',
      THROTTLE_LOGIN_LIMIT: '100000',
    };
    const listening = /Reference app listening on (https?:\/\/\S+)/;
    const [a, b] = await Promise.all([
      startNode([MAIN], { name: `A (${adapter})`, env, listening }),
      startNode([MAIN], { name: `B (${adapter})`, env, listening }),
    ]);
    try {
      for (const [kind, { obtain, revoke }] of Object.entries(KINDS)) {
        const samples = [];
        for (let trial = 0; trial < TRIALS; trial++) {
          const credential = await obtain(a.url);
          if ((await status(b.url, credential.headers)) !== 200)
            throw new Error(`B refused a live ${kind}`);
          const revoked = await revoke(a.url, credential);
          if (revoked.status !== 204) throw new Error(`${kind}: revoke answered ${revoked.status}`);
          const started = performance.now();
          while ((await status(b.url, credential.headers)) !== 401) {
            if (performance.now() - started > 10_000)
              throw new Error(`B never refused the ${kind}`);
          }
          samples.push(performance.now() - started);
        }
        samples.sort((x, y) => x - y);
        const result = {
          adapter,
          kind,
          trials: TRIALS,
          p50Ms: percentile(samples, 50),
          p99Ms: percentile(samples, 99),
          maxMs: samples[samples.length - 1],
        };
        results.push(result);
        console.log(
          `  ${adapter.padEnd(8)} ${kind.padEnd(34)} p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  max ${result.maxMs.toFixed(2)} ms  (${TRIALS} trials)`,
        );
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }
  return results;
}

const redis = await startRedis();
const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version },
};
try {
  if (!SKIP.includes('sessions')) {
    console.log('Session lookup through SessionRepository.load() on Redis, local cache off:');
    // A redis-server per size, so that the sizes can be measured interleaved.
    const servers = [];
    try {
      for (let i = 0; i < SIZES.length; i++) servers.push(await startRedis());
      if (PIN) for (const server of servers) pinToCpu(server.pid, REDIS_CPU);
      console.log(
        PIN
          ? `  (the client pinned to CPU ${CLIENT_CPU}, every redis-server to CPU ${REDIS_CPU}; SCALE_PIN=0 to leave them unpinned)`
          : '  (unpinned: placement left to the scheduler)',
      );
      report.sessionsPinned = PIN ? { client: CLIENT_CPU, redis: REDIS_CPU } : false;
      report.sessions = await runSessionScale(servers.map((server) => server.url));
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
    }
  }
  if (!SKIP.includes('propagation')) {
    console.log('Revocation on A -> refused by B (two processes, one Redis):');
    report.propagation = await propagation(redis.url);
  }
} finally {
  await redis.stop();
}
const lines = [
  `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${report.machine.cpus} x ${report.machine.cpuModel}, Node ${report.machine.node}.`,
  '',
];
if (report.sessions) {
  lines.push(
    report.sessionsPinned
      ? `Session lookups: the client on CPU ${report.sessionsPinned.client}, each size's redis-server on CPU ${report.sessionsPinned.redis} (pinned), sizes interleaved lookup by lookup.`
      : 'Session lookups: unpinned, sizes interleaved lookup by lookup.',
    '',
  );
  lines.push(
    '| sessions in Redis | lookup p50 us | lookup p99 us | 50 in flight p50 us | p99 us | lookups/s | Redis bytes/session |',
    '|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of report.sessions) {
    lines.push(
      `| ${r.sessions} | ${r.sequentialP50Us.toFixed(0)} | ${r.sequentialP99Us.toFixed(0)} | ${r.concurrentP50Us.toFixed(0)} | ${r.concurrentP99Us.toFixed(0)} | ${r.concurrentLookupsPerSecond.toFixed(0)} | ${r.bytesPerSession.toFixed(0)} |`,
    );
  }
  const first = report.sessions[0];
  const last = report.sessions[report.sessions.length - 1];
  if (first && last && first !== last) {
    report.lookupP50RatioLargestToSmallest = last.sequentialP50Us / first.sequentialP50Us;
    // Per round: both sizes measured back to back, at the same speed of the machine.
    const byRound = first.sequentialP50UsByRound.map(
      (p50, round) => last.sequentialP50UsByRound[round] / p50,
    );
    report.lookupP50RatiosByRound = byRound;
    report.lookupP50RatioMedianOfRounds = median(byRound);
    lines.push(
      '',
      `Lookup p50 at ${last.sessions} sessions / at ${first.sessions}: ${report.lookupP50RatioLargestToSmallest.toFixed(3)} over all rounds; median of the rounds' own ratios ${report.lookupP50RatioMedianOfRounds.toFixed(3)} (rounds ${byRound.map((ratio) => ratio.toFixed(2)).join(', ')})`,
    );
  }
  lines.push('');
}
if (report.propagation) {
  lines.push(
    '| adapter | revoked on A | refused by B p50 ms | p99 ms | max ms | trials |',
    '|---|---|---:|---:|---:|---:|',
  );
  for (const r of report.propagation)
    lines.push(
      `| ${r.adapter} | ${r.kind} | ${r.p50Ms.toFixed(2)} | ${r.p99Ms.toFixed(2)} | ${r.maxMs.toFixed(2)} | ${r.trials} |`,
    );
}
await mkdir(OUT_DIR, { recursive: true });
await writeFile(join(OUT_DIR, 'scale-latest.json'), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(OUT_DIR, 'scale-latest.md'), `${lines.join('\n')}\n`);
console.log(`\n${lines.join('\n')}`);
