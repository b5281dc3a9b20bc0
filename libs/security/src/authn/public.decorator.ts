import { applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Route metadata behind {@link Public}; read it with `reflector.getAllAndOverride(PublicMetadata, ...)`. */
export const PublicMetadata = Reflector.createDecorator<boolean>();

/**
 * Lets anonymous requests through the authentication guard. Every other route answers 401 to a
 * request without credentials. Credentials that are presented are still verified: an invalid
 * token on a public route is 401, never silently ignored.
 *
 * @example
 * @Public()
 * @Get('health')
 * health() { return { status: 'ok' }; }
 */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(PublicMetadata(true));
}
