// Session lookup latency and Redis memory per session with 1k, 100k and 1M sessions in the store.
// Run by bench/harness/scale.mjs against a redis-server of its own per size (REDIS_URLS, one per
// SCALE_SIZES entry). Sessions are written in bulk (`redis-cli --pipe`) in exactly the store's
// format (record and per-user index, encoded by Rampart's own toFields / recordToJson), then looked
// up through SessionRepository.load() on a RedisSecurityStore, with the local record cache off so
// that every lookup goes to Redis, in rounds (SCALE_ROUNDS, default 10). The lookups one after
// another interleave the sizes lookup by lookup; those with 50 in flight alternate between the
// sizes. Prints one JSON line per size, prefixed with `RESULT `.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { RedisSecurityStore, type ResolvedSecurityOptions } from '../../../libs/security/src';
import {
  toFields,
  type SessionRecord,
} from '../../../libs/security/src/authn/session/session-record';
import { SessionRepository } from '../../../libs/security/src/authn/session/session.repository';
import { recordToJson } from '../../../libs/security/src/store/store-arguments';

const PREFIX = 'scale:';
const TTL_MS = 8 * 60 * 60 * 1000;

function env(name: string, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

const handleOf = (i: number): string =>
  createHash('sha256').update(`session-${i}`).digest('base64url');

function resp(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const arg of args) out += `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`;
  return out;
}

/** Writes sessions [from, to) with `redis-cli --pipe`, record and index as Rampart writes them. */
async function populate(port: string, from: number, to: number): Promise<void> {
  const child = spawn('redis-cli', ['-p', port, '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const now = Date.now();
  let chunk = '';
  for (let i = from; i < to; i++) {
    const handle = handleOf(i);
    const record: SessionRecord = {
      user: { id: `user-${i}`, username: `user${i}@example.com`, roles: ['user'] },
      via: 'session',
      createdAt: now,
      absoluteExpiresAt: now + TTL_MS,
      lastSeenAt: now,
      ip: '203.0.113.7',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
      csrfSecret: createHash('sha256').update(`csrf-${i}`).digest('base64url'),
      data: {},
    };
    const key = `${PREFIX}session:${handle}`;
    const index = `${PREFIX}sessions-of:user-${i}`;
    chunk += resp(['HSET', key, ...[...recordToJson(toFields(record))].flat()]);
    chunk += resp(['PEXPIRE', key, String(TTL_MS)]);
    chunk += resp(['SADD', index, handle]);
    chunk += resp(['PEXPIRE', index, String(TTL_MS)]);
    if (chunk.length > 1 << 20) {
      if (!child.stdin.write(chunk))
        await new Promise((resolve) => child.stdin.once('drain', resolve));
      chunk = '';
    }
  }
  child.stdin.end(chunk);
  const code = await exited;
  if (code !== 0 || !/errors: 0/.test(output))
    throw new Error(`redis-cli --pipe failed: ${output}`);
}

function percentile(sorted: readonly number[], p: number): number {
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ??
    NaN
  );
}

/** One size's Redis, store and repository, and the latencies measured on it so far. */
interface Target {
  readonly size: number;
  readonly repository: SessionRepository;
  readonly sequential: number[];
  readonly concurrent: number[];
  /** The sequential lookups' p50 of each measured round, in microseconds. */
  readonly roundP50s: number[];
  concurrentSeconds: number;
}

const pickOn = (target: Target): string => handleOf(Math.floor(Math.random() * target.size));

/** One lookup on `target`, timed. */
async function lookupOnce(target: Target): Promise<void> {
  const handle = pickOn(target);
  const start = performance.now();
  const record = await target.repository.load(handle);
  target.sequential.push((performance.now() - start) * 1000);
  if (record === undefined) throw new Error('a populated session did not load');
}

/**
 * `count` lookups on each target one after another, interleaved lookup by lookup (1k, 100k, 1M,
 * then 100k, 1M, 1k, ...: the order rotates, so that no size always follows the same one): a
 * drift of the machine's speed, even within a round, hits every size alike.
 */
async function sampleSequential(targets: readonly Target[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < targets.length; j++) {
      const target = targets[(i + j) % targets.length];
      if (target !== undefined) await lookupOnce(target);
    }
  }
}

