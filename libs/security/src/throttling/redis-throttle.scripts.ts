import { createHash } from 'node:crypto';
import type { ThrottleAlgorithm } from './throttle-rule.interface';

/**
 * The Lua scripts of {@link RedisThrottleCounter}: one per algorithm, each a line-for-line
 * translation of its function in `throttle-algorithms.ts`, run atomically by Redis on one key.
 *
 * Calling convention: KEYS[1] the key; ARGV[1] limit, ARGV[2] windowMs, ARGV[3] blockMs.
 * Returns `{ allowed (0/1), remaining, resetMs, retryAfterMs }` and leaves the key expiring after
 * `resetMs`, when its state would be that of a fresh key anyway.
 *
 * The key holds the algorithm's state as one string of big-endian doubles (`struct.pack`): fixed
 * window `start, count, blocked`, sliding window `index, current, previous, blocked`, token
 * bucket `level, updated, blocked`; every value an integer, which a double holds exactly up to
 * 2^53. One GET and one SET with `PX` per hit: Redis spent about 7 us on the sliding window's hit
 * under `redis-benchmark`, where a hash read with HMGET and written with HSET and PEXPIRE, its
 * numbers formatted as text, took about 10 us (`npm run bench:throttle` prints what a hit costs
 * Redis now). A key holding anything else (another type, a string of another length) makes the
 * script fail, and the hit with it: it is never read as a fresh key.
 *
 * The time is Redis's own (`TIME`), so instances with skewed clocks share one timeline. Redis 5+
 * replicates a script by its effects, so a script may read `TIME` before writing (Redis 7 always
 * does).
 */

/** A Lua script and its SHA-1, for EVALSHA with an EVAL fallback. */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function luaScript(body: string): LuaScript {
  const source = `${PREAMBLE}${body}${POSTAMBLE}`;
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** The one line that reads the clock; the differential test replaces it to fake Redis time. */
export const TIME_LINE = "local time = redis.call('TIME')";

/** The one line that writes the key; the differential test replaces its expiry. */
export const WRITE_LINE =
  "redis.call('SET', KEYS[1], state, 'PX', string.format('%d', math.max(reset, 1)))";

const PREAMBLE = `
${TIME_LINE}
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local block = tonumber(ARGV[3])
local saved = redis.call('GET', KEYS[1])
local function readState(size, format)
  if #saved ~= size then error({ err = 'ERR the key holds no Rampart throttle state' }) end
  return struct.unpack(format, saved)
end
`;

const POSTAMBLE = `
${WRITE_LINE}
return { allowed, remaining, reset, retry }
`;

const FIXED_WINDOW = luaScript(`
local start, count, blocked = 0, 0, 0
if saved then start, count, blocked = readState(24, '>ddd') end
if now >= start + window then
  start = 0
  count = 0
elseif now < start then
  now = start
end
local allowed, retry = 0, 0
if blocked > now then
  retry = blocked - now
elseif count < limit then
  if count == 0 then start = now end
  count = count + 1
  allowed = 1
else
  retry = start + window - now
  if block > 0 then
    blocked = now + math.max(block, retry)
    retry = blocked - now
  end
end
local remaining = 0
if allowed == 1 then remaining = limit - count end
local counting = 0
if count > 0 then counting = start + window - now end
local reset = math.max(counting, blocked - now)
local state = struct.pack('>ddd', start, count, blocked)
`);

const SLIDING_WINDOW = luaScript(`
local index = math.floor(now / window)
local stored, current, previous, blocked = nil, 0, 0, 0
if saved then stored, current, previous, blocked = readState(32, '>dddd') end
if stored == nil or index > stored + 1 then
  current = 0
  previous = 0
elseif index == stored + 1 then
  previous = current
  current = 0
elseif index < stored then
  index = stored
  now = index * window
end
local elapsed = now - index * window
local capacity = limit * window
local allowed, retry = 0, 0
if blocked > now then
  retry = blocked - now
elseif previous * (window - elapsed) + (current + 1) * window <= capacity then
  current = current + 1
  allowed = 1
else
  retry = -1
  if current + 1 <= limit then
    local at = window - math.floor((limit - current - 1) * window / previous)
    if at < window then retry = at - elapsed end
  end
  if retry < 0 then
    local nextAt = 0
    if current > limit - 1 then nextAt = window - math.floor((limit - 1) * window / current) end
    retry = window - elapsed + nextAt
  end
  if block > 0 then
    blocked = now + math.max(block, retry)
    retry = blocked - now
  end
end
local drained = 0
if current > 0 then
  drained = 2 * window - elapsed
elseif previous > 0 then
  drained = window - elapsed
end
local remaining = 0
if allowed == 1 then
  remaining = math.floor((capacity - previous * (window - elapsed) - current * window) / window)
end
local reset = math.max(drained, blocked - now)
local state = struct.pack('>dddd', index, current, previous, blocked)
`);

const TOKEN_BUCKET = luaScript(`
local capacity = limit * window
local level = capacity
local updated = now
local blocked = 0
if saved then
  local stored, storedAt
  stored, storedAt, blocked = readState(24, '>ddd')
  local elapsed = math.max(0, now - storedAt)
  if elapsed >= window then
    level = capacity
  else
    level = math.min(capacity, stored + elapsed * limit)
  end
  updated = math.max(storedAt, now)
end
now = updated
local allowed, retry = 0, 0
if blocked > now then
  retry = blocked - now
elseif level >= window then
  level = level - window
  allowed = 1
else
  retry = math.ceil((window - level) / limit)
  if block > 0 then
    blocked = now + math.max(block, retry)
    retry = blocked - now
  end
end
local remaining = 0
if allowed == 1 then remaining = math.floor(level / window) end
local reset = math.max(math.ceil((capacity - level) / limit), blocked - now)
local state = struct.pack('>ddd', level, updated, blocked)
`);

/**
 * The script of each algorithm.
 *
 * @example
 * await client.evalSha(THROTTLE_SCRIPTS['fixed-window'].sha1, { keys: [key], arguments: ['5', '60000', '0'] });
 */
export const THROTTLE_SCRIPTS: Readonly<Record<ThrottleAlgorithm, LuaScript>> = Object.freeze({
  'fixed-window': FIXED_WINDOW,
  'sliding-window': SLIDING_WINDOW,
  'token-bucket': TOKEN_BUCKET,
});
