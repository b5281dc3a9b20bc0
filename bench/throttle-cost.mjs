// Per-hit cost of Rampart's throttle counters next to @nestjs/throttler's storages, in process,
// through the same `ThrottlerStorage.increment(key, ttl, limit, blockDuration, throttlerName)`
// call the throttler guard makes:
// - memory: RampartThrottlerStorage over MemoryThrottleCounter (sliding window, Rampart's default
//   for general limits, and fixed window) vs @nestjs/throttler's ThrottlerStorageService;
// - Redis: RampartThrottlerStorage over RedisThrottleCounter (node-redis, EVALSHA) vs
//   @nest-lab/throttler-storage-redis (ioredis, EVAL), on one throwaway redis-server of our own;
//   and what a hit costs Redis itself (its single thread is shared by every app instance): the
//   script's time from INFO commandstats, and the server's whole CPU time (I/O included) from
//   INFO cpu, per hit, over 20,000 hits on 5,000 keys with 64 in flight.
// Keys are SHA-256 hex strings, as the guard generates them; ttl 60 s; blockDuration = ttl, as the
// guard passes it when a throttler sets none. Every round starts on fresh, empty storage.
// Run with `npm run bench:throttle` (builds first). Prints figures and ratios; asserts nothing.
import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { redisCommand, startRedis } from './harness/lib.mjs';

const require = createRequire(import.meta.url);
const lib = require('../dist/libs/security/src/index.js');
const { ThrottlerStorageService } = require('@nestjs/throttler');
const { ThrottlerStorageRedisService } = require('@nest-lab/throttler-storage-redis');
const { default: IORedis } = require('ioredis');

const TTL_MS = 60_000;
const NAME = 'default';
const ROUNDS = 3;
const REDIS_ROUNDS = 2;
/** The guard's key shape; `salt` gives every round keys of its own (fresh counters). */
const keyOf = (salt, i) => createHash('sha256').update(`${salt}:${i}`).digest('hex');

/**
 * The scenarios: `keys` distinct keys hit round-robin `hits` times in all, under `limit` a
 * minute; `concurrency` increments in flight at once (1: each awaited before the next).
 */
const MEMORY_SCENARIOS = [
  {
    label: '25,000 distinct keys, 4 hits each (limit 100/min: all allowed)',
    keys: 25_000,
    hits: 100_000,
    limit: 100,
  },
  {
    label: 'one hot key, 5,000 hits (limit 5,000/min: all allowed)',
    keys: 1,
    hits: 5_000,
    limit: 5_000,
  },
  {
    label: 'one hot key, 100,000 hits (limit 100/min: all but 100 refused)',
    keys: 1,
    hits: 100_000,
    limit: 100,
  },
];
const REDIS_SCENARIOS = [
  {
    label: '5,000 distinct keys, one at a time',
    keys: 5_000,
    hits: 5_000,
    limit: 100,
    concurrency: 1,
  },
  {
    label: '5,000 distinct keys, 64 in flight',
    keys: 5_000,
    hits: 20_000,
    limit: 100,
    concurrency: 64,
  },
  {
    label: 'one hot key, one at a time (limit 100/min: refused)',
    keys: 1,
    hits: 5_000,
    limit: 100,
    concurrency: 1,
  },
  {
    label: 'for reference: the client alone (PING), one at a time',
    keys: 1,
    hits: 5_000,
    limit: 100,
    concurrency: 1,
    ping: true,
  },
];

