import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import {
  DEFAULT_CONTENT_SECURITY_POLICY_DIRECTIVES,
  resolveContentSecurityPolicy,
  type CspResolutionContext,
} from './resolve-content-security-policy';

const STRICT: CspResolutionContext = {
  path: 'headers.contentSecurityPolicy',
  rootPath: 'headers',
  allowWeak: false,
};

/** The policy as helmet will serialize it. */
function serialize(value: unknown, context = STRICT): string {
  return resolveContentSecurityPolicy(value, context)
    .directives.map(([name, sources]) => [name, ...sources].join(' '))
    .join(';');
}

function refusal(value: unknown, context = STRICT): SecurityConfigurationError {
  try {
    resolveContentSecurityPolicy(value, context);
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

const DEFAULT =
  "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'";

describe('resolveContentSecurityPolicy', () => {
  describe('merging with the defaults', () => {
    it.each<[string, unknown, string]>([
      ['true', true, DEFAULT],
      ['an empty object', {}, DEFAULT],
      ['no directives', { directives: {} }, DEFAULT],
      [
        'a replaced directive, in place',
        { directives: { frameAncestors: ["'self'", 'https://app.example.com'] } },
        "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'self' https://app.example.com;object-src 'none';script-src-attr 'none'",
      ],
      [
        'added directives, appended in order',
        { directives: { 'img-src': ["'self'", 'data:'], connectSrc: "'self'" } },
        `${DEFAULT};img-src 'self' data:;connect-src 'self'`,
      ],
      [
        'a dropped (non-essential) directive',
        { directives: { formAction: null, scriptSrcAttr: null } },
        "default-src 'self';base-uri 'none';frame-ancestors 'none';object-src 'none'",
      ],
      [
        'a directive without value',
        { directives: { upgradeInsecureRequests: [] } },
        `${DEFAULT};upgrade-insecure-requests`,
      ],
      [
        'hashes, quoted keywords and report-to',
        {
          directives: {
            scriptSrc: ["'self'", "'sha256-abc='", "'strict-dynamic'"],
            reportTo: 'csp',
          },
        },
        `${DEFAULT};script-src 'self' 'sha256-abc=' 'strict-dynamic';report-to csp`,
      ],
      [
        'useDefaults: false with a complete policy',
        {
          useDefaults: false,
          directives: {
            defaultSrc: "'none'",
            baseUri: "'none'",
            frameAncestors: "'none'",
            objectSrc: "'none'",
          },
        },
        "default-src 'none';base-uri 'none';frame-ancestors 'none';object-src 'none'",
      ],
    ])('accepts %s', (_case, value, expected) => {
      expect(serialize(value)).toBe(expected);
    });

    it('exposes frozen defaults', () => {
      expect(Object.isFrozen(DEFAULT_CONTENT_SECURITY_POLICY_DIRECTIVES)).toBe(true);
      expect(Object.isFrozen(DEFAULT_CONTENT_SECURITY_POLICY_DIRECTIVES['default-src'])).toBe(true);
    });

    it('returns a frozen policy', () => {
      const csp = resolveContentSecurityPolicy({ directives: { imgSrc: "'self'" } }, STRICT);
      expect(Object.isFrozen(csp)).toBe(true);
      expect(Object.isFrozen(csp.directives)).toBe(true);
      expect(
        csp.directives.every(
          (directive) => Object.isFrozen(directive) && Object.isFrozen(directive[1]),
        ),
      ).toBe(true);
    });
  });

  describe('directive names', () => {
    it.each<[string, RegExp]>([
      ['default_src', /not a valid directive name/],
      ['DefaultSrc', /not a valid directive name/],
      ['frame-ancestors-', /not a valid directive name/],
      ['-frame-ancestors', /not a valid directive name/],
      ['img src', /not a valid directive name/],
      ['frameAncestor', /did you mean `frame-ancestors`\?/],
      ['scriptSrcElement', /not a Content-Security-Policy directive/],
      ['objectSource', /not a Content-Security-Policy directive/],
      ['pluginTypes', /not a Content-Security-Policy directive/],
    ])('refuses %s', (name, problem) => {
      const error = refusal({ directives: { [name]: "'self'" } });
      expect(error.option).toBe(`headers.contentSecurityPolicy.directives.${name}`);
      expect(error.message).toMatch(problem);
    });

    it('refuses one directive spelt twice', () => {
      const error = refusal({ directives: { defaultSrc: "'self'", 'default-src': "'none'" } });
      expect(error.option).toBe('headers.contentSecurityPolicy.directives.default-src');
      expect(error.message).toContain('also given as `defaultSrc`');
    });
  });

  describe('directive values', () => {
    it.each([-0, NaN, Infinity, 0, true, false, {}, new Set(["'self'"]), () => "'self'"])(
      'refuses %p as a directive value',
      (value) => {
        expect(refusal({ directives: { scriptSrc: value } }).option).toBe(
          'headers.contentSecurityPolicy.directives.scriptSrc',
        );
      },
    );

    it('says why a function is refused', () => {
      expect(refusal({ directives: { scriptSrc: () => "'self'" } }).message).toContain(
        'per-request values are not supported',
      );
    });

    it.each<[unknown, RegExp]>([
      [-0, /must be a string/],
      [NaN, /must be a string/],
      [Infinity, /must be a string/],
      [null, /must be a string/],
      [[], /must be a string/],
      [["'self'"], /must be a string/],
      ['', /one source expression/],
      [' https://a.example', /one source expression/],
      ["'self' https://a.example", /one source expression/],
      ['https://a.example\n', /one source expression/],
      ['x\u0000', /one source expression/],
      ['https://bücher.example', /punycode/],
      ["'self';", /';' or ','/],
      ['https://a.example,https://b.example', /';' or ','/],
      ["'self';script-src *", /one source expression|';' or ','/],
      ['self', /without quotes/],
      ['none', /without quotes/],
      ['unsafe-inline', /without quotes/],
      ['Unsafe-Eval', /without quotes/],
      ['strict-dynamic', /without quotes/],
      ['sha256-abc=', /without quotes/],
      ['nonce-abc', /without quotes/],
      ["'nonce-abc'", /never change/],
    ])('refuses the source %p', (source, problem) => {
      const error = refusal({ directives: { scriptSrc: ["'self'", source] } });
      expect(error.option).toBe('headers.contentSecurityPolicy.directives.scriptSrc[1]');
      expect(error.message).toMatch(problem);
    });
  });

  describe('options object', () => {
    it.each([-0, NaN, Infinity, '123', null, [], 'directives'])(
      'refuses %p as directives',
      (directives) => {
        expect(refusal({ directives }).option).toBe('headers.contentSecurityPolicy.directives');
      },
    );

    it('refuses an unknown key, with a suggestion', () => {
      const error = refusal({ reportonly: true });
      expect(error.option).toBe('headers.contentSecurityPolicy.reportonly');
      expect(error.message).toContain('did you mean `reportOnly`?');
    });
  });

  describe('weak policies', () => {
    const WEAK = { ...STRICT, allowWeak: true };

    it.each<[string, unknown, string]>([
      ['report-only', { reportOnly: true }, 'headers.contentSecurityPolicy.reportOnly'],
      [
        'object-src dropped',
        { directives: { objectSrc: null } },
        'headers.contentSecurityPolicy.directives.object-src',
      ],
      [
        'object-src self',
        { directives: { objectSrc: "'self'" } },
        'headers.contentSecurityPolicy.directives.object-src',
      ],
      [
        'object-src none and self',
        { directives: { objectSrc: ["'none'", "'self'"] } },
        'headers.contentSecurityPolicy.directives.object-src',
      ],
      [
        'object-src empty',
        { directives: { objectSrc: [] } },
        'headers.contentSecurityPolicy.directives.object-src',
      ],
      [
        'base-uri dropped',
        { directives: { baseUri: null } },
        'headers.contentSecurityPolicy.directives.base-uri',
      ],
      [
        'base-uri open',
        { directives: { baseUri: '*' } },
        'headers.contentSecurityPolicy.directives.base-uri',
      ],
      [
        'frame-ancestors dropped',
        { directives: { frameAncestors: null } },
        'headers.contentSecurityPolicy.directives.frame-ancestors',
      ],
      [
        'frame-ancestors open to http:',
        { directives: { frameAncestors: 'http:' } },
        'headers.contentSecurityPolicy.directives.frame-ancestors',
      ],
      [
        'no defaults',
        { useDefaults: false, directives: { defaultSrc: "'self'" } },
        'headers.contentSecurityPolicy.directives.object-src',
      ],
    ])('refuses %s unless allowed, naming the waiver', (_case, value, option) => {
      const error = refusal(value);
      expect(error.option).toBe(option);
      expect(error.message).toContain('"headers.dangerouslyAllowWeakCsp": true');
      expect(() => resolveContentSecurityPolicy(value, WEAK)).not.toThrow();
    });

    it('names the waiver under the root it is given (a decorator)', () => {
      const error = refusal(
        { directives: { objectSrc: null } },
        {
          path: '@SecurityHeaders().contentSecurityPolicy',
          rootPath: '@SecurityHeaders()',
          allowWeak: false,
        },
      );
      expect(error.option).toBe('@SecurityHeaders().contentSecurityPolicy.directives.object-src');
      expect(error.message).toContain('"@SecurityHeaders().dangerouslyAllowWeakCsp": true');
    });

    it.each([
      [{ directives: { defaultSrc: null } }, 'headers.contentSecurityPolicy.directives.defaultSrc'],
      [
        { useDefaults: false, directives: { objectSrc: "'none'" } },
        'headers.contentSecurityPolicy.directives',
      ],
    ])('always requires default-src: %j', (value, option) => {
      expect(refusal(value, WEAK).option).toBe(option);
    });
  });
});
