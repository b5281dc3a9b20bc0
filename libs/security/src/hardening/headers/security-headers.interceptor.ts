import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { routeMetadata } from '../../core/route-metadata';
import { applyHeaderPlan, type HeaderTarget } from './header-plan';
import { SecurityHeadersMetadata } from './security-headers.metadata';

/**
 * Writes a route's `@SecurityHeaders()` override over the default headers, before the handler
 * runs (so the handler's errors carry it too). `@SecurityHeaders()` attaches it to the routes it
 * decorates; it is not global, so that other routes skip the interceptor pipeline. Routes without
 * an override are left alone: the default plan is already on the response, written by the hook
 * that `installSecurityHeaders()` put ahead of every route. Contexts other than HTTP pass through
 * untouched.
 *
 * @example
 * // attached by @SecurityHeaders(); by hand:
 * @UseInterceptors(SecurityHeadersInterceptor)
 */
@Injectable()
export class SecurityHeadersInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      // Undefined on routes without @SecurityHeaders().
      const plan = routeMetadata(this.reflector, SecurityHeadersMetadata, context);
      if (plan !== undefined)
        applyHeaderPlan(context.switchToHttp().getResponse<HeaderTarget>(), plan);
    }
    return next.handle();
  }
}
