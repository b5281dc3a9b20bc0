import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { resolveSecurityHeadersOptions } from './resolve-security-headers-options';

/** The error `raw` is refused with (the test fails if it is accepted or fails otherwise). */
function refusal(raw: unknown): SecurityConfigurationError {
  try {
    resolveSecurityHeadersOptions(raw);
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(raw)}`);
}

/** The headers `raw` resolves to, by lower-cased name. */
function headersOf(raw: unknown): Map<string, string> {
  const { plan } = resolveSecurityHeadersOptions(raw);
  return new Map(plan.set.map(([name, value]) => [name.toLowerCase(), value]));
}

/** Values that are neither numbers, nor booleans, nor plain objects in a useful way. */
const NOT_A_NUMBER = [-0, NaN, Infinity, -Infinity, '123', null, [], {}, true, 1.5, -1];
const NOT_A_BOOLEAN = [-0, 0, 1, NaN, Infinity, '123', 'true', null, [], {}];
const NOT_A_TOGGLE = [-0, 0, 1, NaN, Infinity, '123', 'true', null, [], [{}]];

describe('resolveSecurityHeadersOptions', () => {
  describe('defaults', () => {
    it('gives the same result for undefined and {}', () => {
      expect(resolveSecurityHeadersOptions({})).toEqual(resolveSecurityHeadersOptions(undefined));
    });

    it('returns a deeply frozen result', () => {
      const resolved = resolveSecurityHeadersOptions(undefined);
      expect(Object.isFrozen(resolved)).toBe(true);
      expect(Object.isFrozen(resolved.plan)).toBe(true);
      expect(Object.isFrozen(resolved.helmetOptions)).toBe(true);
      expect(Object.isFrozen(resolved.helmetOptions.strictTransportSecurity)).toBe(true);
    });

    it('hands helmet every header option explicitly, under its current name', () => {
      expect(resolveSecurityHeadersOptions(undefined).helmetOptions).toEqual({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: {
            'default-src': ["'self'"],
            'base-uri': ["'none'"],
            'form-action': ["'self'"],
            'frame-ancestors': ["'none'"],
            'object-src': ["'none'"],
            'script-src-attr': ["'none'"],
          },
          reportOnly: false,
        },
        crossOriginEmbedderPolicy: false,
        crossOriginOpenerPolicy: { policy: 'same-origin' },
        crossOriginResourcePolicy: { policy: 'same-origin' },
        originAgentCluster: true,
        referrerPolicy: { policy: ['no-referrer'] },
        strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true, preload: false },
        xContentTypeOptions: true,
        xDnsPrefetchControl: { allow: false },
        xDownloadOptions: true,
        xFrameOptions: { action: 'deny' },
        xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
        xPoweredBy: true,
        xXssProtection: true,
      });
    });

    it('treats `true` as the default value of a header', () => {
      const everyHeaderTrue = {
        contentSecurityPolicy: true,
        crossOriginOpenerPolicy: true,
        crossOriginResourcePolicy: true,
        originAgentCluster: true,
        referrerPolicy: true,
        strictTransportSecurity: true,
        xContentTypeOptions: true,
        xDnsPrefetchControl: true,
        xDownloadOptions: true,
        xFrameOptions: true,
        xPermittedCrossDomainPolicies: true,
        xPoweredBy: true,
        xXssProtection: true,
      };
      expect(resolveSecurityHeadersOptions(everyHeaderTrue)).toEqual(
        resolveSecurityHeadersOptions(undefined),
      );
    });
  });

  describe('valid options', () => {
    it.each<[string, unknown, string, string | undefined]>([
      [
        'HSTS for two years, preloaded',
        { strictTransportSecurity: { maxAge: 63_072_000, preload: true } },
        'strict-transport-security',
        'max-age=63072000; includeSubDomains; preload',
      ],
      [
        'HSTS at exactly one year',
        { strictTransportSecurity: { maxAge: 31_536_000 } },
        'strict-transport-security',
        'max-age=31536000; includeSubDomains',
      ],
      [
        'a weak HSTS, waived',
        {
          strictTransportSecurity: { maxAge: 300, includeSubDomains: false },
          dangerouslyAllowWeakHsts: true,
        },
        'strict-transport-security',
        'max-age=300',
      ],
      [
        'HSTS turned off, waived',
        { strictTransportSecurity: false, dangerouslyDisable: ['strictTransportSecurity'] },
        'strict-transport-security',
        undefined,
      ],
      [
        'two referrer tokens',
        { referrerPolicy: { policy: ['no-referrer', 'strict-origin-when-cross-origin'] } },
        'referrer-policy',
        'no-referrer,strict-origin-when-cross-origin',
      ],
      [
        'one referrer token as a string',
        { referrerPolicy: { policy: 'same-origin' } },
        'referrer-policy',
        'same-origin',
      ],
      [
        'Referrer-Policy off, waived',
        { referrerPolicy: false, dangerouslyDisable: ['referrerPolicy'] },
        'referrer-policy',
        undefined,
      ],
      [
        'X-Frame-Options sameorigin',
        { xFrameOptions: { action: 'sameorigin' } },
        'x-frame-options',
        'SAMEORIGIN',
      ],
      [
        'X-Frame-Options off, waived',
        { xFrameOptions: false, dangerouslyDisable: ['xFrameOptions'] },
        'x-frame-options',
        undefined,
      ],
      [
        'nosniff off, waived',
        { xContentTypeOptions: false, dangerouslyDisable: ['xContentTypeOptions'] },
        'x-content-type-options',
        undefined,
      ],
      [
        'COEP on',
        { crossOriginEmbedderPolicy: true },
        'cross-origin-embedder-policy',
        'require-corp',
      ],
      [
        'COEP credentialless',
        { crossOriginEmbedderPolicy: { policy: 'credentialless' } },
        'cross-origin-embedder-policy',
        'credentialless',
      ],
      [
        'COOP with popups',
        { crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' } },
        'cross-origin-opener-policy',
        'same-origin-allow-popups',
      ],
      [
        'CORP cross-origin',
        { crossOriginResourcePolicy: { policy: 'cross-origin' } },
        'cross-origin-resource-policy',
        'cross-origin',
      ],
      [
        'CORP off (not guarded)',
        { crossOriginResourcePolicy: false },
        'cross-origin-resource-policy',
        undefined,
      ],
      [
        'Origin-Agent-Cluster off (not guarded)',
        { originAgentCluster: false },
        'origin-agent-cluster',
        undefined,
      ],
      [
        'DNS prefetch allowed',
        { xDnsPrefetchControl: { allow: true } },
        'x-dns-prefetch-control',
        'on',
      ],
      [
        'cross-domain policies master-only',
        { xPermittedCrossDomainPolicies: { permittedPolicies: 'master-only' } },
        'x-permitted-cross-domain-policies',
        'master-only',
      ],
      ['X-Download-Options off', { xDownloadOptions: false }, 'x-download-options', undefined],
      ['X-XSS-Protection off', { xXssProtection: false }, 'x-xss-protection', undefined],
      [
        'CSP with an extra directive',
        { contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'data:'] } } },
        'content-security-policy',
        "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none';img-src 'self' data:",
      ],
      [
        'CSP off, waived',
        { contentSecurityPolicy: false, dangerouslyDisable: ['contentSecurityPolicy'] },
        'content-security-policy',
        undefined,
      ],
      [
        'CSP report-only, waived',
        { contentSecurityPolicy: { reportOnly: true }, dangerouslyAllowWeakCsp: true },
        'content-security-policy-report-only',
        "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'",
      ],
    ])('accepts %s', (_case, raw, header, value) => {
      expect(headersOf(raw).get(header)).toBe(value);
    });

    it('keeps X-Powered-By only when its removal is waived', () => {
      expect(
        resolveSecurityHeadersOptions({ xPoweredBy: false, dangerouslyDisable: ['xPoweredBy'] })
          .plan.remove,
      ).toEqual([]);
    });

    it('accepts a waiver for a header that is not off, which changes nothing', () => {
      expect(
        resolveSecurityHeadersOptions({ dangerouslyDisable: ['strictTransportSecurity'] }),
      ).toEqual(resolveSecurityHeadersOptions(undefined));
    });

    it('accepts an empty waiver list', () => {
      expect(() => resolveSecurityHeadersOptions({ dangerouslyDisable: [] })).not.toThrow();
    });
  });

  describe('dangerous options are refused, naming the option and the way out', () => {
    it.each<[string, unknown, string, RegExp]>([
      [
        'CSP off',
        { contentSecurityPolicy: false },
        'headers.contentSecurityPolicy',
        /dangerouslyDisable/,
      ],
      [
        'HSTS off',
        { strictTransportSecurity: false },
        'headers.strictTransportSecurity',
        /dangerouslyDisable/,
      ],
      [
        'nosniff off',
        { xContentTypeOptions: false },
        'headers.xContentTypeOptions',
        /dangerouslyDisable/,
      ],
      [
        'X-Frame-Options off',
        { xFrameOptions: false },
        'headers.xFrameOptions',
        /dangerouslyDisable/,
      ],
      [
        'Referrer-Policy off',
        { referrerPolicy: false },
        'headers.referrerPolicy',
        /dangerouslyDisable/,
      ],
      ['X-Powered-By kept', { xPoweredBy: false }, 'headers.xPoweredBy', /dangerouslyDisable/],
      [
        'HSTS off, another header waived',
        { strictTransportSecurity: false, dangerouslyDisable: ['xFrameOptions'] },
        'headers.strictTransportSecurity',
        /dangerouslyDisable/,
      ],
      [
        'HSTS for five minutes',
        { strictTransportSecurity: { maxAge: 300 } },
        'headers.strictTransportSecurity.maxAge',
        /at least 31536000 seconds.*dangerouslyAllowWeakHsts/,
      ],
      [
        'HSTS one second short of a year',
        { strictTransportSecurity: { maxAge: 31_535_999 } },
        'headers.strictTransportSecurity.maxAge',
        /dangerouslyAllowWeakHsts/,
      ],
      [
        'HSTS max-age 0 (clears HSTS)',
        { strictTransportSecurity: { maxAge: 0 } },
        'headers.strictTransportSecurity.maxAge',
        /dangerouslyAllowWeakHsts/,
      ],
      [
        'HSTS without subdomains',
        { strictTransportSecurity: { includeSubDomains: false } },
        'headers.strictTransportSecurity.includeSubDomains',
        /dangerouslyAllowWeakHsts/,
      ],
      [
        'HSTS preload with a short max-age, even waived',
        { strictTransportSecurity: { maxAge: 300, preload: true }, dangerouslyAllowWeakHsts: true },
        'headers.strictTransportSecurity.preload',
        /preload list/,
      ],
      [
        'HSTS preload without subdomains, even waived',
        {
          strictTransportSecurity: { includeSubDomains: false, preload: true },
          dangerouslyAllowWeakHsts: true,
        },
        'headers.strictTransportSecurity.preload',
        /includeSubDomains/,
      ],
      [
        'CSP without object-src',
        { contentSecurityPolicy: { directives: { objectSrc: null } } },
        'headers.contentSecurityPolicy.directives.object-src',
        /dangerouslyAllowWeakCsp/,
      ],
      [
        'CSP with object-src self',
        { contentSecurityPolicy: { directives: { objectSrc: "'self'" } } },
        'headers.contentSecurityPolicy.directives.object-src',
        /exactly "'none'"/,
      ],
      [
        'CSP without base-uri',
        { contentSecurityPolicy: { directives: { baseUri: null } } },
        'headers.contentSecurityPolicy.directives.base-uri',
        /dangerouslyAllowWeakCsp/,
      ],
      [
        'CSP without frame-ancestors',
        { contentSecurityPolicy: { directives: { 'frame-ancestors': null } } },
        'headers.contentSecurityPolicy.directives.frame-ancestors',
        /clickjacking/,
      ],
      [
        'CSP framed by anyone',
        { contentSecurityPolicy: { directives: { frameAncestors: '*' } } },
        'headers.contentSecurityPolicy.directives.frame-ancestors',
        /any origin/,
      ],
      [
        'CSP framed by any HTTPS site',
        { contentSecurityPolicy: { directives: { frameAncestors: ["'self'", 'https:'] } } },
        'headers.contentSecurityPolicy.directives.frame-ancestors',
        /any origin/,
      ],
      [
        'CSP with base-uri open',
        { contentSecurityPolicy: { directives: { baseUri: 'https:' } } },
        'headers.contentSecurityPolicy.directives.base-uri',
        /any origin/,
      ],
      [
        'CSP without the defaults',
        { contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: "'self'" } } },
        'headers.contentSecurityPolicy.directives.object-src',
        /dangerouslyAllowWeakCsp/,
      ],
      [
        'CSP in report-only mode',
        { contentSecurityPolicy: { reportOnly: true } },
        'headers.contentSecurityPolicy.reportOnly',
        /not enforced/,
      ],
      [
        'CSP without default-src',
        { contentSecurityPolicy: { directives: { defaultSrc: null } } },
        'headers.contentSecurityPolicy.directives.defaultSrc',
        /default-src/,
      ],
      [
        'CSP without default-src, even waived',
        {
          contentSecurityPolicy: { directives: { defaultSrc: null } },
          dangerouslyAllowWeakCsp: true,
        },
        'headers.contentSecurityPolicy.directives.defaultSrc',
        /default-src/,
      ],
    ])('refuses %s', (_case, raw, option, fix) => {
      const error = refusal(raw);
      expect(error.option).toBe(option);
      expect(error.code).toBe('SECURITY_INVALID_OPTIONS');
      expect(error.message).toContain(`SecurityModule option "${option}"`);
      expect(error.message).toMatch(fix);
    });

    it('accepts each weak case once its waiver is given', () => {
      expect(() =>
        resolveSecurityHeadersOptions({
          strictTransportSecurity: { maxAge: 0, includeSubDomains: false },
          dangerouslyAllowWeakHsts: true,
          contentSecurityPolicy: {
            directives: { objectSrc: null, baseUri: null, frameAncestors: '*' },
            reportOnly: true,
          },
          dangerouslyAllowWeakCsp: true,
        }),
      ).not.toThrow();
    });
  });

  describe('typos and legacy names', () => {
    it.each<[unknown, string, string]>([
      [
        { strictTransportSecurty: {} },
        'headers.strictTransportSecurty',
        'did you mean `strictTransportSecurity`?',
      ],
      [
        { contentSecurityPolicies: {} },
        'headers.contentSecurityPolicies',
        'did you mean `contentSecurityPolicy`?',
      ],
      [
        { dangerouslyAllowWeakHTS: true },
        'headers.dangerouslyAllowWeakHTS',
        'did you mean `dangerouslyAllowWeakHsts`?',
      ],
      [
        { dangerouslyDisabled: [] },
        'headers.dangerouslyDisabled',
        'did you mean `dangerouslyDisable`?',
      ],
      [
        { strictTransportSecurity: { maxage: 31_536_000 } },
        'headers.strictTransportSecurity.maxage',
        'did you mean `maxAge`?',
      ],
      [
        { strictTransportSecurity: { includeSubdomains: true } },
        'headers.strictTransportSecurity.includeSubdomains',
        'did you mean `includeSubDomains`?',
      ],
      [
        { contentSecurityPolicy: { directive: {} } },
        'headers.contentSecurityPolicy.directive',
        'did you mean `directives`?',
      ],
      [
        { contentSecurityPolicy: { directives: { frameAncestor: "'none'" } } },
        'headers.contentSecurityPolicy.directives.frameAncestor',
        'did you mean `frame-ancestors`?',
      ],
      [
        { xFrameOptions: { acton: 'deny' } },
        'headers.xFrameOptions.acton',
        'did you mean `action`?',
      ],
      [
        { referrerPolicy: { policies: 'no-referrer' } },
        'headers.referrerPolicy.policies',
        'the known options of "headers.referrerPolicy" are `policy`',
      ],
      [{ hsts: { maxAge: 31_536_000 } }, 'headers.hsts', 'rename it to `strictTransportSecurity`'],
      [{ frameguard: false }, 'headers.frameguard', 'rename it to `xFrameOptions`'],
      [{ noSniff: true }, 'headers.noSniff', 'rename it to `xContentTypeOptions`'],
      [{ hidePoweredBy: true }, 'headers.hidePoweredBy', 'rename it to `xPoweredBy`'],
      [
        { dangerouslyDisable: ['hsts'] },
        'headers.dangerouslyDisable[0]',
        "write 'strictTransportSecurity'",
      ],
      [
        { dangerouslyDisable: ['xFrameOption'] },
        'headers.dangerouslyDisable[0]',
        "did you mean 'xFrameOptions'?",
      ],
      [
        { xFrameOptions: { action: 'denny' } },
        'headers.xFrameOptions.action',
        "did you mean 'deny'?",
      ],
    ])('%j fails on %s: %s', (raw, option, hint) => {
      const error = refusal(raw);
      expect(error.option).toBe(option);
      expect(error.message).toContain(hint);
    });
  });

  describe('invalid inputs', () => {
    it.each(['-0', 'NaN', 'Infinity', '"123"', 'null', '[]', 'true', 'false', '0'])(
      'refuses %s as the headers object',
      (text) => {
        const value: unknown =
          text === '-0'
            ? -0
            : text === 'NaN'
              ? NaN
              : text === 'Infinity'
                ? Infinity
                : JSON.parse(text);
        expect(refusal(value).option).toBe('headers');
      },
    );

    it.each(NOT_A_NUMBER)('refuses %p as strictTransportSecurity.maxAge', (value) => {
      expect(refusal({ strictTransportSecurity: { maxAge: value } }).option).toBe(
        'headers.strictTransportSecurity.maxAge',
      );
    });

    it('refuses a maxAge beyond the safe integers', () => {
      expect(refusal({ strictTransportSecurity: { maxAge: 2 ** 60 } }).option).toBe(
        'headers.strictTransportSecurity.maxAge',
      );
    });

    it.each([
      'contentSecurityPolicy',
      'crossOriginEmbedderPolicy',
      'crossOriginOpenerPolicy',
      'crossOriginResourcePolicy',
      'referrerPolicy',
      'strictTransportSecurity',
      'xDnsPrefetchControl',
      'xFrameOptions',
      'xPermittedCrossDomainPolicies',
    ])('refuses every non-toggle value for %s', (name) => {
      for (const value of NOT_A_TOGGLE) {
        const error = refusal({ [name]: value });
        expect(error.option).toBe(`headers.${name}`);
        expect(error.message).toContain('must be true, false or a plain object');
      }
    });

    it.each([
      ['originAgentCluster'],
      ['xContentTypeOptions'],
      ['xDownloadOptions'],
      ['xPoweredBy'],
      ['xXssProtection'],
      ['dangerouslyAllowWeakHsts'],
      ['dangerouslyAllowWeakCsp'],
    ])('refuses every non-boolean value for %s', (name) => {
      for (const value of [...NOT_A_BOOLEAN, { enabled: true }]) {
        expect(refusal({ [name]: value }).option).toBe(`headers.${name}`);
      }
    });

    it.each<[string, (value: unknown) => unknown, string]>([
      [
        'strictTransportSecurity.includeSubDomains',
        (v) => ({ strictTransportSecurity: { includeSubDomains: v } }),
        'headers.strictTransportSecurity.includeSubDomains',
      ],
      [
        'strictTransportSecurity.preload',
        (v) => ({ strictTransportSecurity: { preload: v } }),
        'headers.strictTransportSecurity.preload',
      ],
      [
        'xDnsPrefetchControl.allow',
        (v) => ({ xDnsPrefetchControl: { allow: v } }),
        'headers.xDnsPrefetchControl.allow',
      ],
      [
        'contentSecurityPolicy.useDefaults',
        (v) => ({ contentSecurityPolicy: { useDefaults: v } }),
        'headers.contentSecurityPolicy.useDefaults',
      ],
      [
        'contentSecurityPolicy.reportOnly',
        (v) => ({ contentSecurityPolicy: { reportOnly: v } }),
        'headers.contentSecurityPolicy.reportOnly',
      ],
    ])('refuses every non-boolean value for %s', (_name, wrap, option) => {
      for (const value of NOT_A_BOOLEAN) expect(refusal(wrap(value)).option).toBe(option);
    });

    it.each<[string, (value: unknown) => unknown, string]>([
      [
        'crossOriginEmbedderPolicy.policy',
        (v) => ({ crossOriginEmbedderPolicy: { policy: v } }),
        'headers.crossOriginEmbedderPolicy.policy',
      ],
      [
        'crossOriginOpenerPolicy.policy',
        (v) => ({ crossOriginOpenerPolicy: { policy: v } }),
        'headers.crossOriginOpenerPolicy.policy',
      ],
      [
        'crossOriginResourcePolicy.policy',
        (v) => ({ crossOriginResourcePolicy: { policy: v } }),
        'headers.crossOriginResourcePolicy.policy',
      ],
      [
        'xFrameOptions.action',
        (v) => ({ xFrameOptions: { action: v } }),
        'headers.xFrameOptions.action',
      ],
      [
        'xPermittedCrossDomainPolicies.permittedPolicies',
        (v) => ({ xPermittedCrossDomainPolicies: { permittedPolicies: v } }),
        'headers.xPermittedCrossDomainPolicies.permittedPolicies',
      ],
    ])('refuses every value outside the choices for %s', (_name, wrap, option) => {
      for (const value of [
        -0,
        NaN,
        Infinity,
        '123',
        '',
        'DENY',
        'SAMEORIGIN',
        'same-origin ',
        null,
        [],
        {},
        true,
      ]) {
        expect(refusal(wrap(value)).option).toBe(option);
      }
    });

    it.each<[unknown, string]>([
      ['', 'headers.referrerPolicy.policy'],
      [[], 'headers.referrerPolicy.policy'],
      [null, 'headers.referrerPolicy.policy'],
      [-0, 'headers.referrerPolicy.policy'],
      [NaN, 'headers.referrerPolicy.policy'],
      [Infinity, 'headers.referrerPolicy.policy'],
      ['123', 'headers.referrerPolicy.policy'],
      [{}, 'headers.referrerPolicy.policy'],
      ['No-Referrer', 'headers.referrerPolicy.policy'],
      [['no-referrer', ''], 'headers.referrerPolicy.policy[1]'],
      [['no-referrer', 'no-referrer'], 'headers.referrerPolicy.policy[1]'],
      [['no-referrer', null], 'headers.referrerPolicy.policy[1]'],
      [['no-referrer', ['origin']], 'headers.referrerPolicy.policy[1]'],
    ])('refuses referrer policy %p', (policy, option) => {
      expect(refusal({ referrerPolicy: { policy } }).option).toBe(option);
    });

    it.each([-0, NaN, Infinity, '123', 'strictTransportSecurity', null, {}, true])(
      'refuses %p as dangerouslyDisable',
      (value) => {
        expect(refusal({ dangerouslyDisable: value }).option).toBe('headers.dangerouslyDisable');
      },
    );

    it.each([-0, NaN, Infinity, '123', '', null, [], {}, true, 'x-frame-options'])(
      'refuses %p as an entry of dangerouslyDisable',
      (value) => {
        expect(refusal({ dangerouslyDisable: ['xFrameOptions', value] }).option).toBe(
          'headers.dangerouslyDisable[1]',
        );
      },
    );
  });
});
