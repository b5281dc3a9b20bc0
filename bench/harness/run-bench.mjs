// `npm run bench`: every variant in its own process on 127.0.0.1, loaded by autocannon from another
// process. Each round runs bare Nest, then every other variant each followed by bare again (bare A
// bare B bare ...; the order of the others reversed every other round), and a variant's ratio is
// to the mean of the two bare runs around it, so that the machine's drift hits both alike. Prints
// req/s, p50/p99 latency, server and load-generator CPU per request and those ratios (medians over
// the rounds); writes bench/results/latest.json and latest.md.
//
// Environment: BENCH_DURATION (s per measured run, default 5), BENCH_WARMUP (s before each run,
// default 1; every variant also gets one 3 s warm-up at start), BENCH_ROUNDS (default 3),
// BENCH_CONNECTIONS (default 50), BENCH_ADAPTERS (express,fastify), BENCH_VARIANTS (comma list to
// run a subset; bare always runs), BENCH_QUICK=1 (2 s runs, 1 round), BENCH_OUT (results dir,
// default bench/results).
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import {
  BENCH_APP_LISTENING,
  BENCH_DIST,
  benchAppEnv,
  REPO_ROOT,
  cpuMicros,
  envNumber,
  es256KeyPair,
  median,
  startNode,
  startRedis,
} from './lib.mjs';
import { BENCH_VARIANTS, credentialHeaders } from './variants.mjs';

const QUICK = process.env.BENCH_QUICK === '1';
const DURATION = envNumber('BENCH_DURATION', QUICK ? 2 : 5);
const WARMUP = envNumber('BENCH_WARMUP', 1);
const ROUNDS = envNumber('BENCH_ROUNDS', QUICK ? 1 : 3);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 50);
const ADAPTERS = (process.env.BENCH_ADAPTERS ?? 'express,fastify').split(',').filter(Boolean);
const ONLY = process.env.BENCH_VARIANTS?.split(',').filter(Boolean);
const OUT_DIR = process.env.BENCH_OUT ?? join(REPO_ROOT, 'bench', 'results');
const APP = join(BENCH_DIST, 'bench', 'harness', 'apps', 'bench-app.js');
const LOAD = join(REPO_ROOT, 'bench', 'harness', 'load.mjs');

// Optional variants run only when named in BENCH_VARIANTS: with them, a run takes longer than the
// 15 minutes it is held to.
const VARIANTS = BENCH_VARIANTS.filter(
  (variant) =>
    variant.name === 'bare' ||
    (ONLY === undefined ? variant.optional !== true : ONLY.includes(variant.name)),
);

function runLoad(url, headers, durationSeconds) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [LOAD, JSON.stringify({ url, connections: CONNECTIONS, durationSeconds, headers })],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(output.trim().split('\n').pop()));
    });
  });
}

/** Starts a variant and obtains its credential; checks it is refused without (protected routes). */
async function startVariant(variant, adapter, env) {
  const app = await startNode([APP], {
    name: `${variant.name} (${adapter})`,
    env: benchAppEnv(variant, adapter, env),
    listening: BENCH_APP_LISTENING,
  });
  const url = `${app.url}${variant.path}`;
  const headers = await credentialHeaders(variant, app.url, env.BENCH_JWT_PRIVATE_KEY);
  const ok = await fetch(url, { headers });
  const okBody = await ok.text();
  if (ok.status !== 200)
    throw new Error(
      `${variant.name} (${adapter}): ${variant.path} answered ${ok.status}: ${okBody}`,
    );
  const check = { status: ok.status, headers: Object.fromEntries(ok.headers) };
  if (variant.protectedRoute) {
    const anonymous = await fetch(url);
    await anonymous.arrayBuffer();
    if (anonymous.status !== 401 && anonymous.status !== 403)
      throw new Error(
        `${variant.name} (${adapter}): ${variant.path} without credentials answered ${anonymous.status}`,
      );
    check.anonymousStatus = anonymous.status;
  }
  return { ...app, url, headers, check };
}

