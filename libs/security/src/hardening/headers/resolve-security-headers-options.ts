import type { HelmetOptions } from 'helmet';
import {
  assertKnownKeys,
  deepFreeze,
  describe,
  isPlainObject,
  readBoolean,
  readChoice,
  readNumber,
  type PlainObject,
} from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { compileHeaderPlan, type HeaderPlan } from './header-plan';
import { resolveContentSecurityPolicy } from './resolve-content-security-policy';
import {
  HELMET_LEGACY_ALIASES,
  SECURITY_HEADER_CATALOG,
  SECURITY_HEADER_NAMES,
  isHelmetLegacyAlias,
  type SecurityHeaderName,
} from './security-header-catalog';
import type {
  CrossOriginEmbedderPolicyOptions,
  CrossOriginOpenerPolicyOptions,
  CrossOriginResourcePolicyOptions,
  ReferrerPolicyToken,
  XFrameOptionsOptions,
  XPermittedCrossDomainPoliciesOptions,
} from './security-headers-options.interface';

/**
 * The `headers` options after validation: the exact options handed to helmet, and the plan
 * compiled from them, which the HTTP adapter applies to every response. Deeply frozen.
 *
 * @example
 * const { plan } = resolveSecurityHeadersOptions(undefined);
 * installSecurityHeaders(httpAdapter, plan);
 */
export interface ResolvedSecurityHeaders {
  /** What every response gets (before any `@SecurityHeaders()` override). */
  readonly plan: HeaderPlan;
  /** The fully defaulted options helmet compiled `plan` from, for diagnostics. */
  readonly helmetOptions: Readonly<HelmetOptions>;
}

/**
 * One year, in seconds: the least HSTS `max-age` Rampart accepts without a waiver.
 *
 * @example
 * resolveSecurityHeadersOptions({ strictTransportSecurity: { maxAge: MIN_HSTS_MAX_AGE_SECONDS } });
 */
export const MIN_HSTS_MAX_AGE_SECONDS = 31_536_000;

/**
 * Validates the `headers` section of the SecurityModule options, fills in Rampart's defaults and
 * compiles the header plan, once, at startup. Throws a {@link SecurityConfigurationError} that
 * names the option (`headers.strictTransportSecurity.maxAge`) and the fix, for: an unknown key
 * (with "did you mean"), a helmet legacy alias, a value of the wrong type, a guarded header
 * turned off without `dangerouslyDisable`, a weak HSTS without `dangerouslyAllowWeakHsts`, a
 * weak CSP without `dangerouslyAllowWeakCsp`.
 *
 * @example
 * const headers = resolveSecurityHeadersOptions({ strictTransportSecurity: { maxAge: 63_072_000 } });
 * headers.plan.set; // [['Content-Security-Policy', "default-src 'self';..."], ...]
 */
export function resolveSecurityHeadersOptions(raw: unknown): ResolvedSecurityHeaders {
  const { helmetOptions } = readSecurityHeaders(raw, 'headers', 'options');
  const plan = compileHeaderPlan(helmetOptions, 'headers');
  return deepFreeze({ plan, helmetOptions });
}

/**
 * `options`: module options, where an absent header gets its default; `overrides`: the argument of
 * `@SecurityHeaders()`, where only the headers named are resolved (from Rampart's defaults, not
 * from the module's options) and `xPoweredBy` is refused.
 *
 * @example
 * readSecurityHeaders(overrides, '@SecurityHeaders()', 'overrides' satisfies SecurityHeadersReadMode);
 */
export type SecurityHeadersReadMode = 'options' | 'overrides';

/**
 * helmet options under their current names only: for each header, `false`, `true` or helmet's
 * options object for it.
 *
 * @example
 * const values: HelmetHeaderValues = { xFrameOptions: { action: 'deny' }, xPoweredBy: true };
 */
export type HelmetHeaderValues = {
  -readonly [K in SecurityHeaderName]?: Exclude<HelmetOptions[K], undefined>;
};

/**
 * The result of {@link readSecurityHeaders}: helmet options, and the header options that were
 * named (all of them for module options).
 *
 * @example
 * const { helmetOptions, named } = readSecurityHeaders({ xFrameOptions: { action: 'sameorigin' } }, '@SecurityHeaders()', 'overrides');
 */
export interface ReadSecurityHeaders {
  readonly helmetOptions: Readonly<HelmetHeaderValues>;
  readonly named: readonly SecurityHeaderName[];
}

/**
 * The validation behind {@link resolveSecurityHeadersOptions} and `@SecurityHeaders()`: checks
 * `raw` and turns it into helmet options, with error paths under `rootPath`.
 *
 * @example
 * readSecurityHeaders(undefined, 'headers', 'options').helmetOptions.xFrameOptions; // { action: 'deny' }
 */
