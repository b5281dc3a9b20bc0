// `npm run soak`: a bounded fault-and-load run. Two reference-app instances (dist/src/main.js; by
// default one on Express, one on Fastify) share a throwaway redis-server, which this harness
// SIGKILLs and restarts (empty) during sustained load. The load mixes valid bearer tokens and
// session cookies with revoked tokens, logged-out sessions, forged tokens, anonymous requests and
// a user's token on an admin route, all on protected routes, plus the public /health.
//
// It prints answers by status for each kind of request and phase, the unauthorized successes (a
// request without valid credentials answered 2xx: must be 0), how long each instance took to serve
// fresh credentials again after Redis was back, and memory over the run: RSS sampled from
// /proc/<pid>/status, and the V8 heap after each full GC from `node --trace-gc` (no debug
// endpoint, no inspector, no change to the app). Exits 1 on an unauthorized success, a crashed
// instance or a failed recovery.
//
// Environment: SOAK_WARMUP (s of load before the first kill, default 30), SOAK_CYCLES (kill /
// restart cycles, default 2), SOAK_DOWN (s Redis stays down, default 10), SOAK_AFTER (s of load
// after each restart, default 40), SOAK_CONCURRENCY (requests in flight, default 16),
// SOAK_ADAPTERS (adapters of instances A and B, default express,fastify), SOAK_RECOVERY_TIMEOUT
// (s, default 30). Build first (`npm run soak` does).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  REPO_ROOT,
  envNumber,
  es256KeyPair,
  mintEs256,
  rssBytes,
  sleep,
  startNode,
  startRedis,
} from './lib.mjs';

const WARMUP = envNumber('SOAK_WARMUP', 30);
const CYCLES = envNumber('SOAK_CYCLES', 2);
const DOWN = envNumber('SOAK_DOWN', 10);
const AFTER = envNumber('SOAK_AFTER', 40);
const CONCURRENCY = envNumber('SOAK_CONCURRENCY', 16);
const RECOVERY_TIMEOUT = envNumber('SOAK_RECOVERY_TIMEOUT', 30);
const ADAPTERS = (process.env.SOAK_ADAPTERS ?? 'express,fastify').split(',');
const MAIN = join(REPO_ROOT, 'dist', 'src', 'main.js');
const ISSUER = 'http://localhost:3000';
const AUDIENCE = 'rampart-reference';
const KID = 'soak';
const ALICE = { username: 'alice', password: 'alice-password' };
const ADMIN = { username: 'admin', password: 'admin-password' };

if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);

/** Request kinds. `authorized` kinds carry credentials that were valid when obtained. */
const KINDS = {
  'valid-bearer': { authorized: true, path: '/me' },
  'valid-session': { authorized: true, path: '/me' },
  'admin-bearer-on-admin': { authorized: true, path: '/admin' },
  'user-bearer-on-admin': { authorized: false, path: '/admin' },
  'revoked-bearer': { authorized: false, path: '/me' },
  'logged-out-session': { authorized: false, path: '/me' },
  'forged-bearer': { authorized: false, path: '/me' },
  'garbage-bearer': { authorized: false, path: '/me' },
  anonymous: { authorized: false, path: '/me' },
  'anonymous-admin': { authorized: false, path: '/admin' },
  'public-health': { authorized: true, path: '/health', public: true },
};
const KIND_NAMES = Object.keys(KINDS);

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, response };
}

async function bearerFor(app, user) {
  const { status, text } = await post(`${app.url}/auth/token`, user);
  if (status !== 200) throw new Error(`POST /auth/token answered ${status}`);
  return JSON.parse(text).access_token;
}

