import type { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { HeaderPlan } from './header-plan';
import {
  compileSecurityHeadersOverrides,
  SecurityHeaders,
  SecurityHeadersMetadata,
} from './security-headers.decorator';
import type { SecurityHeadersOverrides } from './security-headers-options.interface';

function refusal(overrides: unknown): SecurityConfigurationError {
  try {
    compileSecurityHeadersOverrides(overrides);
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('compileSecurityHeadersOverrides', () => {
  it.each<[string, unknown, HeaderPlan]>([
    [
      'a changed header',
      { xFrameOptions: { action: 'sameorigin' } },
      { set: [['x-frame-options', 'SAMEORIGIN']], remove: [] },
    ],
    [
      'a header named with `true` (Rampart default, whatever the module says)',
      { strictTransportSecurity: true },
      { set: [['strict-transport-security', 'max-age=31536000; includeSubDomains']], remove: [] },
    ],
    [
      'an unguarded header turned off',
      { crossOriginResourcePolicy: false },
      { set: [], remove: ['cross-origin-resource-policy'] },
    ],
    [
      'a guarded header turned off, waived',
      { strictTransportSecurity: false, dangerouslyDisable: ['strictTransportSecurity'] },
      { set: [], remove: ['strict-transport-security'] },
    ],
    [
      'a CSP merged over the Rampart defaults (not the module options)',
      { contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'https://cdn.example.com'] } } },
      {
        set: [
          [
            'content-security-policy',
            "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none';img-src 'self' https://cdn.example.com",
          ],
        ],
        remove: ['content-security-policy-report-only'],
      },
    ],
    [
      'a report-only CSP, which also removes the enforced one',
      { contentSecurityPolicy: { reportOnly: true }, dangerouslyAllowWeakCsp: true },
      {
        set: [
          [
            'content-security-policy-report-only',
            "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'",
          ],
        ],
        remove: ['content-security-policy'],
      },
    ],
    [
      'COEP, off by default, turned on',
      { crossOriginEmbedderPolicy: true },
      { set: [['cross-origin-embedder-policy', 'require-corp']], remove: [] },
    ],
  ])('compiles %s', (_case, overrides, plan) => {
    expect(compileSecurityHeadersOverrides(overrides)).toEqual(plan);
  });

  it('returns a deeply frozen plan', () => {
    const plan = compileSecurityHeadersOverrides({ xFrameOptions: { action: 'sameorigin' } });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.set)).toBe(true);
    expect(Object.isFrozen(plan.set[0])).toBe(true);
    expect(Object.isFrozen(plan.remove)).toBe(true);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['no argument', undefined, '@SecurityHeaders()', /plain object/],
    ['an empty object', {}, '@SecurityHeaders()', /names no header/],
    ['only waivers', { dangerouslyAllowWeakCsp: true }, '@SecurityHeaders()', /names no header/],
    ['null', null, '@SecurityHeaders()', /plain object/],
    ['an array', [], '@SecurityHeaders()', /plain object/],
    [
      'xPoweredBy (application-wide)',
      { xPoweredBy: true },
      '@SecurityHeaders().xPoweredBy',
      /per route/,
    ],
    [
      'a guarded header off, unwaived',
      { xContentTypeOptions: false },
      '@SecurityHeaders().xContentTypeOptions',
      /@SecurityHeaders\(\)\.dangerouslyDisable/,
    ],
    [
      'a weak HSTS, unwaived',
      { strictTransportSecurity: { maxAge: 60 } },
      '@SecurityHeaders().strictTransportSecurity.maxAge',
      /@SecurityHeaders\(\)\.dangerouslyAllowWeakHsts/,
    ],
    [
      'a weak CSP, unwaived',
      { contentSecurityPolicy: { directives: { frameAncestors: '*' } } },
      '@SecurityHeaders().contentSecurityPolicy.directives.frame-ancestors',
      /@SecurityHeaders\(\)\.dangerouslyAllowWeakCsp/,
    ],
    [
      'a typo',
      { xFrameOption: { action: 'deny' } },
      '@SecurityHeaders().xFrameOption',
      /did you mean `xFrameOptions`\?/,
    ],
    [
      'a legacy alias',
      { frameguard: { action: 'deny' } },
      '@SecurityHeaders().frameguard',
      /rename it to `xFrameOptions`/,
    ],
    [
      'NaN as maxAge',
      { strictTransportSecurity: { maxAge: NaN } },
      '@SecurityHeaders().strictTransportSecurity.maxAge',
      /finite number/,
    ],
  ])('refuses %s', (_case, overrides, option, problem) => {
    const error = refusal(overrides);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(problem);
  });
});

describe('@SecurityHeaders()', () => {
  const reflector = new Reflector();
  const read = (target: Type | (() => void)): HeaderPlan | undefined =>
    reflector.get(SecurityHeadersMetadata, target);

  @SecurityHeaders({ xFrameOptions: { action: 'sameorigin' } })
  class DocsController {
    @SecurityHeaders({ crossOriginResourcePolicy: { policy: 'cross-origin' } })
    asset(): void {}

    page(): void {}
  }

  it('stores the compiled plan on the class and on the method', () => {
    expect(read(DocsController)).toEqual({ set: [['x-frame-options', 'SAMEORIGIN']], remove: [] });
    expect(read(DocsController.prototype.asset)).toEqual({
      set: [['cross-origin-resource-policy', 'cross-origin']],
      remove: [],
    });
    expect(read(DocsController.prototype.page)).toBeUndefined();
  });

  it("lets a method's override replace its controller's (getAllAndOverride)", () => {
    const resolve = (handler: () => void): HeaderPlan | undefined =>
      reflector.getAllAndOverride<HeaderPlan, HeaderPlan | undefined>(SecurityHeadersMetadata, [
        handler,
        DocsController,
      ]);
    expect(resolve(DocsController.prototype.asset)).toEqual(read(DocsController.prototype.asset));
    expect(resolve(DocsController.prototype.page)).toEqual(read(DocsController));
  });

  it('fails when the class is defined, not when a request comes', () => {
    const define = (): unknown => {
      class BadController {
        @SecurityHeaders({
          strictTransportSecurity: { maxAge: 60 },
        } satisfies SecurityHeadersOverrides)
        handler(): void {}
      }
      return BadController;
    };
    expect(define).toThrow(SecurityConfigurationError);
  });
});
