// `npm run bench:ic -- [variant] [adapter]` (default: rampart-jwt express): where a variant misses
// V8's inline caches, per request, against bare Nest. Each app runs under `node --log-ic`, gets
// IC_WARMUP requests (default 3000), rests for 2.5 s, then gets IC_REQUESTS (default 1000, 10
// connections); the IC events logged after the rest are counted, by site: the kind of access
// (`LoadIC`, `StoreIC`, ...), the property, the function and its place in the source. The count is
// exact and does not drift with the machine's speed.
//
// On Express every request and response has a hidden class of its own (see `RequestSlot` and the
// README, Performance), so each property read or written on one after it changes misses: a read
// costs about 2k instructions and a store about 7k (callgrind, bare Nest on Express). This lists
// the sites that miss more, or less, often than in bare Nest (|difference| >= 0.3 per request),
// Rampart's own marked `*`. Build first (`tsc -p bench/harness/tsconfig.json`).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import {
  BENCH_APP_LISTENING,
  BENCH_DIST,
  benchAppEnv,
  REPO_ROOT,
  envNumber,
  es256KeyPair,
  startNode,
  sleep,
  startRedis,
} from './lib.mjs';
import { BENCH_VARIANTS, credentialHeaders } from './variants.mjs';

const [name = 'rampart-jwt', adapter = 'express'] = process.argv.slice(2);
const WARMUP = envNumber('IC_WARMUP', 3000);
const REQUESTS = envNumber('IC_REQUESTS', 1000);
const REST_MS = 2500;
const APP = join(BENCH_DIST, 'bench', 'harness', 'apps', 'bench-app.js');
const RAMPART = join('libs', 'security');

const variantOf = (variantName) => {
  const variant = BENCH_VARIANTS.find((candidate) => candidate.name === variantName);
  if (variant === undefined) throw new Error(`unknown variant "${variantName}"`);
  if (variant.adapters !== undefined && !variant.adapters.includes(adapter))
    throw new Error(`variant "${variantName}" does not run on ${adapter}`);
  return variant;
};

/** Requests `amount` times, 10 at a time; throws unless every answer is a 200. */
async function load(url, headers, amount) {
  const result = await autocannon({ url, headers, amount, connections: 10, timeout: 60 });
  if (result.non2xx > 0 || result.errors > 0 || result.requests.total !== amount)
    throw new Error(`${url}: ${result.requests.total} answers, ${result.non2xx} not 2xx`);
}

/**
 * Runs one variant under --log-ic; resolves the log's text and the middle of the rest, in the
 * log's time (microseconds since the process started, give or take its start-up).
 */
async function logOf(variant, env, dir) {
  const logfile = join(dir, `${variant.name}.log`);
  const spawnedAt = performance.now();
  const app = await startNode([APP], {
    name: variant.name,
    nodeArgs: ['--log-ic', `--logfile=${logfile}`, '--no-logfile-per-isolate'],
    env: benchAppEnv(variant, adapter, env),
    listening: BENCH_APP_LISTENING,
  });
  let restMiddle = 0;
  try {
    const headers = await credentialHeaders(variant, app.url, env.BENCH_JWT_PRIVATE_KEY);
    await load(`${app.url}${variant.path}`, headers, WARMUP);
    restMiddle = (performance.now() - spawnedAt + REST_MS / 2) * 1000;
    await sleep(REST_MS);
    await load(`${app.url}${variant.path}`, headers, REQUESTS);
  } finally {
    await app.stop();
  }
  return { log: await readFile(logfile, 'utf8'), restMiddle };
}

/**
 * IC events per request by site, from the events after the rest. A site is `kind property
 * function place`; the function comes from the code object holding the event's address.
 */
