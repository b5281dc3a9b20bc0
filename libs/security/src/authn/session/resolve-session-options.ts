import {
  assertKnownKeys,
  readBoolean,
  readChoice,
  readNumber,
  readObject,
  readString,
} from '../../core/option-readers';
import type { SecurityEnvironment } from '../../core/security-module-options.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type {
  ResolvedCsrfOptions,
  ResolvedSessionOptions,
  SessionLimitPolicy,
  SessionSameSite,
} from './session-options.interface';

const SESSION_KEYS = [
  'cookieName',
  'sameSite',
  'idleTimeoutSeconds',
  'absoluteTimeoutSeconds',
  'touchIntervalSeconds',
  'maxPerUser',
  'limitPolicy',
  'localCacheTtlMs',
  'csrf',
  'dangerouslyAllowInsecureHttp',
] as const;
const CSRF_KEYS = ['trustedOrigins', 'headerName', 'fieldName'] as const;
const SAME_SITE: readonly SessionSameSite[] = ['lax', 'strict', 'none'];
const LIMIT_POLICIES: readonly SessionLimitPolicy[] = ['reject-new', 'evict-oldest'];
/** RFC 6265 cookie-name token; no `__Host-`/`__Secure-` prefix (Rampart adds it). */
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const FIELD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/**
 * Validates the `session` option and fills its defaults; `undefined` when sessions are off.
 *
 * @example
 * resolveSessionOptions({ idleTimeoutSeconds: 900 }, 'production');
 */
export function resolveSessionOptions(
  raw: unknown,
  environment: SecurityEnvironment,
): ResolvedSessionOptions | undefined {
  if (raw === undefined) return undefined;
  const options = readObject(raw, 'session');
  assertKnownKeys(options, SESSION_KEYS, 'session');
  const cookieName =
    options.cookieName === undefined
      ? 'rampart-session'
      : readString(options.cookieName, 'session.cookieName');
  if (!COOKIE_NAME.test(cookieName) || /^__(host|secure)-/i.test(cookieName)) {
    throw new SecurityConfigurationError(
      'session.cookieName',
      `is not a plain cookie name, got '${cookieName}'`,
      "use letters, digits and '-', without a __Host- or __Secure- prefix (Rampart adds __Host-)",
    );
  }
  const seconds = (value: unknown, path: string, min: number, max: number, fallback: number) =>
    value === undefined
      ? fallback
      : readNumber(value, path, { integer: true, min, max, unit: 'seconds' });
  const idle = seconds(options.idleTimeoutSeconds, 'session.idleTimeoutSeconds', 60, 86_400, 1_800);
  const absolute = seconds(
    options.absoluteTimeoutSeconds,
    'session.absoluteTimeoutSeconds',
    300,
    2_592_000,
    28_800,
  );
  if (absolute < idle) {
    throw new SecurityConfigurationError(
      'session.absoluteTimeoutSeconds',
      `(${absolute}) is shorter than session.idleTimeoutSeconds (${idle})`,
      'make the absolute lifetime at least as long as the idle timeout',
    );
  }
  const touch = seconds(options.touchIntervalSeconds, 'session.touchIntervalSeconds', 0, 300, 60);
  if (touch >= idle) {
    throw new SecurityConfigurationError(
      'session.touchIntervalSeconds',
      `(${touch}) is not below session.idleTimeoutSeconds (${idle})`,
      'lower it well below the idle timeout (a tenth of it, say)',
    );
  }
  const allowInsecureHttp =
    options.dangerouslyAllowInsecureHttp === undefined
      ? false
      : readBoolean(options.dangerouslyAllowInsecureHttp, 'session.dangerouslyAllowInsecureHttp');
  if (allowInsecureHttp && environment === 'production') {
    throw new SecurityConfigurationError(
      'session.dangerouslyAllowInsecureHttp',
      'is true in production: session cookies would travel without Secure',
      'serve the app over HTTPS (or behind a TLS-terminating proxy) and remove the option',
    );
  }
  return {
    cookieName,
    secureCookieName: `__Host-${cookieName}`,
    sameSite:
      options.sameSite === undefined
        ? 'lax'
        : readChoice(options.sameSite, 'session.sameSite', SAME_SITE),
    idleTimeoutMs: idle * 1000,
    absoluteTimeoutMs: absolute * 1000,
    touchIntervalMs: touch * 1000,
    maxPerUser:
      options.maxPerUser === undefined
        ? undefined
        : readNumber(options.maxPerUser, 'session.maxPerUser', {
            integer: true,
            min: 1,
            max: 1_000,
          }),
    limitPolicy:
      options.limitPolicy === undefined
        ? 'evict-oldest'
        : readChoice(options.limitPolicy, 'session.limitPolicy', LIMIT_POLICIES),
    localCacheTtlMs:
      options.localCacheTtlMs === undefined
        ? 2_000
        : readNumber(options.localCacheTtlMs, 'session.localCacheTtlMs', {
            integer: true,
            min: 0,
            max: 60_000,
            unit: 'milliseconds',
          }),
    csrf: resolveCsrfOptions(options.csrf),
    allowInsecureHttp,
  };
}

function resolveCsrfOptions(raw: unknown): ResolvedCsrfOptions {
  const options = readObject(raw ?? {}, 'session.csrf');
  assertKnownKeys(options, CSRF_KEYS, 'session.csrf');
  const name = (value: unknown, path: string, fallback: string): string => {
    if (value === undefined) return fallback;
    const text = readString(value, path);
    if (!FIELD.test(text)) {
      throw new SecurityConfigurationError(
        path,
        `is not a valid name, got '${text}'`,
        "use letters, digits, '-' and '_'",
      );
    }
    return text;
  };
  const origins = options.trustedOrigins ?? [];
  if (!Array.isArray(origins)) {
    throw new SecurityConfigurationError(
      'session.csrf.trustedOrigins',
      'must be an array of origins',
      "list origins such as 'https://admin.example.com'",
    );
  }
  return {
    trustedOrigins: origins.map((origin: unknown, index) =>
      readOrigin(origin, `session.csrf.trustedOrigins[${index}]`),
    ),
    headerName: name(options.headerName, 'session.csrf.headerName', 'x-csrf-token').toLowerCase(),
    fieldName: name(options.fieldName, 'session.csrf.fieldName', '_csrf'),
  };
}

/** An origin exactly as browsers send it: `https://host[:port]`, nothing after. */
function readOrigin(value: unknown, path: string): string {
  const text = readString(value, path);
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === undefined ||
    (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') ||
    parsed.origin !== text
  ) {
    throw new SecurityConfigurationError(
      path,
      `is not an origin, got '${text}'`,
      "write scheme, host and port only, such as 'https://admin.example.com' (no path, no trailing '/')",
    );
  }
  return text;
}
