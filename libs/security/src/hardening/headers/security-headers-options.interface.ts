import type { HelmetOptions } from 'helmet';
import type { SecurityHeaderName } from './security-header-catalog';

/** helmet's own option object for header `K` (what it accepts besides `true` / `false`). */
type HelmetHeaderOptions<K extends SecurityHeaderName> = Exclude<
  HelmetOptions[K],
  boolean | undefined
>;

/**
 * One `Referrer-Policy` token, as helmet types it (the empty token is left out: it means "no
 * policy", which is what `referrerPolicy: false` says deliberately).
 *
 * @example
 * const token: ReferrerPolicyToken = 'strict-origin-when-cross-origin';
 */
export type ReferrerPolicyToken = Exclude<
  Extract<HelmetHeaderOptions<'referrerPolicy'>['policy'], string>,
  ''
>;

/**
 * The value of one Content-Security-Policy directive: one source expression, a list of them
 * (`[]` for a directive without value, such as `upgrade-insecure-requests`), or `null` to drop a
 * default directive. Keywords are quoted (`"'self'"`); one expression per entry. helmet's
 * per-request function values (nonces) are not accepted: Rampart computes the header once, at
 * startup, and a nonce that never changes protects nothing.
 *
 * @example
 * const imgSrc: ContentSecurityPolicyDirectiveValue = ["'self'", 'https://cdn.example.com'];
 */
export type ContentSecurityPolicyDirectiveValue = string | readonly string[] | null;

/**
 * `Content-Security-Policy` options: helmet's, minus per-request function values.
 *
 * Rampart's default policy, meant for an API (it sends no HTML, so the helmet defaults that let a
 * page load fonts, images and styles from any HTTPS origin are left out):
 * `default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'`.
 *
 * A policy without `object-src 'none'`, without `base-uri`, without `frame-ancestors` (or with
 * one that allows any origin: `*` or a bare scheme such as `https:`), or in report-only mode, is
 * refused unless `dangerouslyAllowWeakCsp: true`.
 *
 * @example
 * const csp: ContentSecurityPolicyOptions = {
 *   directives: { imgSrc: ["'self'", 'https://cdn.example.com'] },
 * };
 */
export interface ContentSecurityPolicyOptions {
  /**
   * Whether `directives` are merged over Rampart's default directives (a directive named here
   * replaces the default one of the same name; `null` drops it). With `false`, only
   * `directives` are sent, and they must include `default-src`.
   *
   * @default true
   */
  readonly useDefaults?: boolean;
  /**
   * Directives by name, camelCase (`frameAncestors`) or kebab-case (`'frame-ancestors'`). Names
   * are checked against the CSP Level 3 directives, so a typo fails at startup.
   *
   * @default {} (Rampart's defaults only)
   */
  readonly directives?: Readonly<Record<string, ContentSecurityPolicyDirectiveValue>>;
  /**
   * Sends `Content-Security-Policy-Report-Only` instead: violations are reported, not blocked.
   * That enforces nothing, so it also needs `dangerouslyAllowWeakCsp: true`.
   *
   * @default false
   */
  readonly reportOnly?: boolean;
}

/**
 * `Strict-Transport-Security` options (helmet's). A `maxAge` below one year or
 * `includeSubDomains: false` is refused unless `dangerouslyAllowWeakHsts: true`.
 *
 * @example
 * const hsts: StrictTransportSecurityOptions = { maxAge: 63_072_000, preload: true };
 */
export interface StrictTransportSecurityOptions {
  /**
   * How long browsers remember to use HTTPS only, in **seconds** (a whole number).
   *
   * @default 31536000 (one year)
   */
  readonly maxAge?: HelmetHeaderOptions<'strictTransportSecurity'>['maxAge'];
  /**
   * Whether the policy covers every subdomain too.
   *
   * @default true
   */
  readonly includeSubDomains?: HelmetHeaderOptions<'strictTransportSecurity'>['includeSubDomains'];
  /**
   * Adds `preload`, asking browsers to ship the domain in their HTTPS-only list. Needs
   * `maxAge` >= 31536000 and `includeSubDomains` (the list's own rules), even with
   * `dangerouslyAllowWeakHsts`.
   *
   * @default false
   */
  readonly preload?: HelmetHeaderOptions<'strictTransportSecurity'>['preload'];
}

/**
 * `Referrer-Policy` options (helmet's).
 *
 * @example
 * const referrer: ReferrerPolicyOptions = { policy: ['no-referrer', 'strict-origin-when-cross-origin'] };
 */