/** Runs `scenario` against a fresh storage from `open`; resolves with microseconds per hit. */
async function measure(open, scenario) {
  const { storage, ping, close } = await open();
  const salt = randomUUID();
  const keys = Array.from({ length: scenario.keys }, (_, i) => keyOf(salt, i));
  const concurrency = scenario.concurrency ?? 1;
  try {
    const start = performance.now();
    if (scenario.ping === true) {
      for (let i = 0; i < scenario.hits; i++) await ping();
    } else if (concurrency === 1) {
      for (let i = 0; i < scenario.hits; i++) {
        await storage.increment(keys[i % keys.length], TTL_MS, scenario.limit, TTL_MS, NAME);
      }
    } else {
      let next = 0;
      const worker = async () => {
        while (next < scenario.hits) {
          const i = next++;
          await storage.increment(keys[i % keys.length], TTL_MS, scenario.limit, TTL_MS, NAME);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    }
    return ((performance.now() - start) * 1_000) / scenario.hits;
  } finally {
    await close();
  }
}

/** Best of ROUNDS (rounds interleaved between the contenders), after one warm-up round each. */
async function compare(contenders, scenarios, rounds = ROUNDS) {
  const rows = [];
  for (const scenario of scenarios) {
    const warmUp = { ...scenario, hits: Math.min(scenario.hits, 2_000) };
    for (const contender of contenders) await measure(contender.open, warmUp);
    const best = contenders.map(() => Infinity);
    for (let round = 0; round < rounds; round++) {
      for (const [index, contender] of contenders.entries()) {
        best[index] = Math.min(best[index], await measure(contender.open, scenario));
      }
    }
    rows.push({ scenario, best });
  }
  return rows;
}

function print(title, contenders, rows) {
  const baseline = contenders.length - 1; // the @nestjs / @nest-lab storage, last
  console.log(`\n${title}`);
  console.log(
    `| scenario | ${contenders.map((c) => `${c.name} (us/hit)`).join(' | ')} | ${contenders
      .slice(0, baseline)
      .map((c) => `${c.short} / ${contenders[baseline].short}`)
      .join(' | ')} |`,
  );
  console.log(
    `|---|${contenders.map(() => '---|').join('')}${contenders
      .slice(0, baseline)
      .map(() => '---|')
      .join('')}`,
  );
  for (const { scenario, best } of rows) {
    const ratios = best.slice(0, baseline).map((us) => (us / best[baseline]).toFixed(2));
    console.log(
      `| ${scenario.label} | ${best.map((us) => us.toFixed(2)).join(' | ')} | ${ratios.join(' | ')} |`,
    );
  }
}

// ---- memory ---------------------------------------------------------------------------------

const memoryContenders = [
  {
    name: 'Rampart memory, sliding window',
    short: 'Rampart sliding',
    open: async () => ({
      storage: new lib.RampartThrottlerStorage(new lib.MemoryThrottleCounter(), {
        defaultAlgorithm: 'sliding-window',
      }),
      close: async () => undefined,
    }),
  },
  {
    name: 'Rampart memory, fixed window',
    short: 'Rampart fixed',
    open: async () => ({
      storage: new lib.RampartThrottlerStorage(new lib.MemoryThrottleCounter(), {
        defaultAlgorithm: 'fixed-window',
      }),
      close: async () => undefined,
    }),
  },
  {
    name: '@nestjs/throttler ThrottlerStorageService',
    short: '@nestjs',
    open: async () => {
      const storage = new ThrottlerStorageService();
      return { storage, close: async () => storage.onApplicationShutdown() };
    },
  },
];

// ---- Redis ----------------------------------------------------------------------------------

function redisContenders(url) {
  return [
    {
      name: 'Rampart Redis (node-redis, EVALSHA)',
      short: 'Rampart',
      open: async () => {
        const keyPrefix = `bench:${randomUUID()}:`;
        const store = await lib.RedisSecurityStore.connect({ url, keyPrefix });
        const counter = new lib.RedisThrottleCounter(store.scriptClient(), { keyPrefix });
        return {
          storage: new lib.RampartThrottlerStorage(counter, { defaultAlgorithm: 'sliding-window' }),
          // The store's client, which the counter uses (it has no PING of its own).
          ping: () => store.scriptClient().ping(),
          close: () => store.onApplicationShutdown(),
        };
      },
    },
    {
      name: '@nest-lab/throttler-storage-redis (ioredis, EVAL)',
      short: '@nest-lab',
      open: async () => {
        const client = new IORedis(url);
        await client.ping();
        const storage = new ThrottlerStorageRedisService(client);
        return {
          storage,
          ping: () => client.ping(),
          close: async () => {
            await client.quit();
          },
        };
      },
    },
  ];
}

/** Microseconds of Redis's main thread (INFO cpu) and of scripts (INFO commandstats) so far. */
async function redisCpu(port) {
  const cpu = await redisCommand(port, 'INFO', 'cpu');
  const seconds = ['used_cpu_user_main_thread', 'used_cpu_sys_main_thread']
    .map((field) => Number(new RegExp(`${field}:([\\d.]+)`).exec(cpu)?.[1]))
    .reduce((a, b) => a + b, 0);
  const stats = await redisCommand(port, 'INFO', 'commandstats');
  const scripts = [...stats.matchAll(/cmdstat_(?:evalsha|eval):calls=\d+,usec=(\d+)/g)]
    .map((match) => Number(match[1]))
    .reduce((a, b) => a + b, 0);
  return { process: seconds * 1e6, scripts };
}

/** What each contender's hits cost Redis: best of REDIS_ROUNDS, after a warm-up. */
async function redisSide(contenders, port) {
  const scenario = REDIS_SCENARIOS[1];
  const rows = [];
  for (const contender of contenders) {
    await measure(contender.open, { ...scenario, hits: 2_000 });
    let best = { process: Infinity, scripts: Infinity };
    for (let round = 0; round < REDIS_ROUNDS; round++) {
      await redisCommand(port, 'CONFIG', 'RESETSTAT');
      const before = await redisCpu(port);
      await measure(contender.open, scenario);
      const after = await redisCpu(port);
      best = {
        process: Math.min(best.process, (after.process - before.process) / scenario.hits),
        scripts: Math.min(best.scripts, (after.scripts - before.scripts) / scenario.hits),
      };
    }
    rows.push({ contender, best });
  }
  console.log(`\nWhat a hit costs Redis (${scenario.label}), best of ${REDIS_ROUNDS} rounds`);
  console.log(
    '| storage | script us/hit (commandstats) | redis-server CPU us/hit (I/O included) |',
  );
  console.log('|---|---|---|');
  for (const { contender, best } of rows) {
    console.log(`| ${contender.name} | ${best.scripts.toFixed(2)} | ${best.process.toFixed(2)} |`);
  }
}

// ---- run ------------------------------------------------------------------------------------

const started = performance.now();
const cpus = os.cpus();
console.log(
  `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'cpu'}, node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}`,
);
console.log('Throttle cost per hit: ThrottlerStorage.increment(), in microseconds.');

print(
  `In-memory storage (one process), best of ${ROUNDS} rounds`,
  memoryContenders,
  await compare(memoryContenders, MEMORY_SCENARIOS),
);

// A throwaway redis-server on a free port (never the shared one on 6379), no persistence.
const redis = await startRedis();
try {
  const contenders = redisContenders(redis.url);
  print(
    `Redis storage (one local redis-server, ${redis.url.replace('redis://', '')}), best of ${REDIS_ROUNDS} rounds`,
    contenders,
    await compare(contenders, REDIS_SCENARIOS, REDIS_ROUNDS),
  );
  await redisSide(contenders, redis.port);
} finally {
  await redis.stop();
}
console.log(
  `\nratio < 1: Rampart costs less per hit. Whole run: ${((performance.now() - started) / 1_000).toFixed(1)} s.`,
);
