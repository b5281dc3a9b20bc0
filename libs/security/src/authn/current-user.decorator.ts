import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { httpRequestOf } from '../core/http-arguments';
import type { SecurityRequest } from '../core/security-request.interface';

/**
 * Injects the authenticated {@link Principal}; `undefined` on a `@Public()` route reached
 * anonymously.
 *
 * @example
 * @Get('me')
 * me(@CurrentUser() user: Principal) { return user; }
 */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  return httpRequestOf<SecurityRequest>(context).user;
});
