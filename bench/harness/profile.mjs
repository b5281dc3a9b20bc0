// `node bench/harness/profile.mjs [variant] [adapter]`: runs one bench variant under
// `node --cpu-prof`, loads it with autocannon (own process) for PROFILE_DURATION s (default 15),
// stops it, and prints where the CPU went: self time by function and by package/area, and the
// inclusive time of a few Rampart entry points. Build first (`tsc -p bench/harness/tsconfig.json`).
// `BENCH_SPIN_US=30` adds 30 us of pure CPU to every request (a calibration: compare the writev
// line with and without it).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BENCH_APP_LISTENING,
  BENCH_DIST,
  benchAppEnv,
  REPO_ROOT,
  envNumber,
  es256KeyPair,
  mintEs256,
  startNode,
  startRedis,
} from './lib.mjs';
import { BENCH_VARIANTS } from './variants.mjs';

const [variant = 'rampart-jwt', adapter = 'fastify'] = process.argv.slice(2);
const DURATION = envNumber('PROFILE_DURATION', 15);
const APP = join(BENCH_DIST, 'bench', 'harness', 'apps', 'bench-app.js');
const LOAD = join(REPO_ROOT, 'bench', 'harness', 'load.mjs');
const VARIANT = BENCH_VARIANTS.find((candidate) => candidate.name === variant);
if (VARIANT === undefined) throw new Error(`unknown variant "${variant}"`);

const dir = await mkdtemp(join(tmpdir(), 'rampart-prof-'));
const keys = es256KeyPair();
const redis = await startRedis();
const app = await startNode([APP], {
  name: variant,
  nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
  env: {
    ...benchAppEnv(VARIANT, adapter, {
      REDIS_URL: redis.url,
      BENCH_JWT_PRIVATE_KEY: keys.privateKeyPem,
      BENCH_JWT_PUBLIC_KEY: keys.publicKeyPem,
    }),
    BENCH_SPIN_US: process.env.BENCH_SPIN_US ?? VARIANT.env?.BENCH_SPIN_US ?? '0',
  },

  listening: BENCH_APP_LISTENING,
});
const headers = {};
if (variant.endsWith('-jwt'))
  headers.authorization = `Bearer ${mintEs256(keys.privateKeyPem, 'bench-1', { iss: 'https://bench.rampart.local', aud: 'bench-api', sub: 'u-1', roles: ['user'] })}`;
if (variant.endsWith('-session')) {
  const login = await fetch(`${app.url}/login`, { method: 'POST' });
  headers.cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
}
const url = `${app.url}${VARIANT.path}`;
const load = await new Promise((resolve, reject) => {
  const child = spawn(
    process.execPath,
    [LOAD, JSON.stringify({ url, connections: 50, durationSeconds: DURATION, headers })],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.once('exit', (code) =>
    code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`)),
  );
});
console.log(
  `${variant} (${adapter}): ${load.rps.toFixed(0)} req/s, p50 ${load.p50} ms, p99 ${load.p99} ms, non-2xx ${load.non2xx}`,
);
await app.stop();
await redis.stop();

const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'));
if (file === undefined) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self]
  .filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id).callFrame.functionName))
  .reduce((a, [, t]) => a + t, 0);
const busy = total - idle;
const area = (url) => {
  if (url === '') return '(native/vm)';
  if (url.startsWith('node:')) return url.split('/')[0];
  const lib = /libs\/security\/src\/(.+)$/.exec(url);
  if (lib) return `rampart/${lib[1]}`;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  return url.replace(/^file:\/\//, '').replace(REPO_ROOT, '.');
};
const selfByFn = new Map();
const selfByArea = new Map();
for (const [id, t] of self) {
  const { functionName, url, lineNumber } = byId.get(id).callFrame;
  if (['(idle)', '(program)'].includes(functionName)) continue;
  const key = `${functionName || '(anonymous)'} ${area(url)}:${lineNumber + 1}`;
  selfByFn.set(key, (selfByFn.get(key) ?? 0) + t);
  const a = area(url).replace(/^(rampart\/[^/]+(?:\/[^/]+)?).*$/, '$1');
  selfByArea.set(a, (selfByArea.get(a) ?? 0) + t);
}
// Inclusive time of every frame (counted once per sample even when recursive).
const inclusive = new Map();
profile.samples.forEach((id, i) => {
  const seen = new Set();
  for (let node = id; node !== undefined; node = parent.get(node)) {
    const { functionName, url } = byId.get(node).callFrame;
    const key = `${functionName || '(anonymous)'} ${area(url)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + (deltas[i] ?? 0));
  }
});
const perRequest = (us) => (us / load.requests).toFixed(1);
const show = (title, map, n) => {
  console.log(`\n${title} (us per request; % of busy CPU)`);
  for (const [key, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(
      `  ${perRequest(t).padStart(7)}  ${((100 * t) / busy).toFixed(1).padStart(5)}%  ${key}`,
    );
  }
};
console.log(
  `\nmain thread busy ${(busy / 1e6).toFixed(2)} s for ${load.requests} requests = ${perRequest(busy)} us/request (profile: ${join(dir, file)})`,
);
show('Self time by area', selfByArea, 25);
show('Self time by function', selfByFn, 30);
const INCLUSIVE =
  /canActivate|authenticate|verify|increment|hit |applyHeaderPlan|intercept|assertNotRevoked|validate|getRecord|load /;
show(
  'Inclusive time of entry points',
  new Map([...inclusive].filter(([k]) => INCLUSIVE.test(k))),
  30,
);
