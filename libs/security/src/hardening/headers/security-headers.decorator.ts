import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { deepFreeze } from '../../core/option-readers';
import { compileHeaderPlan, type HeaderPlan } from './header-plan';
import { readSecurityHeaders } from './resolve-security-headers-options';
import {
  SECURITY_HEADER_CATALOG,
  SECURITY_HEADER_NAMES,
  type SecurityHeaderName,
} from './security-header-catalog';
import type { SecurityHeadersOverrides } from './security-headers-options.interface';
import { SecurityHeadersInterceptor } from './security-headers.interceptor';
import { SecurityHeadersMetadata } from './security-headers.metadata';

export { SecurityHeadersMetadata } from './security-headers.metadata';

/** Every header off: the base an override plan is compiled on, so it holds only what it names. */
const EVERY_HEADER_OFF = Object.freeze(
  Object.fromEntries(SECURITY_HEADER_NAMES.map((name) => [name, false])) as Record<
    SecurityHeaderName,
    false
  >,
);

/**
 * Overrides security headers on one route, or on every route of a controller.
 *
 * Semantics: each header option named here **replaces** that header entirely; it is computed
 * from Rampart's defaults plus what is given here, not from the module's `headers` options (a
 * decorator is evaluated before the module is configured). A header set to `false` is removed
 * from the route's responses (a guarded one needs `dangerouslyDisable`). Headers not named keep
 * the module's values. A method's `@SecurityHeaders()` replaces its controller's (they are not
 * merged). The same rules as the module options apply, and they are checked when the class is
 * defined: an invalid override stops the application at import time, and requests only copy the
 * precomputed headers.
 *
 * The override is written by {@link SecurityHeadersInterceptor}, which this decorator attaches to
 * the route (`@UseInterceptors()`; routes without an override run no interceptor of Rampart's,
 * so they pay for none). It applies to the responses of requests that reach the route's
 * interceptors (its handler's result or error); a request refused earlier (401 from a guard,
 * 404) keeps the default headers, which are the strict ones.
 *
 * @example
 * @SecurityHeaders({
 *   contentSecurityPolicy: { directives: { scriptSrc: ["'self'"], styleSrc: ["'self'", "'unsafe-inline'"] } },
 *   crossOriginResourcePolicy: { policy: 'cross-origin' },
 * })
 * @Get('docs')
 * docs() {}
 */
export function SecurityHeaders(
  overrides: SecurityHeadersOverrides,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SecurityHeadersMetadata(compileSecurityHeadersOverrides(overrides)),
    UseInterceptors(SecurityHeadersInterceptor),
  );
}

/**
 * Validates `@SecurityHeaders()` overrides and compiles them into a plan: the `set` pairs of the
 * headers named, and a `remove` entry for every header a named option owns but does not set (a
 * header turned off, or `Content-Security-Policy` when the route switches to report-only).
 * Errors name the option under `@SecurityHeaders()`.
 *
 * @example
 * compileSecurityHeadersOverrides({ xFrameOptions: { action: 'sameorigin' } });
 * // { set: [['x-frame-options', 'SAMEORIGIN']], remove: [] }
 */
export function compileSecurityHeadersOverrides(overrides: unknown): HeaderPlan {
  const rootPath = '@SecurityHeaders()';
  const { helmetOptions, named } = readSecurityHeaders(overrides, rootPath, 'overrides');
  const compiled = compileHeaderPlan({ ...EVERY_HEADER_OFF, ...helmetOptions }, rootPath);
  const written = new Set(compiled.set.map(([name]) => name));
  const remove = named
    .flatMap((name) => SECURITY_HEADER_CATALOG[name].headers)
    .map((header) => header.toLowerCase())
    .filter((header) => !written.has(header));
  return deepFreeze({ set: [...compiled.set], remove });
}
