// How long a logout on one instance takes to be refused by another, across many trials.
// Two reference-app processes (dist/src/main.js) share one throwaway redis-server; no sticky
// sessions. Each trial: log in on A, use the session on B (so B has it in its local cache), log
// out on A, then poll B until it answers 401. The figure is the time from A's 204 to B's first
// 401, polled back to back over keep-alive HTTP (so it includes one request's round trip).
// Run with `npm run bench:sessions` (builds first). Prints figures; asserts nothing.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { startRedis } from './harness/lib.mjs';

const TRIALS = Number(process.env.TRIALS ?? 300);
const ALICE = JSON.stringify({ username: 'alice', password: 'alice-password' });

function startApp(adapter, redisUrl, prefix) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_ENV: 'test',
        NO_COLOR: '1',
        ADAPTER: adapter,
        SECURITY_STORE: 'redis',
        REDIS_URL: redisUrl,
        REDIS_KEY_PREFIX: prefix,
        // A login per trial: the reference app's default credential limits (10 per account and
        // 100 per IP every 15 minutes) would refuse the trials after the first hundred or so.
        THROTTLE_LIMIT: '1000000',
        THROTTLE_LOGIN_LIMIT: '100000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = /Reference app listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1], stop: () => child.kill('SIGTERM') });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`app exited (${code}): ${output.slice(-2000)}`)));
  });
}

async function login(url) {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: ALICE,
  });
  if (response.status !== 200)
    throw new Error(`login answered ${response.status}: ${await response.text()}`);
  const cookie = response.headers.getSetCookie()[0].split(';')[0];
  const { csrfToken } = await response.json();
  return { cookie, csrfToken };
}

async function status(url, cookie) {
  const response = await fetch(`${url}/me`, { headers: { cookie } });
  await response.arrayBuffer();
  return response.status;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const redis = await startRedis();
const results = [];
try {
  for (const adapter of ['express', 'fastify']) {
    const prefix = `bench:${adapter}:${Date.now()}:`;
    const [a, b] = await Promise.all([
      startApp(adapter, redis.url, prefix),
      startApp(adapter, redis.url, prefix),
    ]);
    try {
      const samples = [];
      const roundTrips = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const session = await login(a.url);
        if ((await status(b.url, session.cookie)) !== 200)
          throw new Error('B refused a live session');
        // One plain round trip to B, for scale.
        const rt = performance.now();
        await status(b.url, session.cookie);
        roundTrips.push(performance.now() - rt);
        const logout = await fetch(`${a.url}/auth/logout`, {
          method: 'POST',
          headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
        });
        if (logout.status !== 204) throw new Error(`logout answered ${logout.status}`);
        const started = performance.now();
        while ((await status(b.url, session.cookie)) !== 401) {
          if (performance.now() - started > 10_000) throw new Error('B never refused the session');
        }
        samples.push(performance.now() - started);
      }
      samples.sort((x, y) => x - y);
      roundTrips.sort((x, y) => x - y);
      results.push({
        adapter,
        trials: TRIALS,
        p50: percentile(samples, 50),
        p99: percentile(samples, 99),
        max: samples[samples.length - 1],
        roundTripP50: percentile(roundTrips, 50),
      });
    } finally {
      a.stop();
      b.stop();
    }
  }
} finally {
  await redis.stop();
}

console.log(
  `Logout on A -> refused by B (two processes, one Redis; ${os.cpus().length} cores, Node ${process.version})`,
);
for (const r of results) {
  console.log(
    `  ${r.adapter.padEnd(8)} trials ${r.trials}  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  max ${r.max.toFixed(2)} ms  (one /me round trip p50 ${r.roundTripP50.toFixed(2)} ms; p99 / 100 ms target = ${(r.p99 / 100).toFixed(3)})`,
  );
}