async function sessionFor(app) {
  const { status, text, response } = await post(`${app.url}/auth/login`, ALICE);
  if (status !== 200) throw new Error(`POST /auth/login answered ${status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrfToken: JSON.parse(text).csrfToken };
}

/** Fresh credentials of every kind, obtained on instance `app` (throws while it cannot serve). */
async function credentialsFrom(app, forgeKey) {
  const valid = await bearerFor(app, ALICE);
  const admin = await bearerFor(app, ADMIN);
  const revoked = await bearerFor(app, ALICE);
  const revoke = await post(`${app.url}/auth/revoke`, undefined, {
    authorization: `Bearer ${revoked}`,
  });
  if (revoke.status !== 204) throw new Error(`POST /auth/revoke answered ${revoke.status}`);
  const session = await sessionFor(app);
  const gone = await sessionFor(app);
  const logout = await post(`${app.url}/auth/logout`, undefined, {
    cookie: gone.cookie,
    'x-csrf-token': gone.csrfToken,
  });
  if (logout.status !== 204) throw new Error(`POST /auth/logout answered ${logout.status}`);
  return {
    'valid-bearer': { authorization: `Bearer ${valid}` },
    'valid-session': { cookie: session.cookie },
    'admin-bearer-on-admin': { authorization: `Bearer ${admin}` },
    'user-bearer-on-admin': { authorization: `Bearer ${valid}` },
    'revoked-bearer': { authorization: `Bearer ${revoked}` },
    'logged-out-session': { cookie: gone.cookie },
    'forged-bearer': {
      authorization: `Bearer ${mintEs256(forgeKey, KID, { iss: ISSUER, aud: AUDIENCE, sub: 'alice', roles: ['admin'] })}`,
    },
    'garbage-bearer': { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.' },
    anonymous: {},
    'anonymous-admin': {},
    'public-health': {},
  };
}

/** Per phase, per kind: answers by status; and the unauthorized successes. */
function newTally() {
  return { byKind: Object.fromEntries(KIND_NAMES.map((k) => [k, {}])), total: 0 };
}

async function main() {
  const started = performance.now();
  const keys = es256KeyPair();
  const forgeKeys = es256KeyPair();
  const redis = await startRedis();
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    SECURITY_STORE: 'redis',
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: 'soak:',
    JWT_PRIVATE_KEY: keys.privateKeyPem,
    JWT_KID: KID,
    SESSION_ALLOW_INSECURE_HTTP: 'true',
    THROTTLE_LIMIT: '1000000',
    THROTTLE_LOGIN_LIMIT: '100000',
  };
  const apps = [];
  const gc = new Map();
  let failures = [];
  try {
    for (const [index, adapter] of ADAPTERS.entries()) {
      const name = `${'AB'[index]} (${adapter})`;
      const app = await startNode([MAIN], {
        name,
        env: { ...env, ADAPTER: adapter },
        nodeArgs: ['--trace-gc'],
        listening: /Reference app listening on (https?:\/\/\S+)/,
      });
      app.name = name;
      gc.set(app, []);
      app.child.stdout.on('data', (chunk) => {
        // "[pid:0x..]  1234 ms: Mark-Compact 40.1 (55.3) -> 30.2 (50.1) MB, ..."
        for (const match of String(chunk).matchAll(
          /(\d+) ms: Mark-Compact [\d.]+ \([\d.]+\) -> ([\d.]+) \(/g,
        )) {
          gc.get(app).push({ atMs: Number(match[1]), heapMb: Number(match[2]) });
        }
      });
      apps.push(app);
    }
    let credentials = await Promise.all(
      apps.map((app) => credentialsFrom(app, forgeKeys.privateKeyPem)),
    );
    console.log(`soak: ${apps.map((a) => `${a.name} ${a.url}`).join(', ')}; redis ${redis.url}`);
    console.log(
      `      ${WARMUP} s warm-up, ${CYCLES} x (Redis down ${DOWN} s, then ${AFTER} s), ${CONCURRENCY} in flight`,
    );

    const tallies = {};
    let phase = 'warm-up';
    const unauthorizedSuccesses = [];
    const crashes = [];
    for (const app of apps) {
      void app.exited.then(({ code, signal }) => {
        if (!stopping) crashes.push(`${app.name} exited (${code ?? signal})`);
      });
    }
    let stopping = false;
    let running = true;
    let sent = 0;
    const worker = async (id) => {
      let n = id;
      while (running) {
        n++;
        const kind = KIND_NAMES[n % KIND_NAMES.length];
        const target = (n >> 4) % apps.length;
        // Credentials obtained on one instance are used on both (no sticky sessions).
        const from = credentials[(n >> 5) % credentials.length];
        const app = apps[target];
        const tally = (tallies[phase] ??= newTally());
        let status;
        try {
          const response = await fetch(`${app.url}${KINDS[kind].path}`, { headers: from[kind] });
          await response.arrayBuffer();
          status = String(response.status);
        } catch (error) {
          status = `error:${error.cause?.code ?? error.name}`;
          await sleep(50);
        }
        sent++;
        tally.total++;
        tally.byKind[kind][status] = (tally.byKind[kind][status] ?? 0) + 1;
        if (!KINDS[kind].authorized && status.startsWith('2')) {
          unauthorizedSuccesses.push({ phase, kind, instance: app.name, status });
        }
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, (_, i) => worker(i * 7));

    const memory = apps.map(() => []);
    const sampler = setInterval(() => {
      apps.forEach((app, i) => {
        rssBytes(app.pid).then(
          (rss) => memory[i].push({ atS: (performance.now() - started) / 1000, rss }),
          () => undefined,
        );
      });
    }, 2_000);

    await sleep(WARMUP * 1000);
    const recoveries = [];
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      phase = `cycle ${cycle}: Redis down`;
      await redis.kill();
      const killedAt = performance.now();
      console.log(`  ${((killedAt - started) / 1000).toFixed(1)} s: redis-server killed (SIGKILL)`);
      await sleep(DOWN * 1000);
      await redis.restart();
      const backAt = performance.now();
      phase = `cycle ${cycle}: recovering`;
      console.log(`  ${((backAt - started) / 1000).toFixed(1)} s: redis-server back (empty)`);
      // Recovered: the instance issues fresh credentials, and both instances accept them.
      const perInstance = await Promise.all(
        apps.map(async (app) => {
          const deadline = backAt + RECOVERY_TIMEOUT * 1000;
          let attempts = 0;
          while (performance.now() < deadline) {
            attempts++;
            try {
              const fresh = await credentialsFrom(app, forgeKeys.privateKeyPem);
              const checks = await Promise.all(
                apps.flatMap((other) =>
                  ['valid-bearer', 'valid-session'].map(async (kind) => {
                    const response = await fetch(`${other.url}/me`, { headers: fresh[kind] });
                    await response.arrayBuffer();
                    return response.status;
                  }),
                ),
              );
              if (checks.every((s) => s === 200))
                return { app: app.name, ms: performance.now() - backAt, attempts, fresh };
            } catch {
              // not yet
            }
            await sleep(50);
          }
          return { app: app.name, ms: undefined, attempts };
        }),
      );
      for (const r of perInstance) {
        recoveries.push({ cycle, instance: r.app, recoveredMs: r.ms, attempts: r.attempts });
        console.log(
          `  cycle ${cycle}: ${r.app} ${r.ms === undefined ? `NOT recovered within ${RECOVERY_TIMEOUT} s` : `recovered ${r.ms.toFixed(0)} ms after Redis was back`}`,
        );
      }
      const fresh = perInstance.filter((r) => r.fresh !== undefined).map((r) => r.fresh);
      if (fresh.length > 0) credentials = fresh;
      phase = `cycle ${cycle}: after recovery`;
      await sleep(AFTER * 1000);
    }
    running = false;
    await Promise.all(workers);
    clearInterval(sampler);
    stopping = true;

    // Report
    console.log(
      `\nAnswers by phase and kind (status: count); ${sent} requests in ${((performance.now() - started) / 1000).toFixed(0)} s`,
    );
    for (const [name, tally] of Object.entries(tallies)) {
      console.log(`  ${name} (${tally.total} requests)`);
      for (const kind of KIND_NAMES) {
        const counts = Object.entries(tally.byKind[kind])
          .sort()
          .map(([s, c]) => `${s}: ${c}`)
          .join(', ');
        if (counts !== '') console.log(`    ${kind.padEnd(22)} ${counts}`);
      }
    }
    console.log(
      `\nUnauthorized successes (2xx without valid credentials): ${unauthorizedSuccesses.length}`,
    );
    for (const u of unauthorizedSuccesses.slice(0, 20)) console.log(`  ${JSON.stringify(u)}`);
    console.log('\nMemory (RSS from /proc/<pid>/status; V8 heap after full GC from --trace-gc)');
    apps.forEach((app, i) => {
      const samples = memory[i];
      const first = samples.find((s) => s.atS > WARMUP / 2) ?? samples[0];
      const last = samples[samples.length - 1];
      const heap = gc.get(app);
      const heapText =
        heap.length === 0
          ? 'no full GC seen'
          : `heap after full GC: first ${heap[0].heapMb} MB, last ${heap[heap.length - 1].heapMb} MB, ${heap.length} full GCs`;
      console.log(
        `  ${app.name}: RSS ${(first.rss / 2 ** 20).toFixed(1)} MB at ${first.atS.toFixed(0)} s -> ${(last.rss / 2 ** 20).toFixed(1)} MB at ${last.atS.toFixed(0)} s (max ${(Math.max(...samples.map((s) => s.rss)) / 2 ** 20).toFixed(1)} MB); ${heapText}`,
      );
    });
    if (unauthorizedSuccesses.length > 0)
      failures.push(`${unauthorizedSuccesses.length} unauthorized successes`);
    failures = failures.concat(crashes);
    for (const r of recoveries)
      if (r.recoveredMs === undefined)
        failures.push(`${r.instance} did not recover in cycle ${r.cycle}`);
  } finally {
    await Promise.all(apps.map((app) => app.stop()));
    await redis.stop();
  }
  console.log(failures.length === 0 ? '\nsoak: PASS' : `\nsoak: FAIL: ${failures.join('; ')}`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
