import { CanActivate, ExecutionContext, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SecurityEvents } from '../../audit/security-events';
import { httpRequestOf } from '../../core/http-arguments';
import { routeMetadata } from '../../core/route-metadata';
import type { SecurityRequest } from '../../core/security-request.interface';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { CsrfRejectedException } from '../../errors/csrf-rejected.exception';
import { sessionOf } from '../../authn/session/session-context';
import type { ResolvedCsrfOptions } from '../../authn/session/session-options.interface';
import { CsrfExemptMetadata } from './csrf-exempt.decorator';
import { checkRequestProvenance } from './request-origin';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/**
 * CSRF protection, as a global guard right after authentication. It only looks at requests that
 * a session cookie authenticated, with an unsafe method: bearer, mTLS and anonymous requests
 * carry no ambient credential and pass. Such a request needs
 * 1. a browser provenance that is not cross-site: `Sec-Fetch-Site` `same-origin` (or `none`), and
 *    an `Origin`, when sent, that is the app's own or in `session.csrf.trustedOrigins`;
 * 2. the session's CSRF token, in the `X-CSRF-Token` header or the `_csrf` form field.
 * Otherwise: 403 `SECURITY_CSRF_REJECTED`. `@CsrfExempt()` is the only way around it.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  private readonly options: ResolvedCsrfOptions | undefined;

  constructor(
    protected readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions,
    @Optional() private readonly events?: SecurityEvents,
  ) {
    this.options = options.session?.csrf;
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.options === undefined || context.getType() !== 'http') return true;
    const request = httpRequestOf<SecurityRequest & { method?: string }>(context);
    const session = sessionOf(request);
    if (session === undefined || request.user?.session === undefined) return true;
    if (SAFE_METHODS.has((request.method ?? 'GET').toUpperCase())) return true;
    if (routeMetadata(this.reflector, CsrfExemptMetadata, context) === true) return true;
    const refusal = checkRequestProvenance(request, this.options.trustedOrigins);
    if (refusal !== undefined) return this.reject(refusal);
    if (!session.acceptsCsrfToken(this.tokenOf(request))) return this.reject('token');
    return true;
  }

  /** The token from the header, else from a parsed form body; the first one only. */
  protected tokenOf(request: SecurityRequest & { body?: unknown }): unknown {
    const header = request.headers[this.options?.headerName ?? 'x-csrf-token'];
    if (header !== undefined) return Array.isArray(header) ? undefined : header;
    const body = request.body;
    if (typeof body !== 'object' || body === null) return undefined;
    return Object.hasOwn(body, this.options?.fieldName ?? '_csrf')
      ? (body as Record<string, unknown>)[this.options?.fieldName ?? '_csrf']
      : undefined;
  }

  private reject(reason: 'fetch-metadata' | 'origin' | 'token'): never {
    this.events?.emit({ type: 'csrf.rejected', reason });
    throw new CsrfRejectedException();
  }
}
