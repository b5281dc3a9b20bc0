import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { applyHeaderPlan, type HeaderPlan, type HeaderTarget } from './header-plan';
import { SecurityHeadersMetadata } from './security-headers.decorator';

/**
 * Writes a route's `@SecurityHeaders()` override over the default headers, before the handler
 * runs (so the handler's errors carry it too). Routes without an override are left alone: the
 * default plan is already on the response, written by the hook that `installSecurityHeaders()`
 * put ahead of every route. Contexts other than HTTP pass through untouched.
 *
 * @example
 * providers: [{ provide: APP_INTERCEPTOR, useClass: SecurityHeadersInterceptor }]
 */
@Injectable()
export class SecurityHeadersInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      // Undefined on routes without @SecurityHeaders().
      const plan = this.reflector.getAllAndOverride<HeaderPlan, HeaderPlan | undefined>(
        SecurityHeadersMetadata,
        [context.getHandler(), context.getClass()],
      );
      if (plan !== undefined)
        applyHeaderPlan(context.switchToHttp().getResponse<HeaderTarget>(), plan);
    }
    return next.handle();
  }
}
