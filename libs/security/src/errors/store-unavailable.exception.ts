import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 503 `SECURITY_STORE_UNAVAILABLE`: the security store could not be reached in time, so the
 * request is refused rather than let through unchecked (fail closed).
 *
 * @example
 * throw new StoreUnavailableException();
 */
export class StoreUnavailableException extends SecurityException {
  readonly code = 'SECURITY_STORE_UNAVAILABLE' as const;

  constructor(options?: { cause?: unknown }) {
    super('The security store is unavailable; try again shortly.', HttpStatus.SERVICE_UNAVAILABLE, {
      'Retry-After': '1',
    });
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