function sitesOf({ log, restMiddle }) {
  // Code objects by start address, each address's in the order they were made there (V8 reuses
  // the space of collected code): an event belongs to the last one made before it.
  const versions = new Map();
  const made = (start, size, name, seq) => {
    const list = versions.get(start) ?? [];
    list.push({ size, name, seq });
    versions.set(start, list);
  };
  const events = [];
  const lines = log.split('\n');
  for (let seq = 0; seq < lines.length; seq++) {
    const fields = lines[seq].split(',');
    if (fields[0] === 'code-creation') {
      made(parseInt(fields[4], 16), Number(fields[5]), fields[6].trim(), seq);
    } else if (fields[0] === 'code-move') {
      const moved = versions.get(parseInt(fields[1], 16))?.at(-1);
      if (moved !== undefined) made(parseInt(fields[2], 16), moved.size, moved.name, seq);
    } else if (fields[0].endsWith('IC') && fields.length >= 9) {
      // kind, pc, time (us), line, column, old state, new state, map, key, ...
      events.push({
        kind: fields[0],
        pc: parseInt(fields[1], 16),
        seq,
        time: Number(fields[2]),
        place: `${fields[3]}:${fields[4]}`,
        key: fields[8].replace(/ hash [0-9a-f]+/, ''),
      });
    }
  }
  const cut = events.findIndex((event) => event.time >= restMiddle);
  if (cut === -1) throw new Error('no IC events logged after the rest');
  const starts = [...versions.keys()].sort((a, b) => a - b);
  const functionAt = ({ pc, seq }) => {
    let low = 0;
    let high = starts.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (starts[middle] <= pc) low = middle + 1;
      else high = middle - 1;
    }
    // The nearest few addresses at or below pc; the newest code made there before the event.
    for (let i = high; i >= 0 && i > high - 16; i--) {
      const code = versions
        .get(starts[i])
        .findLast((candidate) => candidate.seq < seq && pc < starts[i] + candidate.size);
      if (code !== undefined) return code.name;
    }
    return '?';
  };
  const sites = new Map();
  for (const event of events.slice(cut)) {
    const code = functionAt(event).replace(REPO_ROOT, '.');
    const site = `${event.kind} ${event.key} in ${code} @${event.place}`;
    sites.set(site, (sites.get(site) ?? 0) + 1 / REQUESTS);
  }
  return { sites, total: (events.length - cut) / REQUESTS };
}

async function main() {
  const variant = variantOf(name);
  // Against bare Nest on the same adapter: Nest's own, or PrototypedExpressAdapter.
  const bare = variantOf(
    variant.env?.BENCH_EXPRESS_PROTOTYPED === '1' ? 'bare-prototyped' : 'bare',
  );
  const keys = es256KeyPair();
  const redis = await startRedis();
  const dir = await mkdtemp(join(tmpdir(), 'rampart-ic-'));
  const env = {
    BENCH_JWT_PRIVATE_KEY: keys.privateKeyPem,
    BENCH_JWT_PUBLIC_KEY: keys.publicKeyPem,
    REDIS_URL: redis.url,
  };
  try {
    const base = sitesOf(await logOf(bare, env, dir));
    const mine = sitesOf(await logOf(variant, env, dir));
    console.log(
      `${adapter}: inline-cache misses per request (${REQUESTS} after ${WARMUP} warm-up): ` +
        `${bare.name} ${base.total.toFixed(1)}, ${variant.name} ${mine.total.toFixed(1)}`,
    );
    const rows = [];
    for (const site of new Set([...base.sites.keys(), ...mine.sites.keys()])) {
      const difference = (mine.sites.get(site) ?? 0) - (base.sites.get(site) ?? 0);
      if (Math.abs(difference) >= 0.3) rows.push({ site, difference });
    }
    rows.sort((a, b) => b.difference - a.difference);
    console.log(`  ${'+/-'.padStart(5)}  site (* Rampart's own)`);
    for (const { site, difference } of rows) {
      const own = site.includes(RAMPART) ? '*' : ' ';
      console.log(`  ${difference.toFixed(2).padStart(5)} ${own}${site}`);
    }
  } finally {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
