import type { ServerResponse } from 'node:http';
import type { Response } from 'express';
import type { FastifyReply } from 'fastify';
import type { HelmetOptions } from 'helmet';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import {
  applyHeaderPlan,
  compileHeaderPlan,
  setResponseHeader,
  type HeaderPlan,
  type HeaderTarget,
} from './header-plan';
import { resolveSecurityHeadersOptions } from './resolve-security-headers-options';

/** The exact default plan: what every response gets when `headers` is left out. */
const DEFAULT_PLAN: HeaderPlan = {
  set: [
    [
      'content-security-policy',
      "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'",
    ],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
    ['origin-agent-cluster', '?1'],
    ['referrer-policy', 'no-referrer'],
    ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
    ['x-content-type-options', 'nosniff'],
    ['x-dns-prefetch-control', 'off'],
    ['x-download-options', 'noopen'],
    ['x-frame-options', 'DENY'],
    ['x-permitted-cross-domain-policies', 'none'],
    ['x-xss-protection', '0'],
  ],
  remove: ['x-powered-by'],
};

/** A Node.js / Express response that logs the header calls made on it. */
function nodeResponse(): { target: HeaderTarget; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    target: {
      setHeader: (name, value) => calls.push(`set ${name}: ${value}`),
      removeHeader: (name) => calls.push(`remove ${name}`),
    },
  };
}

/** A Fastify reply (and its raw response) that logs the header calls made on them. */
function fastifyReply(): { target: HeaderTarget; calls: string[] } {
  const raw = nodeResponse();
  const calls = raw.calls;
  return {
    calls,
    target: {
      raw: raw.target as ServerResponse,
      removeHeader: (name) => calls.push(`reply.remove ${name}`),
    },
  };
}

describe('compileHeaderPlan', () => {
  it('compiles the default options into the exact default plan', () => {
    expect(resolveSecurityHeadersOptions(undefined).plan).toEqual(DEFAULT_PLAN);
  });

  it.each([
    ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
  ])('sets %s to %s by default', (name, value) => {
    const { plan } = resolveSecurityHeadersOptions(undefined);
    expect(plan.set.filter(([header]) => header === name)).toEqual([[name, value]]);
  });

  it('builds a CSP with object-src, base-uri and frame-ancestors none, and default-src self', () => {
    const { plan } = resolveSecurityHeadersOptions(undefined);
    const csp = new Map(plan.set).get('content-security-policy')?.split(';');
    expect(csp).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ]),
    );
  });

  it('removes X-Powered-By and sends nothing else', () => {
    const { plan } = resolveSecurityHeadersOptions(undefined);
    expect(plan.remove).toEqual(['x-powered-by']);
    expect(plan.set.map(([name]) => name)).not.toContain('x-powered-by');
  });

  it('returns a deeply frozen plan', () => {
    const plan = compileHeaderPlan({ xFrameOptions: { action: 'deny' } });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(plan.set)).toBe(true);
    expect(plan.set.every((pair) => Object.isFrozen(pair))).toBe(true);
    expect(Object.isFrozen(plan.remove)).toBe(true);
  });

  it('records only what helmet writes', () => {
    const everyHeaderOff = {
      contentSecurityPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      originAgentCluster: false,
      referrerPolicy: false,
      strictTransportSecurity: false,
      xContentTypeOptions: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xPoweredBy: false,
      xXssProtection: false,
    };
    expect(
      compileHeaderPlan({ ...everyHeaderOff, xFrameOptions: { action: 'sameorigin' } }),
    ).toEqual({
      set: [['x-frame-options', 'SAMEORIGIN']],
      remove: [],
    });
  });

  it('turns an error thrown by helmet into a SecurityConfigurationError on the given path', () => {
    const options = { referrerPolicy: { policy: 'bogus' } } as unknown as HelmetOptions;
    expect(() => compileHeaderPlan(options, '@SecurityHeaders()')).toThrow(
      expect.objectContaining({
        name: 'SecurityConfigurationError',
        option: '@SecurityHeaders()',
        message: expect.stringContaining('unexpected policy token'),
      }),
    );
  });

  it('refuses a per-request (function) CSP value, which cannot be computed once', () => {
    const options: HelmetOptions = {
      contentSecurityPolicy: { directives: { 'default-src': ["'self'", () => "'nonce-x'"] } },
    };
    expect(() => compileHeaderPlan(options)).toThrow(SecurityConfigurationError);
    expect(() => compileHeaderPlan(options)).toThrow(/headers\.contentSecurityPolicy\.directives/);
  });

  it('refuses, once at startup, a header value Node.js would refuse on every request', () => {
    const options: HelmetOptions = {
      contentSecurityPolicy: {
        directives: { 'default-src': ["'self'", 'https://a.example\r\nX-Evil: 1'] },
      },
    };
    expect(() => compileHeaderPlan(options)).toThrow(SecurityConfigurationError);
  });
});

describe('applyHeaderPlan', () => {
  const plan: HeaderPlan = { set: [['x-frame-options', 'DENY']], remove: ['x-powered-by'] };

  it('removes, then sets, on a Node.js or Express response', () => {
    const { target, calls } = nodeResponse();
    applyHeaderPlan(target, plan);
    expect(calls).toEqual(['remove x-powered-by', 'set x-frame-options: DENY']);
  });

  it('sets on reply.raw and removes from both the reply and reply.raw on Fastify', () => {
    const { target, calls } = fastifyReply();
    applyHeaderPlan(target, plan);
    expect(calls).toEqual([
      'reply.remove x-powered-by',
      'remove x-powered-by',
      'set x-frame-options: DENY',
    ]);
  });

  it('writes every pair of a compiled (frozen) plan, in order, on every response', () => {
    const compiled = resolveSecurityHeadersOptions(undefined).plan;
    expect(Object.isFrozen(compiled.set[0])).toBe(true);
    const expected = [
      'remove x-powered-by',
      ...DEFAULT_PLAN.set.map(([name, value]) => `set ${name}: ${value}`),
    ];
    for (let response = 0; response < 3; response++) {
      const { target, calls } = nodeResponse();
      applyHeaderPlan(target, compiled);
      expect(calls).toEqual(expected);
    }
  });

  it('keeps plans apart: two plans with the same names write their own values', () => {
    const deny: HeaderPlan = { set: [['x-frame-options', 'DENY']], remove: [] };
    const sameOrigin: HeaderPlan = { set: [['x-frame-options', 'SAMEORIGIN']], remove: [] };
    const calls = [deny, sameOrigin, deny].map((each) => {
      const response = nodeResponse();
      applyHeaderPlan(response.target, each);
      return response.calls;
    });
    expect(calls).toEqual([
      ['set x-frame-options: DENY'],
      ['set x-frame-options: SAMEORIGIN'],
      ['set x-frame-options: DENY'],
    ]);
  });
});

describe('setResponseHeader', () => {
  it.each([
    ['a Node.js response', nodeResponse],
    ['a Fastify reply', fastifyReply],
  ])('sets one header on %s', (_kind, make) => {
    const { target, calls } = make();
    setResponseHeader(target, 'cache-control', 'no-store');
    expect(calls).toEqual(['set cache-control: no-store']);
  });

  it("accepts Express's Response, Fastify's reply and Node's ServerResponse (compile-time check)", () => {
    const targets = (
      express: Response,
      reply: FastifyReply,
      raw: ServerResponse,
    ): HeaderTarget[] => [express, reply, raw];
    expect(typeof targets).toBe('function');
  });
});
