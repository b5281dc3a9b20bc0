import {
  assertKnownKeys,
  describe,
  readBoolean,
  readObject,
  suggest,
} from '../../core/option-readers';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';

/**
 * A validated Content-Security-Policy: kebab-case directive names with their source lists, in the
 * order they are sent, and whether it is report-only.
 *
 * @example
 * const csp: ResolvedContentSecurityPolicy = {
 *   directives: [['default-src', ["'self'"]]],
 *   reportOnly: false,
 * };
 */
export interface ResolvedContentSecurityPolicy {
  readonly directives: readonly (readonly [name: string, sources: readonly string[]])[];
  readonly reportOnly: boolean;
}

/**
 * Rampart's default CSP directives, for an API: helmet 8's defaults without the ones that let a
 * page load fonts, images and styles from any HTTPS origin (an API serves no page), without
 * `upgrade-insecure-requests` (nothing to upgrade in a JSON body), and with `base-uri` and
 * `frame-ancestors` tightened from `'self'` to `'none'`.
 *
 * @example
 * DEFAULT_CONTENT_SECURITY_POLICY_DIRECTIVES['frame-ancestors']; // ["'none'"]
 */
export const DEFAULT_CONTENT_SECURITY_POLICY_DIRECTIVES: Readonly<
  Record<string, readonly string[]>
> = Object.freeze({
  'default-src': Object.freeze(["'self'"]),
  'base-uri': Object.freeze(["'none'"]),
  'form-action': Object.freeze(["'self'"]),
  'frame-ancestors': Object.freeze(["'none'"]),
  'object-src': Object.freeze(["'none'"]),
  'script-src-attr': Object.freeze(["'none'"]),
});

/** CSP Level 3 directives (and the deprecated ones browsers still honour). */
const KNOWN_DIRECTIVES: readonly string[] = Object.freeze([
  'base-uri',
  'block-all-mixed-content',
  'child-src',
  'connect-src',
  'default-src',
  'fenced-frame-src',
  'font-src',
  'form-action',
  'frame-ancestors',
  'frame-src',
  'img-src',
  'manifest-src',
  'media-src',
  'object-src',
  'prefetch-src',
  'report-to',
  'report-uri',
  'require-trusted-types-for',
  'sandbox',
  'script-src',
  'script-src-attr',
  'script-src-elem',
  'style-src',
  'style-src-attr',
  'style-src-elem',
  'trusted-types',
  'upgrade-insecure-requests',
  'webrtc',
  'worker-src',
]);

