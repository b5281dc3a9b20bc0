import { HttpStatus } from '@nestjs/common';
import { SecurityException } from '../../errors/security.exception';

/**
 * 413: the request body is larger than the route's cap (`bodyLimit` options, `@BodyLimit()`).
 * Raised before the body is buffered; the message states the cap in bytes, never the body.
 *
 * @example
 * throw new BodyTooLargeException(102_400);
 */
export class BodyTooLargeException extends SecurityException {
  readonly code = 'SECURITY_BODY_TOO_LARGE' as const;

  constructor(
    /** The cap the body went over, in bytes. */
    readonly limitBytes: number,
  ) {
    super(
      `The request body is larger than the limit of ${limitBytes} bytes.`,
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  }
}
