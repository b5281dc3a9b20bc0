import { applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Route metadata behind {@link ThrottleCredentials}. */
export const ThrottleCredentialsMetadata = Reflector.createDecorator<boolean>();

/**
 * Marks a route that checks a credential (password login, token issue, refresh): besides the
 * general limits, every attempt is counted per client IP and per account (the body field
 * `throttling.credentials.accountField`, `username` by default; routes whose body has none, such
 * as refresh, are counted per IP only), under `throttling.credentials`. Attempts count before
 * the credential is checked, whether the account exists or not, so a refused attempt looks and
 * takes the same either way. When the store is down these routes fail closed (503) by default.
 *
 * @example
 * @Public()
 * @ThrottleCredentials()
 * @Post('login')
 * login(@Body() body: unknown) { ... }
 */
export function ThrottleCredentials(): MethodDecorator & ClassDecorator {
  return applyDecorators(ThrottleCredentialsMetadata(true));
}
