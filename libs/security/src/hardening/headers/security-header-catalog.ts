import type { HelmetOptions } from 'helmet';

/**
 * helmet's legacy option aliases (`hsts` for `strictTransportSecurity`, ...). Rampart accepts only
 * the current names, so that one header has one spelling in every configuration.
 */
type HelmetLegacyAlias =
  | 'dnsPrefetchControl'
  | 'frameguard'
  | 'hidePoweredBy'
  | 'hsts'
  | 'ieNoOpen'
  | 'noSniff'
  | 'permittedCrossDomainPolicies'
  | 'xssFilter';

/**
 * The name of one header option, exactly as helmet spells it (`strictTransportSecurity`,
 * `contentSecurityPolicy`, ...): every header helmet knows, minus its legacy aliases.
 *
 * @example
 * const off: SecurityHeaderName = 'xDnsPrefetchControl';
 */
export type SecurityHeaderName = Exclude<keyof HelmetOptions, HelmetLegacyAlias>;

/**
 * What Rampart knows about one helmet header option.
 *
 * @example
 * const hsts: SecurityHeaderEntry = { headers: ['Strict-Transport-Security'], guarded: true };
 */
export interface SecurityHeaderEntry {
  /** The HTTP headers this option writes (or, for `xPoweredBy`, removes). */
  readonly headers: readonly string[];
  /**
   * Whether turning it off (`false`) must be acknowledged in `dangerouslyDisable`: these are the
   * headers the issue requires on every response.
   */
  readonly guarded: boolean;
}

/**
 * Every helmet header option, the headers it owns, and whether switching it off is guarded. The
 * `satisfies` clause stops the build if a helmet upgrade adds a header Rampart does not know.
 *
 * @example
 * SECURITY_HEADER_CATALOG.strictTransportSecurity.headers; // ['Strict-Transport-Security']
 */
export const SECURITY_HEADER_CATALOG = Object.freeze({
  contentSecurityPolicy: entry(
    true,
    'Content-Security-Policy',
    'Content-Security-Policy-Report-Only',
  ),
  crossOriginEmbedderPolicy: entry(false, 'Cross-Origin-Embedder-Policy'),
  crossOriginOpenerPolicy: entry(false, 'Cross-Origin-Opener-Policy'),
  crossOriginResourcePolicy: entry(false, 'Cross-Origin-Resource-Policy'),
  originAgentCluster: entry(false, 'Origin-Agent-Cluster'),
  referrerPolicy: entry(true, 'Referrer-Policy'),
  strictTransportSecurity: entry(true, 'Strict-Transport-Security'),
  xContentTypeOptions: entry(true, 'X-Content-Type-Options'),
  xDnsPrefetchControl: entry(false, 'X-DNS-Prefetch-Control'),
  xDownloadOptions: entry(false, 'X-Download-Options'),
  xFrameOptions: entry(true, 'X-Frame-Options'),
  xPermittedCrossDomainPolicies: entry(false, 'X-Permitted-Cross-Domain-Policies'),
  xPoweredBy: entry(true, 'X-Powered-By'),
  xXssProtection: entry(false, 'X-XSS-Protection'),
} satisfies Record<SecurityHeaderName, SecurityHeaderEntry>);

/**
 * Every header option name, in helmet's order.
 *
 * @example
 * SECURITY_HEADER_NAMES.includes('xFrameOptions'); // true
 */
export const SECURITY_HEADER_NAMES: readonly SecurityHeaderName[] = Object.freeze(
  Object.keys(SECURITY_HEADER_CATALOG) as SecurityHeaderName[],
);

/**
 * helmet's legacy aliases and the name Rampart accepts instead, for a helpful error message.
 *
 * @example
 * HELMET_LEGACY_ALIASES.hsts; // 'strictTransportSecurity'
 */
export const HELMET_LEGACY_ALIASES: Readonly<Record<HelmetLegacyAlias, SecurityHeaderName>> =
  Object.freeze({
    dnsPrefetchControl: 'xDnsPrefetchControl',
    frameguard: 'xFrameOptions',
    hidePoweredBy: 'xPoweredBy',
    hsts: 'strictTransportSecurity',
    ieNoOpen: 'xDownloadOptions',
    noSniff: 'xContentTypeOptions',
    permittedCrossDomainPolicies: 'xPermittedCrossDomainPolicies',
    xssFilter: 'xXssProtection',
  });

/**
 * Whether `key` is one of helmet's legacy aliases.
 *
 * @example
 * isHelmetLegacyAlias('frameguard'); // true
 */
export function isHelmetLegacyAlias(key: string): key is HelmetLegacyAlias {
  return Object.hasOwn(HELMET_LEGACY_ALIASES, key);
}

function entry(guarded: boolean, ...headers: string[]): SecurityHeaderEntry {
  return Object.freeze({ headers: Object.freeze(headers), guarded });
}