export interface ReferrerPolicyOptions {
  /**
   * One token, or several (browsers use the last one they support), without duplicates.
   *
   * @default 'no-referrer'
   */
  readonly policy?: ReferrerPolicyToken | readonly ReferrerPolicyToken[];
}

/**
 * `X-Frame-Options` options (helmet's). Modern browsers follow the CSP `frame-ancestors`
 * directive instead; this header covers older ones.
 *
 * @example
 * const frames: XFrameOptionsOptions = { action: 'sameorigin' };
 */
export interface XFrameOptionsOptions {
  /**
   * `deny` (never framed) or `sameorigin`.
   *
   * @default 'deny'
   */
  readonly action?: HelmetHeaderOptions<'xFrameOptions'>['action'];
}

/**
 * `Cross-Origin-Embedder-Policy` options (helmet's).
 *
 * @example
 * const coep: CrossOriginEmbedderPolicyOptions = { policy: 'credentialless' };
 */
export interface CrossOriginEmbedderPolicyOptions {
  /**
   * The policy sent when the header is on.
   *
   * @default 'require-corp'
   */
  readonly policy?: HelmetHeaderOptions<'crossOriginEmbedderPolicy'>['policy'];
}

/**
 * `Cross-Origin-Opener-Policy` options (helmet's).
 *
 * @example
 * const coop: CrossOriginOpenerPolicyOptions = { policy: 'same-origin-allow-popups' };
 */
export interface CrossOriginOpenerPolicyOptions {
  /**
   * The policy.
   *
   * @default 'same-origin'
   */
  readonly policy?: HelmetHeaderOptions<'crossOriginOpenerPolicy'>['policy'];
}

/**
 * `Cross-Origin-Resource-Policy` options (helmet's). It only affects `no-cors` loads (an `<img>`
 * or `<script>` on another site); CORS requests to the API are not concerned.
 *
 * @example
 * const corp: CrossOriginResourcePolicyOptions = { policy: 'same-site' };
 */
export interface CrossOriginResourcePolicyOptions {
  /**
   * The policy.
   *
   * @default 'same-origin'
   */
  readonly policy?: HelmetHeaderOptions<'crossOriginResourcePolicy'>['policy'];
}

/**
 * `X-DNS-Prefetch-Control` options (helmet's).
 *
 * @example
 * const dns: XDnsPrefetchControlOptions = { allow: true };
 */
export interface XDnsPrefetchControlOptions {
  /**
   * `true` sends `on`, `false` sends `off`.
   *
   * @default false
   */
  readonly allow?: HelmetHeaderOptions<'xDnsPrefetchControl'>['allow'];
}

/**
 * `X-Permitted-Cross-Domain-Policies` options (helmet's).
 *
 * @example
 * const flash: XPermittedCrossDomainPoliciesOptions = { permittedPolicies: 'none' };
 */
export interface XPermittedCrossDomainPoliciesOptions {
  /**
   * The policy.
   *
   * @default 'none'
   */
  readonly permittedPolicies?: HelmetHeaderOptions<'xPermittedCrossDomainPolicies'>['permittedPolicies'];
}

/**
 * The `headers` section of the SecurityModule options: every header helmet knows, under helmet's
 * own (non-legacy) option names. Each header accepts `true` (Rampart's default value), `false`
 * (leave it out) or an object (configure it). Everything is validated once, at startup; the
 * header values are computed then, and a request only copies them.
 *
 * Safe defaults are hard to turn off by accident:
 * - `false` for `contentSecurityPolicy`, `strictTransportSecurity`, `xContentTypeOptions`,
 *   `xFrameOptions`, `referrerPolicy` or `xPoweredBy` is refused unless that name is listed in
 *   `dangerouslyDisable`;
 * - a weak HSTS needs `dangerouslyAllowWeakHsts`, a weak CSP `dangerouslyAllowWeakCsp`.
 *
 * @example
 * SecurityModule.forRoot({
 *   headers: {
 *     contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'https://cdn.example.com'] } },
 *     strictTransportSecurity: { maxAge: 63_072_000, preload: true },
 *     crossOriginEmbedderPolicy: true,
 *   },
 * });
 */
