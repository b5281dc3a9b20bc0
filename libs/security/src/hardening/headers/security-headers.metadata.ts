import { Reflector } from '@nestjs/core';
import type { HeaderPlan } from './header-plan';

/**
 * Route metadata behind `@SecurityHeaders()`: the compiled override plan. Read it with
 * `reflector.getAllAndOverride(SecurityHeadersMetadata, [context.getHandler(), context.getClass()])`.
 *
 * @example
 * const plan = reflector.getAllAndOverride(SecurityHeadersMetadata, [handler, controller]);
 */
export const SecurityHeadersMetadata = Reflector.createDecorator<HeaderPlan>({
  key: 'rampart:security-headers',
});