export function readSecurityHeaders(
  raw: unknown,
  rootPath: string,
  mode: SecurityHeadersReadMode,
): ReadSecurityHeaders {
  const options = readRoot(raw, rootPath, mode);
  const disabled = readDangerouslyDisable(
    options.dangerouslyDisable,
    `${rootPath}.dangerouslyDisable`,
  );
  const allowWeakHsts = readFlag(
    options.dangerouslyAllowWeakHsts,
    `${rootPath}.dangerouslyAllowWeakHsts`,
  );
  const allowWeakCsp = readFlag(
    options.dangerouslyAllowWeakCsp,
    `${rootPath}.dangerouslyAllowWeakCsp`,
  );

  const helmetOptions: HelmetHeaderValues = {};
  const named: SecurityHeaderName[] = [];
  for (const name of SECURITY_HEADER_NAMES) {
    const value = options[name];
    if (value === undefined && mode === 'overrides') continue;
    const context: ReaderContext = {
      path: `${rootPath}.${name}`,
      rootPath,
      allowWeakHsts,
      allowWeakCsp,
    };
    named.push(name);
    if (value === undefined) {
      assign(
        helmetOptions,
        name,
        OFF_BY_DEFAULT.includes(name) ? false : READERS[name](true, context),
      );
    } else if (value === false) {
      assertMayDisable(name, context, disabled, mode);
      assign(helmetOptions, name, false);
    } else {
      assign(helmetOptions, name, READERS[name](value, context));
    }
  }
  if (named.length === 0) {
    throw new SecurityConfigurationError(
      rootPath,
      'names no header',
      `name at least one header to override, e.g. ${rootPath.replace(/\(\)$/, '')}({ contentSecurityPolicy: { ... } })`,
    );
  }
  return deepFreeze({ helmetOptions, named });
}

/** Where a header reader points its errors, and the waivers in force. */
interface ReaderContext {
  readonly path: string;
  readonly rootPath: string;
  readonly allowWeakHsts: boolean;
  readonly allowWeakCsp: boolean;
}

/** Reads one header option that is not `undefined` nor `false`. */
type HeaderReader<K extends SecurityHeaderName> = (
  value: unknown,
  context: ReaderContext,
) => Exclude<HelmetOptions[K], undefined | false>;

/** The headers helmet (and so Rampart) leaves out unless asked for. */
const OFF_BY_DEFAULT: readonly SecurityHeaderName[] = ['crossOriginEmbedderPolicy'];

const READERS: { readonly [K in SecurityHeaderName]: HeaderReader<K> } = {
  contentSecurityPolicy: (value, { path, rootPath, allowWeakCsp }) => {
    const csp = resolveContentSecurityPolicy(readToggle(value, path), {
      path,
      rootPath,
      allowWeak: allowWeakCsp,
    });
    return {
      useDefaults: false,
      directives: Object.fromEntries(csp.directives),
      reportOnly: csp.reportOnly,
    };
  },
  crossOriginEmbedderPolicy: (value, { path }) => {
    const options = readToggleObject(value, path, ['policy']);
    return {
      policy: readOptionalChoice<NonNullable<CrossOriginEmbedderPolicyOptions['policy']>>(
        options.policy,
        `${path}.policy`,
        ['require-corp', 'credentialless', 'unsafe-none'],
        'require-corp',
      ),
    };
  },
  crossOriginOpenerPolicy: (value, { path }) => {
    const options = readToggleObject(value, path, ['policy']);
    return {
      policy: readOptionalChoice<NonNullable<CrossOriginOpenerPolicyOptions['policy']>>(
        options.policy,
        `${path}.policy`,
        ['same-origin', 'same-origin-allow-popups', 'noopener-allow-popups', 'unsafe-none'],
        'same-origin',
      ),
    };
  },
  crossOriginResourcePolicy: (value, { path }) => {
    const options = readToggleObject(value, path, ['policy']);
    return {
      policy: readOptionalChoice<NonNullable<CrossOriginResourcePolicyOptions['policy']>>(
        options.policy,
        `${path}.policy`,
        ['same-origin', 'same-site', 'cross-origin'],
        'same-origin',
      ),
    };
  },
  originAgentCluster: (value, { path }) => readTrue(value, path),
  referrerPolicy: (value, { path }) => {
    const options = readToggleObject(value, path, ['policy']);
    return { policy: readReferrerPolicy(options.policy, `${path}.policy`) };
  },
  strictTransportSecurity: (value, context) => readStrictTransportSecurity(value, context),
  xContentTypeOptions: (value, { path }) => readTrue(value, path),
  xDnsPrefetchControl: (value, { path }) => {
    const options = readToggleObject(value, path, ['allow']);
    return {
      allow: options.allow === undefined ? false : readBoolean(options.allow, `${path}.allow`),
    };
  },
  xDownloadOptions: (value, { path }) => readTrue(value, path),
  xFrameOptions: (value, { path }) => {
    const options = readToggleObject(value, path, ['action']);
    return {
      action: readOptionalChoice<NonNullable<XFrameOptionsOptions['action']>>(
        options.action,
        `${path}.action`,
        ['deny', 'sameorigin'],
        'deny',
      ),
    };
  },
  xPermittedCrossDomainPolicies: (value, { path }) => {
    const options = readToggleObject(value, path, ['permittedPolicies']);
    return {
      permittedPolicies: readOptionalChoice<
        NonNullable<XPermittedCrossDomainPoliciesOptions['permittedPolicies']>
      >(
        options.permittedPolicies,
        `${path}.permittedPolicies`,
        ['none', 'master-only', 'by-content-type', 'all'],
        'none',
      ),
    };
  },
  xPoweredBy: (value, { path }) => readTrue(value, path),
  xXssProtection: (value, { path }) => readTrue(value, path),
};