/** Keywords that browsers only recognise in single quotes (as helmet checks). */
const KEYWORDS = new Set([
  'none',
  'self',
  'strict-dynamic',
  'report-sample',
  'inline-speculation-rules',
  'unsafe-inline',
  'unsafe-eval',
  'unsafe-hashes',
  'wasm-unsafe-eval',
]);
const UNQUOTED_HASH_OR_NONCE = /^(?:nonce|sha256|sha384|sha512)-/i;
/** helmet's rule for a directive name (camelCase or kebab-case). */
const DIRECTIVE_NAME = /^[a-z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
/** `*` or a bare scheme (`https:`): allows every origin. */
const ANY_ORIGIN = /^(?:\*|[a-z][a-z0-9+.-]*:)$/i;
/** Directives that must be present and not open to every origin, and why. */
const REQUIRED_CLOSED_DIRECTIVES: Readonly<Record<string, string>> = Object.freeze({
  'base-uri': 'an injected <base> tag could redirect relative URLs',
  'frame-ancestors': 'any site could frame the responses (clickjacking)',
});

/**
 * Where errors point and which flag accepts a weak policy.
 *
 * @example
 * const context: CspResolutionContext = { path: 'headers.contentSecurityPolicy', rootPath: 'headers', allowWeak: false };
 */
export interface CspResolutionContext {
  /** Path of the CSP option, e.g. `headers.contentSecurityPolicy`. */
  readonly path: string;
  /** Path of the options root, e.g. `headers`, for naming `dangerouslyAllowWeakCsp`. */
  readonly rootPath: string;
  /** `dangerouslyAllowWeakCsp`. */
  readonly allowWeak: boolean;
}

/**
 * Validates a `contentSecurityPolicy` object (or `true`, meaning the defaults) and merges it over
 * Rampart's default directives. Fails with a {@link SecurityConfigurationError} naming the
 * directive: unknown or misspelt names, malformed sources (unquoted keywords, `;` or `,`, spaces,
 * static nonces), a missing `default-src`, and, unless `allowWeak`, a weak policy.
 *
 * @example
 * resolveContentSecurityPolicy({ directives: { imgSrc: ["'self'", 'data:'] } }, {
 *   path: 'headers.contentSecurityPolicy', rootPath: 'headers', allowWeak: false,
 * });
 */
export function resolveContentSecurityPolicy(
  value: unknown,
  context: CspResolutionContext,
): ResolvedContentSecurityPolicy {
  const { path } = context;
  const options = value === true ? {} : readObject(value, path);
  assertKnownKeys(options, ['useDefaults', 'directives', 'reportOnly'], path);
  const useDefaults =
    options.useDefaults === undefined
      ? true
      : readBoolean(options.useDefaults, `${path}.useDefaults`);
  const reportOnly =
    options.reportOnly === undefined
      ? false
      : readBoolean(options.reportOnly, `${path}.reportOnly`);
  const rawDirectives =
    options.directives === undefined ? {} : readObject(options.directives, `${path}.directives`);

  const directives = new Map<string, readonly string[]>(
    useDefaults ? Object.entries(DEFAULT_CONTENT_SECURITY_POLICY_DIRECTIVES) : [],
  );
  const seen = new Map<string, string>();
  for (const [rawName, rawValue] of Object.entries(rawDirectives)) {
    const name = readDirectiveName(rawName, `${path}.directives`);
    const directivePath = `${path}.directives.${rawName}`;
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw new SecurityConfigurationError(
        directivePath,
        `repeats the directive \`${name}\` (also given as \`${earlier}\`)`,
        'keep one of the two spellings',
      );
    }
    seen.set(name, rawName);
    if (rawValue === null) {
      if (name === 'default-src') throw missingDefaultSrc(directivePath);
      directives.delete(name);
      continue;
    }
    directives.set(name, readSources(rawValue, directivePath));
  }
  if (!directives.has('default-src')) throw missingDefaultSrc(`${path}.directives`);
  if (!context.allowWeak) assertStrong(directives, reportOnly, context);
  return Object.freeze({
    directives: Object.freeze(
      [...directives].map(([name, sources]) => Object.freeze([name, sources] as const)),
    ),
    reportOnly,
  });
}

function readDirectiveName(rawName: string, path: string): string {
  if (!DIRECTIVE_NAME.test(rawName)) {
    throw new SecurityConfigurationError(
      `${path}.${rawName}`,
      'is not a valid directive name',
      "write it in camelCase (`frameAncestors`) or kebab-case (`'frame-ancestors'`)",
    );
  }
  const name = rawName.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  if (!KNOWN_DIRECTIVES.includes(name)) {
    const nearest = suggest(name, KNOWN_DIRECTIVES);
    throw new SecurityConfigurationError(
      `${path}.${rawName}`,
      'is not a Content-Security-Policy directive',
      nearest === undefined
        ? `use one of ${KNOWN_DIRECTIVES.map((known) => `\`${known}\``).join(', ')}`
        : `did you mean \`${nearest}\`?`,
    );
  }
  return name;
}