/** `count` lookups with 50 in flight on `target`, as under load. */
async function sampleConcurrent(target: Target, count: number): Promise<void> {
  const startAll = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      for (let i = 0; i < count / 50; i++) {
        const start = performance.now();
        await target.repository.load(pickOn(target));
        target.concurrent.push((performance.now() - start) * 1000);
      }
    }),
  );
  target.concurrentSeconds += (performance.now() - startAll) / 1000;
}

async function main(): Promise<void> {
  const urls = env('REDIS_URLS', env('REDIS_URL', '')).split(',');
  const sizes = env('SCALE_SIZES', '1000,100000,1000000').split(',').map(Number);
  if (urls.length !== sizes.length)
    throw new Error(`REDIS_URLS names ${urls.length} servers for ${sizes.length} sizes`);
  const samples = Number(env('SCALE_SAMPLES', '20000'));
  const rounds = Number(env('SCALE_ROUNDS', '10'));
  const options = { session: { localCacheTtlMs: 0 }, store: { type: 'redis' } };
  const targets: Target[] = [];
  const results: Record<string, unknown>[] = [];
  const closers: (() => Promise<unknown>)[] = [];
  // Every size in a Redis of its own, all populated first: the lookups are then measured
  // interleaved between the sizes, so that a drift of the machine's speed during the run hits
  // every size alike (measured one size after the other, the 1k-to-1M ratio moved by 0.4 between
  // two runs; in rounds of 2,000 lookups a size, a round's ratio still ranged from 0.89 to 1.22).
  for (const [i, size] of sizes.entries()) {
    const url = urls[i] ?? '';
    const admin = createClient({ url });
    await admin.connect();
    const usedMemory = async (): Promise<number> =>
      Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    const baseline = await usedMemory();
    const started = performance.now();
    await populate(new URL(url).port, 0, size);
    const populateSeconds = (performance.now() - started) / 1000;
    const memory = await usedMemory();
    const store = await RedisSecurityStore.connect({ url, keyPrefix: PREFIX });
    const repository = new SessionRepository(store, options as unknown as ResolvedSecurityOptions);
    targets.push({
      size,
      repository,
      sequential: [],
      concurrent: [],
      roundP50s: [],
      concurrentSeconds: 0,
    });
    results.push({
      sessions: size,
      keys: await admin.dbSize(),
      redisUsedMemoryBytes: memory,
      bytesPerSession: (memory - baseline) / size,
      populateSeconds,
      samples,
    });
    closers.push(
      () => store.onApplicationShutdown(),
      () => admin.quit(),
    );
  }
  await sampleSequential(targets, 2_000);
  for (const target of targets) await sampleConcurrent(target, 2_000);
  for (const target of targets) {
    target.sequential.length = 0;
    target.concurrent.length = 0;
    target.concurrentSeconds = 0;
  }
  const perRound = Math.ceil(samples / rounds);
  for (let round = 0; round < rounds; round++) {
    const starts = targets.map((target) => target.sequential.length);
    await sampleSequential(targets, perRound);
    for (const [i, target] of targets.entries()) {
      const lookups = target.sequential.slice(starts[i]).sort((a, b) => a - b);
      target.roundP50s.push(percentile(lookups, 50));
    }
    // The lookups with 50 in flight, a size at a time (the order reversed every other round).
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) await sampleConcurrent(target, perRound);
  }
  for (const [i, target] of targets.entries()) {
    const sequential = [...target.sequential].sort((a, b) => a - b);
    const concurrent = [...target.concurrent].sort((a, b) => a - b);
    const result = {
      ...results[i],
      sequentialP50Us: percentile(sequential, 50),
      sequentialP99Us: percentile(sequential, 99),
      sequentialP50UsByRound: target.roundP50s,
      concurrentP50Us: percentile(concurrent, 50),
      concurrentP99Us: percentile(concurrent, 99),
      concurrentLookupsPerSecond: concurrent.length / target.concurrentSeconds,
    };
    console.log(`RESULT ${JSON.stringify(result)}`);
  }
  for (const close of closers) await close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