export interface SecurityHeadersOptions {
  /**
   * `Content-Security-Policy`.
   *
   * @default `default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'`
   */
  readonly contentSecurityPolicy?: ContentSecurityPolicyOptions | boolean;
  /**
   * `Cross-Origin-Embedder-Policy`; `true` sends `require-corp`.
   *
   * @default false (not sent, as in helmet)
   */
  readonly crossOriginEmbedderPolicy?: CrossOriginEmbedderPolicyOptions | boolean;
  /**
   * `Cross-Origin-Opener-Policy`.
   *
   * @default `same-origin`
   */
  readonly crossOriginOpenerPolicy?: CrossOriginOpenerPolicyOptions | boolean;
  /**
   * `Cross-Origin-Resource-Policy`.
   *
   * @default `same-origin`
   */
  readonly crossOriginResourcePolicy?: CrossOriginResourcePolicyOptions | boolean;
  /**
   * `Origin-Agent-Cluster: ?1`.
   *
   * @default true
   */
  readonly originAgentCluster?: boolean;
  /**
   * `Referrer-Policy`. `false` needs `dangerouslyDisable: ['referrerPolicy']`.
   *
   * @default `no-referrer`
   */
  readonly referrerPolicy?: ReferrerPolicyOptions | boolean;
  /**
   * `Strict-Transport-Security`. `false` needs `dangerouslyDisable: ['strictTransportSecurity']`.
   *
   * @default `max-age=31536000; includeSubDomains`
   */
  readonly strictTransportSecurity?: StrictTransportSecurityOptions | boolean;
  /**
   * `X-Content-Type-Options: nosniff`. `false` needs `dangerouslyDisable: ['xContentTypeOptions']`.
   *
   * @default true
   */
  readonly xContentTypeOptions?: boolean;
  /**
   * `X-DNS-Prefetch-Control`.
   *
   * @default `off`
   */
  readonly xDnsPrefetchControl?: XDnsPrefetchControlOptions | boolean;
  /**
   * `X-Download-Options: noopen`.
   *
   * @default true
   */
  readonly xDownloadOptions?: boolean;
  /**
   * `X-Frame-Options`. `false` needs `dangerouslyDisable: ['xFrameOptions']`.
   *
   * @default `DENY`
   */
  readonly xFrameOptions?: XFrameOptionsOptions | boolean;
  /**
   * `X-Permitted-Cross-Domain-Policies`.
   *
   * @default `none`
   */
  readonly xPermittedCrossDomainPolicies?: XPermittedCrossDomainPoliciesOptions | boolean;
  /**
   * Removes `X-Powered-By` (and switches Express's own off). `false` needs
   * `dangerouslyDisable: ['xPoweredBy']`.
   *
   * @default true
   */
  readonly xPoweredBy?: boolean;
  /**
   * `X-XSS-Protection: 0` (turns off the buggy legacy XSS auditor).
   *
   * @default true
   */
  readonly xXssProtection?: boolean;
  /**
   * The guarded headers you turn off on purpose: a guarded header set to `false` and not listed
   * here stops startup. Listing a header that is not off changes nothing.
   *
   * @default []
   */
  readonly dangerouslyDisable?: readonly SecurityHeaderName[];
  /**
   * Accepts an HSTS `maxAge` below 31536000 seconds or `includeSubDomains: false`.
   *
   * @default false
   */
  readonly dangerouslyAllowWeakHsts?: boolean;
  /**
   * Accepts a CSP without `object-src 'none'`, `base-uri` or `frame-ancestors` (or with one of
   * them open to any origin), or in report-only mode.
   *
   * @default false
   */
  readonly dangerouslyAllowWeakCsp?: boolean;
}

/**
 * What `@SecurityHeaders()` accepts for one route or controller: the module options minus
 * `xPoweredBy`, which is an application-wide setting (Express adds the header before any route
 * code runs). The same rules apply: a guarded header needs `dangerouslyDisable` to be turned
 * off, and a weak HSTS or CSP its `dangerouslyAllow...` flag.
 *
 * @example
 * const docs: SecurityHeadersOverrides = {
 *   contentSecurityPolicy: { directives: { scriptSrc: ["'self'"], styleSrc: ["'self'"] } },
 * };
 */
export type SecurityHeadersOverrides = Omit<SecurityHeadersOptions, 'xPoweredBy'>;

/** Compile-time proof that every helmet header has an option here (`true` or a build error). */
type AssertTrue<T extends true> = T;
type _EveryHelmetHeaderIsConfigurable = AssertTrue<
  [Exclude<SecurityHeaderName, keyof SecurityHeadersOptions>] extends [never] ? true : false
>;