function readSources(value: unknown, path: string): readonly string[] {
  if (typeof value === 'string') return Object.freeze([readSource(value, path)]);
  if (!Array.isArray(value)) {
    throw new SecurityConfigurationError(
      path,
      `must be a string, an array of strings or null, got ${typeof value === 'function' ? 'a function (per-request values are not supported: headers are computed once)' : describe(value)}`,
      'list the source expressions as strings, e.g. ["\'self\'", "https://cdn.example.com"]',
    );
  }
  return Object.freeze(
    value.map((source: unknown, index) => readSource(source, `${path}[${index}]`)),
  );
}

function readSource(source: unknown, path: string): string {
  if (typeof source !== 'string') {
    throw new SecurityConfigurationError(
      path,
      `must be a string, got ${describe(source)}`,
      'write the source expression as a string',
    );
  }
  if (source === '' || !isPrintableAsciiWithoutSpaces(source)) {
    throw new SecurityConfigurationError(
      path,
      'must be one source expression in printable ASCII, without spaces (write international host names in punycode)',
      'put each source expression in its own array entry',
    );
  }
  if (/[;,]/.test(source)) {
    throw new SecurityConfigurationError(
      path,
      "must not contain ';' or ',' (they would start another directive or policy)",
      'put each source expression in its own array entry, and each directive under its own key',
    );
  }
  if (KEYWORDS.has(source.toLowerCase()) || UNQUOTED_HASH_OR_NONCE.test(source)) {
    throw new SecurityConfigurationError(
      path,
      `holds the keyword \`${source}\` without quotes, which browsers read as a host name`,
      `write it in single quotes: "'${source}'"`,
    );
  }
  if (/^'nonce-/i.test(source)) {
    throw new SecurityConfigurationError(
      path,
      'is a nonce, but Rampart computes the header once, so the nonce would never change',
      "allow the script by its hash ('sha256-...') or by URL instead",
    );
  }
  return source;
}

function isPrintableAsciiWithoutSpaces(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x20 || code >= 0x7f) return false;
  }
  return true;
}

function missingDefaultSrc(path: string): SecurityConfigurationError {
  return new SecurityConfigurationError(
    path,
    'leaves the policy without `default-src`, the fallback of every fetch directive',
    "keep `default-src` (`'self'` by default; `'none'` is the strictest)",
  );
}

function assertStrong(
  directives: ReadonlyMap<string, readonly string[]>,
  reportOnly: boolean,
  { path, rootPath }: CspResolutionContext,
): void {
  const orAcceptTheRisk = `or set "${rootPath}.dangerouslyAllowWeakCsp": true to accept the risk`;
  if (reportOnly) {
    throw new SecurityConfigurationError(
      `${path}.reportOnly`,
      'is true, so the policy is reported but not enforced',
      `remove it, ${orAcceptTheRisk}`,
    );
  }
  const objectSrc = directives.get('object-src');
  if (objectSrc?.length !== 1 || objectSrc[0] !== "'none'") {
    throw new SecurityConfigurationError(
      `${path}.directives.object-src`,
      objectSrc === undefined
        ? 'is dropped, so plugins (<object>, <embed>) may load from where default-src allows'
        : `must be exactly "'none'", got ${objectSrc.length === 0 ? 'an empty list' : objectSrc.map((s) => `"${s}"`).join(' ')}`,
      `keep object-src "'none'" (an API embeds no plugin), ${orAcceptTheRisk}`,
    );
  }
  for (const [name, risk] of Object.entries(REQUIRED_CLOSED_DIRECTIVES)) {
    const sources = directives.get(name);
    if (sources === undefined) {
      throw new SecurityConfigurationError(
        `${path}.directives.${name}`,
        `is dropped, so ${risk}`,
        `keep ${name} ("'none'" by default, or the origins you trust), ${orAcceptTheRisk}`,
      );
    }
    const open = sources.find((source) => ANY_ORIGIN.test(source));
    if (open !== undefined) {
      throw new SecurityConfigurationError(
        `${path}.directives.${name}`,
        `allows any origin with "${open}", so ${risk}`,
        `list the origins you trust instead, ${orAcceptTheRisk}`,
      );
    }
  }
}
