import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 429 `SECURITY_RATE_LIMITED`: the client used up a rate limit. Carries `Retry-After` (whole
 * seconds, rounded up) and the `RateLimit` headers of the limits it was counted against. The body is
 * the same whatever the limit and whoever the client, so it tells nothing about accounts.
 *
 * @example
 * throw new TooManyRequestsException(30, { ratelimit: '"default";r=0;t=30', 'ratelimit-policy': '"default";q=10;w=60' });
 */
export class TooManyRequestsException extends SecurityException {
  readonly code = 'SECURITY_RATE_LIMITED' as const;

  constructor(
    /** Seconds after which a new request may be allowed (at least 1). */
    readonly retryAfterSeconds: number,
    headers: Readonly<Record<string, string>> = {},
  ) {
    super('Too many requests; try again later.', HttpStatus.TOO_MANY_REQUESTS, {
      ...headers,
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    });
  }
}
