import {
  assertKnownKeys,
  readChoice,
  readNumber,
  readObject,
  readString,
} from '../core/option-readers';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { ClientIpResolver } from './client-ip.resolver';
import type { RateLimitHeadersFormat } from './rate-limit-headers';
import {
  MAX_THROTTLE_DURATION_MS,
  MAX_THROTTLE_LIMIT,
  THROTTLE_ALGORITHMS,
  type ThrottleRule,
} from './throttle-rule.interface';
import type { StoreOutagePolicy } from './throttling-options.interface';

/** A {@link ThrottleRule} with every field filled in. */
export type ResolvedThrottleRule = Required<ThrottleRule>;

/** A named general throttler after validation. */
export interface ResolvedThrottler extends ResolvedThrottleRule {
  readonly name: string;
  readonly onStoreUnavailable: StoreOutagePolicy;
}

/** The credential-endpoint limits after validation. */
export interface ResolvedCredentialsThrottle {
  readonly perAccount: ResolvedThrottleRule;
  readonly perIp: ResolvedThrottleRule;
  readonly accountField: string;
  readonly onStoreUnavailable: StoreOutagePolicy;
}

/** `throttling` after validation: frozen, defaulted, the proxy list parsed. */
export interface ResolvedThrottlingOptions {
  readonly throttlers: readonly ResolvedThrottler[];
  /** Finds the client IP and its throttle key through the trusted proxies. */
  readonly clientIp: ClientIpResolver;
  readonly credentials: ResolvedCredentialsThrottle;
  /** The form of the rate-limit headers; `false`: none. */
  readonly rateLimitHeaders: RateLimitHeadersFormat;
}

const PATH = 'throttling';
const KEYS = [
  'throttlers',
  'trustedProxies',
  'ipv6PrefixLength',
  'credentials',
  'rateLimitHeaders',
] as const;
const HEADER_FORMATS = ['draft-8', 'draft-6'] as const;
const THROTTLER_KEYS = [
  'name',
  'limit',
  'windowMs',
  'algorithm',
  'blockMs',
  'onStoreUnavailable',
] as const;
const CREDENTIALS_KEYS = ['perAccount', 'perIp', 'accountField', 'onStoreUnavailable'] as const;
const LIMIT_KEYS = ['limit', 'windowMs', 'algorithm', 'blockMs'] as const;
const POLICIES: readonly StoreOutagePolicy[] = ['fail-open', 'fail-closed'];
const FIFTEEN_MINUTES_MS = 15 * 60_000;

/** The general limit when `throttling.throttlers` is not given. */
export const DEFAULT_THROTTLER: ResolvedThrottler = Object.freeze({
  name: 'default',
  limit: 600,
  windowMs: 60_000,
  algorithm: 'sliding-window',
  blockMs: 0,
  onStoreUnavailable: 'fail-open',
});

/**
 * Validates and defaults the `throttling` option; throws a {@link SecurityConfigurationError}
 * naming the offending path.
 *
 * @example
 * const throttling = resolveThrottlingOptions({ trustedProxies: ['10.0.0.0/8'] });
 * throttling.throttlers[0]?.limit; // 600
 */
export function resolveThrottlingOptions(raw: unknown): ResolvedThrottlingOptions {
  const options = raw === undefined ? {} : readObject(raw, PATH);
  assertKnownKeys(options, KEYS, PATH, {
    trustProxy: 'trustedProxies',
    trustedProxy: 'trustedProxies',
    limit: 'throttlers',
  });
  return {
    throttlers:
      options.throttlers === undefined
        ? [DEFAULT_THROTTLER]
        : readThrottlers(options.throttlers, `${PATH}.throttlers`),
    clientIp: new ClientIpResolver({
      ...(options.trustedProxies === undefined
        ? {}
        : { trustedProxies: options.trustedProxies as string[] }),
      ...(options.ipv6PrefixLength === undefined
        ? {}
        : { ipv6PrefixLength: options.ipv6PrefixLength as number }),
    }),
    credentials: readCredentials(options.credentials, `${PATH}.credentials`),
    rateLimitHeaders: readHeaderFormat(options.rateLimitHeaders, `${PATH}.rateLimitHeaders`),
  };
}