const REFERRER_POLICY_TOKENS: readonly ReferrerPolicyToken[] = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
];

/** Stores a header value under its name (generic, so each name keeps its own value type). */
function assign<K extends SecurityHeaderName>(
  target: HelmetHeaderValues,
  name: K,
  value: HelmetHeaderValues[K],
): void {
  target[name] = value;
}

function readRoot(raw: unknown, rootPath: string, mode: SecurityHeadersReadMode): PlainObject {
  if (raw === undefined && mode === 'options') return {};
  if (!isPlainObject(raw)) {
    throw new SecurityConfigurationError(
      rootPath,
      `must be a plain object, got ${describe(raw)}`,
      mode === 'options'
        ? `pass an object literal for "${rootPath}", or leave it out for the defaults`
        : 'pass an object literal naming the headers to override',
    );
  }
  for (const key of Object.keys(raw)) {
    if (isHelmetLegacyAlias(key)) {
      throw new SecurityConfigurationError(
        `${rootPath}.${key}`,
        "is helmet's legacy alias, which Rampart does not accept",
        `rename it to \`${HELMET_LEGACY_ALIASES[key]}\``,
      );
    }
    if (key === 'xPoweredBy' && mode === 'overrides') {
      throw new SecurityConfigurationError(
        `${rootPath}.${key}`,
        'cannot be set per route: Express adds X-Powered-By before any route code runs',
        'set it in the SecurityModule `headers` options instead',
      );
    }
  }
  const headerNames =
    mode === 'options'
      ? SECURITY_HEADER_NAMES
      : SECURITY_HEADER_NAMES.filter((name) => name !== 'xPoweredBy');
  assertKnownKeys(
    raw,
    [...headerNames, 'dangerouslyDisable', 'dangerouslyAllowWeakHsts', 'dangerouslyAllowWeakCsp'],
    rootPath,
  );
  return raw;
}

function readDangerouslyDisable(value: unknown, path: string): ReadonlySet<SecurityHeaderName> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) {
    throw new SecurityConfigurationError(
      path,
      `must be an array of header option names, got ${describe(value)}`,
      `list the headers to turn off, e.g. ['xFrameOptions']`,
    );
  }
  return new Set(
    value.map((item: unknown, index) => {
      if (typeof item === 'string' && isHelmetLegacyAlias(item)) {
        throw new SecurityConfigurationError(
          `${path}[${index}]`,
          `is helmet's legacy alias '${item}'`,
          `write '${HELMET_LEGACY_ALIASES[item]}'`,
        );
      }
      return readChoice(item, `${path}[${index}]`, SECURITY_HEADER_NAMES);
    }),
  );
}

function readFlag(value: unknown, path: string): boolean {
  return value === undefined ? false : readBoolean(value, path);
}

function assertMayDisable(
  name: SecurityHeaderName,
  { path, rootPath }: ReaderContext,
  disabled: ReadonlySet<SecurityHeaderName>,
  mode: SecurityHeadersReadMode,
): void {
  const entry = SECURITY_HEADER_CATALOG[name];
  if (!entry.guarded || disabled.has(name)) return;
  const header = entry.headers[0] ?? name;
  const where = mode === 'options' ? 'every response' : "this route's responses";
  throw new SecurityConfigurationError(
    path,
    name === 'xPoweredBy'
      ? 'is false, which lets X-Powered-By advertise the framework on every response'
      : `is false, which removes ${header} from ${where}`,
    `remove "${path}" to keep the protection, or list '${name}' in "${rootPath}.dangerouslyDisable" to turn it off on purpose`,
  );
}

