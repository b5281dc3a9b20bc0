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
      'Content-Security-Policy',
      "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'",
    ],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
    ['Origin-Agent-Cluster', '?1'],
    ['Referrer-Policy', 'no-referrer'],
    ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-DNS-Prefetch-Control', 'off'],
    ['X-Download-Options', 'noopen'],
    ['X-Frame-Options', 'DENY'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-XSS-Protection', '0'],
  ],
  remove: ['X-Powered-By'],
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
    ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-Frame-Options', 'DENY'],
  ])('sets %s to %s by default', (name, value) => {
    const { plan } = resolveSecurityHeadersOptions(undefined);
    expect(plan.set.filter(([header]) => header === name)).toEqual([[name, value]]);
  });

  it('builds a CSP with object-src, base-uri and frame-ancestors none, and default-src self', () => {
    const { plan } = resolveSecurityHeadersOptions(undefined);
    const csp = new Map(plan.set).get('Content-Security-Policy')?.split(';');
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
    expect(plan.remove).toEqual(['X-Powered-By']);
    expect(plan.set.map(([name]) => name)).not.toContain('X-Powered-By');
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
      set: [['X-Frame-Options', 'SAMEORIGIN']],
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
  const plan: HeaderPlan = { set: [['X-Frame-Options', 'DENY']], remove: ['X-Powered-By'] };

  it('removes, then sets, on a Node.js or Express response', () => {
    const { target, calls } = nodeResponse();
    applyHeaderPlan(target, plan);
    expect(calls).toEqual(['remove X-Powered-By', 'set X-Frame-Options: DENY']);
  });

  it('sets on reply.raw and removes from both the reply and reply.raw on Fastify', () => {
    const { target, calls } = fastifyReply();
    applyHeaderPlan(target, plan);
    expect(calls).toEqual([
      'reply.remove X-Powered-By',
      'remove X-Powered-By',
      'set X-Frame-Options: DENY',
    ]);
  });
});

describe('setResponseHeader', () => {
  it.each([
    ['a Node.js response', nodeResponse],
    ['a Fastify reply', fastifyReply],
  ])('sets one header on %s', (_kind, make) => {
    const { target, calls } = make();
    setResponseHeader(target, 'Cache-Control', 'no-store');
    expect(calls).toEqual(['set Cache-Control: no-store']);
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
