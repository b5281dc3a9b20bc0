/**
 * Which form of the IETF draft "RateLimit header fields for HTTP" the responses use:
 *
 * - `'draft-8'` (default): the form of drafts 8 and later, two structured fields that name each
 *   limit: `RateLimit: "default";r=42;t=30` (remaining, seconds to reset) and
 *   `RateLimit-Policy: "default";q=600;w=60` (quota, window in seconds), one item per limit the
 *   request was counted against;
 * - `'draft-6'`: the earlier four fields `RateLimit-Limit`, `RateLimit-Remaining`,
 *   `RateLimit-Reset` (of the limit closest to refusing) and `RateLimit-Policy` (`600;w=60`);
 * - `false`: none (a refused request still gets `Retry-After`).
 *
 * The names express-rate-limit gives the same forms in its `standardHeaders` option.
 *
 * @example
 * const format: RateLimitHeadersFormat = 'draft-6';
 */
export type RateLimitHeadersFormat = 'draft-8' | 'draft-6' | false;

/**
 * One limit a request was counted against, as the `RateLimit` headers describe it.
 *
 * @example
 * const entry: RateLimitEntry = { name: 'default', limit: 10, remaining: 3, resetSeconds: 42, windowSeconds: 60 };
 */
export interface RateLimitEntry {
  /** The limit's name: the throttler's, or `credentials-ip` / `credentials-account`. */
  readonly name: string;
  /** Requests allowed per window. */
  readonly limit: number;
  /** Requests still allowed now. */
  readonly remaining: number;
  /** Seconds until the count is back to zero (whole, rounded up). */
  readonly resetSeconds: number;
  /** The window, in seconds (whole, rounded up). */
  readonly windowSeconds: number;
}

/**
 * The rate-limit response headers, in `format` (see {@link RateLimitHeadersFormat}), for the
 * limits a request was counted against, in the order it was counted. `{}` when nothing was
 * counted or `format` is `false`. Names lower-case, as HTTP/2 sends them: Node.js and Fastify
 * lower-case a name on every call, and get the same string back for these. Limit names are 1 to
 * 64 letters, digits, `_` or `-` (checked at start-up), so they need no escaping in a string item.
 *
 * @example
 * rateLimitHeaders([{ name: 'default', limit: 10, remaining: 0, resetSeconds: 30, windowSeconds: 60 }], 'draft-8');
 * // { ratelimit: '"default";r=0;t=30', 'ratelimit-policy': '"default";q=10;w=60' }
 */
export function rateLimitHeaders(
  entries: readonly RateLimitEntry[],
  format: RateLimitHeadersFormat,
): Record<string, string> {
  if (entries.length === 0 || format === false) return {};
  if (format === 'draft-6') return draft6Headers(entries);
  if (entries.length === 1) {
    const entry = entries[0] as RateLimitEntry;
    return { ratelimit: limitItem(entry), 'ratelimit-policy': policyOf(entry) };
  }
  let limits = '';
  let policies = '';
  for (const entry of entries) {
    const separator = limits === '' ? '' : ', ';
    limits += `${separator}${limitItem(entry)}`;
    policies += `${separator}${policyItem(entry)}`;
  }
  return { ratelimit: limits, 'ratelimit-policy': policies };
}

function limitItem(entry: RateLimitEntry): string {
  return `"${entry.name}";r=${String(entry.remaining)};t=${String(entry.resetSeconds)}`;
}

function policyItem(entry: RateLimitEntry): string {
  return `"${entry.name}";q=${String(entry.limit)};w=${String(entry.windowSeconds)}`;
}

/** The last policy item built per limit name: it changes only when the limit or window does. */
const policies = new Map<string, { limit: number; windowSeconds: number; item: string }>();

/**
 * {@link policyItem}, reusing the last one built for the name while its numbers are the same
 * (names are configured, so the map stays small).
 */
function policyOf(entry: RateLimitEntry): string {
  const last = policies.get(entry.name);
  if (
    last !== undefined &&
    last.limit === entry.limit &&
    last.windowSeconds === entry.windowSeconds
  )
    return last.item;
  const item = policyItem(entry);
  policies.set(entry.name, { limit: entry.limit, windowSeconds: entry.windowSeconds, item });
  return item;
}

/** Draft 6: the limit closest to refusing (fewest remaining; on a tie, the later reset). */
function draft6Headers(entries: readonly RateLimitEntry[]): Record<string, string> {
  let tightest = entries[0] as RateLimitEntry;
  for (const entry of entries) {
    if (
      entry.remaining < tightest.remaining ||
      (entry.remaining === tightest.remaining && entry.resetSeconds > tightest.resetSeconds)
    ) {
      tightest = entry;
    }
  }
  return {
    'ratelimit-limit': String(tightest.limit),
    'ratelimit-remaining': String(tightest.remaining),
    'ratelimit-reset': String(tightest.resetSeconds),
    'ratelimit-policy': entries
      .map((entry) => `${String(entry.limit)};w=${String(entry.windowSeconds)}`)
      .join(', '),
  };
}
