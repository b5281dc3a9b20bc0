import { applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Route metadata behind {@link CsrfExempt}. */
export const CsrfExemptMetadata = Reflector.createDecorator<boolean>();

/**
 * Switches CSRF checks off for a route or controller that cookie-authenticated browsers may call
 * cross-site on purpose (a webhook that also accepts the session cookie, say). Only this explicit
 * decorator turns them off; think twice.
 *
 * @example
 * @CsrfExempt()
 * @Post('webhooks/payment')
 * paymentWebhook() {}
 */
export function CsrfExempt(): MethodDecorator & ClassDecorator {
  return applyDecorators(CsrfExemptMetadata(true));
}
