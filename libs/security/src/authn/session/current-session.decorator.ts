import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { httpRequestOf } from '../../core/http-arguments';
import type { SecurityRequest } from '../../core/security-request.interface';
import { sessionOf } from './session-context';

/**
 * The {@link UserSession} of a cookie-authenticated request; `undefined` for bearer, mTLS and
 * anonymous requests.
 *
 * @example
 * @Get('theme')
 * theme(@CurrentSession() session: UserSession) {
 *   return { theme: session.get('theme') ?? 'light' };
 * }
 */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  sessionOf(httpRequestOf<SecurityRequest>(context)),
);