function readHeaderFormat(value: unknown, path: string): RateLimitHeadersFormat {
  if (value === undefined) return 'draft-8';
  if (value === false) return false;
  if (typeof value !== 'string') {
    throw new SecurityConfigurationError(
      path,
      "must be 'draft-8', 'draft-6' or false",
      "use 'draft-8' (RateLimit and RateLimit-Policy), 'draft-6' (RateLimit-Limit, -Remaining, -Reset, -Policy) or false (none)",
    );
  }
  return readChoice(value, path, HEADER_FORMATS);
}

/** @nestjs/throttler's names for the same settings (in milliseconds there too). */
const RULE_ALIASES = { ttl: 'windowMs', blockDuration: 'blockMs' } as const;

function readThrottlers(value: unknown, path: string): ResolvedThrottler[] {
  if (!Array.isArray(value)) {
    throw new SecurityConfigurationError(
      path,
      'must be an array of throttlers',
      "pass e.g. [{ name: 'default', limit: 600, windowMs: 60000 }], or [] for no general limit",
    );
  }
  const seen = new Set<string>();
  return value.map((entry: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    const object = readObject(entry, itemPath);
    assertKnownKeys(object, THROTTLER_KEYS, itemPath, RULE_ALIASES);
    const name =
      object.name === undefined ? 'default' : readString(object.name, `${itemPath}.name`);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
      throw new SecurityConfigurationError(
        `${itemPath}.name`,
        'must be 1 to 64 letters, digits, "_" or "-"',
        "use a short identifier such as 'default' or 'burst'",
      );
    }
    if (seen.has(name)) {
      throw new SecurityConfigurationError(
        `${itemPath}.name`,
        `repeats the throttler name '${name}'`,
        'give every throttler a name of its own',
      );
    }
    seen.add(name);
    return {
      name,
      ...readRule(object, itemPath),
      onStoreUnavailable: readPolicy(object.onStoreUnavailable, itemPath, 'fail-open'),
    };
  });
}

function readCredentials(value: unknown, path: string): ResolvedCredentialsThrottle {
  const object = value === undefined ? {} : readObject(value, path);
  assertKnownKeys(object, CREDENTIALS_KEYS, path);
  return {
    perAccount: readLimit(object.perAccount, `${path}.perAccount`, 10),
    perIp: readLimit(object.perIp, `${path}.perIp`, 100),
    accountField:
      object.accountField === undefined
        ? 'username'
        : readString(object.accountField, `${path}.accountField`),
    onStoreUnavailable: readPolicy(object.onStoreUnavailable, path, 'fail-closed'),
  };
}

function readLimit(value: unknown, path: string, defaultLimit: number): ResolvedThrottleRule {
  if (value === undefined) {
    return {
      algorithm: 'sliding-window',
      limit: defaultLimit,
      windowMs: FIFTEEN_MINUTES_MS,
      blockMs: 0,
    };
  }
  const object = readObject(value, path);
  assertKnownKeys(object, LIMIT_KEYS, path, RULE_ALIASES);
  return readRule(object, path);
}

function readRule(object: Record<string, unknown>, path: string): ResolvedThrottleRule {
  if (object.limit === undefined || object.windowMs === undefined) {
    throw new SecurityConfigurationError(
      `${path}.${object.limit === undefined ? 'limit' : 'windowMs'}`,
      'is required',
      'give every limit both "limit" (requests per window) and "windowMs" (milliseconds)',
    );
  }
  return {
    algorithm:
      object.algorithm === undefined
        ? 'sliding-window'
        : readChoice(object.algorithm, `${path}.algorithm`, THROTTLE_ALGORITHMS),
    limit: readNumber(object.limit, `${path}.limit`, {
      integer: true,
      min: 1,
      max: MAX_THROTTLE_LIMIT,
      unit: 'requests',
    }),
    windowMs: readNumber(object.windowMs, `${path}.windowMs`, {
      integer: true,
      min: 1,
      max: MAX_THROTTLE_DURATION_MS,
      unit: 'milliseconds',
    }),
    blockMs:
      object.blockMs === undefined
        ? 0
        : readNumber(object.blockMs, `${path}.blockMs`, {
            integer: true,
            min: 0,
            max: MAX_THROTTLE_DURATION_MS,
            unit: 'milliseconds',
          }),
  };
}

function readPolicy(
  value: unknown,
  path: string,
  defaultPolicy: StoreOutagePolicy,
): StoreOutagePolicy {
  return value === undefined
    ? defaultPolicy
    : readChoice(value, `${path}.onStoreUnavailable`, POLICIES);
}
