import { Reflector } from '@nestjs/core';
import { readBodyLimitBytes } from './resolve-body-limit-options';

/**
 * Route metadata behind {@link BodyLimit}: the route's cap in bytes. Read it with
 * `reflector.getAllAndOverride(BodyLimitMetadata, [handler, controller])`.
 *
 * @example
 * const bytes = reflector.getAllAndOverride(BodyLimitMetadata, [handler, controller]);
 */
export const BodyLimitMetadata = Reflector.createDecorator<number>({
  key: 'rampart:body-limit',
});

/**
 * Sets the largest request body of one route, or of every route of a controller (a method's
 * beats its controller's), in bytes: a whole number from 1 to 1 GiB, checked when the class is
 * defined. It replaces both module caps (`bodyLimit.maxBytes` and `bodyLimit.multipartMaxBytes`)
 * for the route, smaller or larger, and applies before the body is read: a larger body is
 * refused with 413 `SECURITY_BODY_TOO_LARGE`.
 *
 * @example
 * @BodyLimit(5 * 1024 * 1024) // 5 MiB
 * @Post('import')
 * import(@Body() rows: ImportRows) {}
 */
export function BodyLimit(bytes: number): MethodDecorator & ClassDecorator {
  return BodyLimitMetadata(readBodyLimitBytes(bytes, '@BodyLimit()'));
}