/** One measured run of a variant: warm-up, then load; with its server CPU per request. */
async function measure({ variant, app }, round) {
  if (WARMUP > 0) await runLoad(app.url, app.headers, WARMUP);
  const cpuBefore = await cpuMicros(app.pid);
  const load = await runLoad(app.url, app.headers, DURATION);
  const cpuMicrosPerRequest = ((await cpuMicros(app.pid)) - cpuBefore) / Math.max(1, load.requests);
  const clientCpuMicrosPerRequest = load.clientCpuMicros / Math.max(1, load.requests);
  const flag =
    load.non2xx > 0 || load.errors > 0 ? `  (!) non-2xx ${load.non2xx}, errors ${load.errors}` : '';
  console.log(
    `  round ${round + 1} ${variant.name.padEnd(18)} ${fmt(load.rps).padStart(7)} req/s  p50 ${load.p50} ms  p99 ${load.p99} ms  cpu ${fmt(cpuMicrosPerRequest)} us/req${flag}`,
  );
  return { ...load, cpuMicrosPerRequest, clientCpuMicrosPerRequest };
}

const fmt = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

async function main() {
  const started = Date.now();
  const keys = es256KeyPair();
  const redis = await startRedis();
  const env = {
    BENCH_JWT_PRIVATE_KEY: keys.privateKeyPem,
    BENCH_JWT_PUBLIC_KEY: keys.publicKeyPem,
    REDIS_URL: redis.url,
  };
  const results = [];
  try {
    for (const adapter of ADAPTERS) {
      const variants = VARIANTS.filter((variant) => variant.adapters?.includes(adapter) ?? true);
      const running = [];
      try {
        for (const variant of variants)
          running.push({ variant, app: await startVariant(variant, adapter, env) });
        console.log(
          `\n${adapter}: ${running.length} variants up; ${ROUNDS} round(s) of ${DURATION} s (+${WARMUP} s warm-up), ${CONNECTIONS} connections`,
        );
        // The JIT's first pass, once per app, before anything is measured.
        for (const { app } of running) await runLoad(app.url, app.headers, QUICK ? 1 : 3);
        const bare = running.find(({ variant }) => variant.name === 'bare');
        const others = running.filter(({ variant }) => variant.name !== 'bare');
        const rounds = [];
        for (let round = 0; round < ROUNDS; round++) {
          // bare, A, bare, B, bare, ... : every variant is measured between two runs of bare, and
          // its ratio is to their mean, so a drift of the machine's speed in the middle of a round
          // (seen here: twice as fast for a minute, then back) hits the variant and its reference
          // alike. The order of the others alternates from round to round.
          const order = round % 2 === 0 ? others : [...others].reverse();
          const bareRuns = [await measure(bare, round)];
          const measured = {};
          for (const entry of order) {
            const run = await measure(entry, round);
            const after = await measure(bare, round);
            run.bareRps = (bareRuns.at(-1).rps + after.rps) / 2;
            run.ratioToBare = run.rps / run.bareRps;
            measured[entry.variant.name] = run;
            bareRuns.push(after);
          }
          measured.bare = {
            rps: median(bareRuns.map((r) => r.rps)),
            p50: median(bareRuns.map((r) => r.p50)),
            p99: median(bareRuns.map((r) => r.p99)),
            cpuMicrosPerRequest: median(bareRuns.map((r) => r.cpuMicrosPerRequest)),
            clientCpuMicrosPerRequest: median(bareRuns.map((r) => r.clientCpuMicrosPerRequest)),
            non2xx: bareRuns.reduce((sum, r) => sum + r.non2xx, 0),
            errors: bareRuns.reduce((sum, r) => sum + r.errors, 0),
            ratioToBare: 1,
            runs: bareRuns,
          };
          rounds.push(measured);
        }
        for (const { variant } of running) {
          const series = rounds.map((round) => round[variant.name]);
          results.push({
            adapter,
            variant: variant.name,
            label: variant.label,
            rps: median(series.map((s) => s.rps)),
            p50: median(series.map((s) => s.p50)),
            p99: median(series.map((s) => s.p99)),
            cpuMicrosPerRequest: median(series.map((s) => s.cpuMicrosPerRequest)),
            clientCpuMicrosPerRequest: median(series.map((s) => s.clientCpuMicrosPerRequest)),
            ratioToBare: median(series.map((s) => s.ratioToBare)),
            ratios: series.map((s) => s.ratioToBare),
            non2xx: series.reduce((sum, s) => sum + s.non2xx, 0),
            errors: series.reduce((sum, s) => sum + s.errors, 0),
            rounds: series,
          });
        }
      } finally {
        await Promise.all(running.map(({ app }) => app.stop()));
      }
    }
  } finally {
    await redis.stop();
  }
  const find = (adapter, variant) =>
    results.find((r) => r.adapter === adapter && r.variant === variant);
  const comparisons = [];
  for (const adapter of ADAPTERS) {
    const pairs = [
      ['rampart-jwt', 'glued-jwt'],
      ['rampart-session', 'express-session'],
      ['rampart-session', 'express-session-helmet'],
      ['rampart-throttle', 'nestlab-throttle'],
      // PrototypedExpressAdapter: Rampart against bare Nest on the same adapter, and what the
      // adapter itself is worth.
      ['rampart-jwt-prototyped', 'bare-prototyped'],
      ['rampart-session-prototyped', 'bare-prototyped'],
      ['rampart-session-prototyped', 'express-session-helmet-prototyped'],
      ['bare-prototyped', 'bare'],
    ];
    for (const [ours, theirs] of pairs) {
      const a = find(adapter, ours);
      const b = find(adapter, theirs);
      if (a && b)
        comparisons.push({
          adapter,
          ours,
          theirs,
          factor: median(a.rounds.map((r, i) => r.ratioToBare / b.rounds[i].ratioToBare)),
        });
    }
  }
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageAtEnd: os.loadavg(),
  };
  const report = {
    date: new Date().toISOString(),
    machine,
    settings: {
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      quick: QUICK,
    },
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
    results,
    comparisons,
  };
  const lines = [
    `Measured ${report.date.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}; loopback, ${CONNECTIONS} connections, ${ROUNDS} round(s) of ${DURATION} s per variant (medians; each variant's ratio is to the mean of the bare Nest runs just before and just after it).`,
    '',
    '| adapter | variant | req/s | p50 ms | p99 ms | server CPU us/req | load generator CPU us/req | x bare |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.adapter} | ${r.label} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuMicrosPerRequest)} | ${fmt(r.clientCpuMicrosPerRequest)} | ${fmt(r.ratioToBare, 2)} |`,
    ),
    '',
    '| adapter | Rampart | against | Rampart / other (ratios to bare, same round) |',
    '|---|---|---|---:|',
    ...comparisons.map((c) => `| ${c.adapter} | ${c.ours} | ${c.theirs} | ${fmt(c.factor, 2)} |`),
  ];
  const problems = results.filter((r) => r.non2xx > 0 || r.errors > 0);
  if (problems.length > 0) {
    lines.push(
      '',
      `Warning: non-2xx answers or errors during the load: ${problems.map((r) => `${r.adapter}/${r.variant} (${r.non2xx} non-2xx, ${r.errors} errors)`).join(', ')}.`,
    );
  }
  const markdown = `${lines.join('\n')}\n`;
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(join(OUT_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(OUT_DIR, 'latest.md'), markdown);
  console.log(
    `\n${markdown}\n(${report.elapsedSeconds} s; written to ${join(OUT_DIR, 'latest.json')} and latest.md)`,
  );
  if (problems.length > 0) process.exitCode = 1;
}

await main();