/** `true`, or an object with only `known` keys (`true` meaning all defaults). */
function readToggleObject(value: unknown, path: string, known: readonly string[]): PlainObject {
  const options = readToggle(value, path);
  if (options === true) return {};
  assertKnownKeys(options, known, path);
  return options;
}

function readToggle(value: unknown, path: string): PlainObject | true {
  if (value === true || isPlainObject(value)) return value;
  throw new SecurityConfigurationError(
    path,
    `must be true, false or a plain object, got ${describe(value)}`,
    `set "${path}" to true (defaults), false (off) or an options object`,
  );
}

/** A header without options: only `true` remains once `false` and `undefined` are handled. */
function readTrue(value: unknown, path: string): true {
  readBoolean(value, path);
  return true;
}

function readOptionalChoice<T extends string>(
  value: unknown,
  path: string,
  choices: readonly T[],
  fallback: T,
): T {
  return value === undefined ? fallback : readChoice(value, path, choices);
}

function readReferrerPolicy(value: unknown, path: string): ReferrerPolicyToken[] {
  if (value === undefined) return ['no-referrer'];
  if (value === '') throw emptyReferrerToken(path);
  if (typeof value === 'string') return [readChoice(value, path, REFERRER_POLICY_TOKENS)];
  if (!Array.isArray(value) || value.length === 0) {
    throw new SecurityConfigurationError(
      path,
      `must be a policy token or a non-empty array of them, got ${describe(value)}`,
      `use e.g. 'no-referrer' or ['no-referrer', 'strict-origin-when-cross-origin']`,
    );
  }
  const tokens: ReferrerPolicyToken[] = [];
  value.forEach((item: unknown, index) => {
    const itemPath = `${path}[${index}]`;
    if (item === '') throw emptyReferrerToken(itemPath);
    const token = readChoice(item, itemPath, REFERRER_POLICY_TOKENS);
    if (tokens.includes(token)) {
      throw new SecurityConfigurationError(itemPath, `repeats '${token}'`, 'list each token once');
    }
    tokens.push(token);
  });
  return tokens;
}

function emptyReferrerToken(path: string): SecurityConfigurationError {
  return new SecurityConfigurationError(
    path,
    'is the empty token, which sends no policy at all',
    "pick a policy such as 'no-referrer'; to send none on purpose, use referrerPolicy: false with dangerouslyDisable",
  );
}

function readStrictTransportSecurity(
  value: unknown,
  { path, rootPath, allowWeakHsts }: ReaderContext,
): { maxAge: number; includeSubDomains: boolean; preload: boolean } {
  const options = readToggleObject(value, path, ['maxAge', 'includeSubDomains', 'preload']);
  const maxAge =
    options.maxAge === undefined
      ? MIN_HSTS_MAX_AGE_SECONDS
      : readNumber(options.maxAge, `${path}.maxAge`, {
          min: 0,
          max: Number.MAX_SAFE_INTEGER,
          integer: true,
          unit: 'seconds',
        });
  const includeSubDomains =
    options.includeSubDomains === undefined
      ? true
      : readBoolean(options.includeSubDomains, `${path}.includeSubDomains`);
  const preload =
    options.preload === undefined ? false : readBoolean(options.preload, `${path}.preload`);
  const strongEnoughForPreload = maxAge >= MIN_HSTS_MAX_AGE_SECONDS && includeSubDomains;
  if (preload && !strongEnoughForPreload) {
    throw new SecurityConfigurationError(
      `${path}.preload`,
      `needs maxAge >= ${MIN_HSTS_MAX_AGE_SECONDS} seconds and includeSubDomains (the preload list's rules)`,
      'raise maxAge and keep includeSubDomains, or drop preload',
    );
  }
  const orAcceptTheRisk = `or set "${rootPath}.dangerouslyAllowWeakHsts": true to accept the risk`;
  if (!allowWeakHsts && maxAge < MIN_HSTS_MAX_AGE_SECONDS) {
    throw new SecurityConfigurationError(
      `${path}.maxAge`,
      `must be at least ${MIN_HSTS_MAX_AGE_SECONDS} seconds (one year), got ${describe(maxAge)}`,
      `raise it to ${MIN_HSTS_MAX_AGE_SECONDS} or more, ${orAcceptTheRisk}`,
    );
  }
  if (!allowWeakHsts && !includeSubDomains) {
    throw new SecurityConfigurationError(
      `${path}.includeSubDomains`,
      'is false, so a subdomain can still be reached over plain HTTP (and set cookies for the domain)',
      `remove it, ${orAcceptTheRisk}`,
    );
  }
  return { maxAge, includeSubDomains, preload };
}
