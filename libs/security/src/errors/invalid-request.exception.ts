import { HttpStatus } from '@nestjs/common';
import { SecurityException } from './security.exception';

/**
 * 400 `SECURITY_BAD_REQUEST`: a security endpoint received input of the wrong shape (missing
 * field, wrong type). The message names the field, never its value.
 *
 * @example
 * throw new InvalidRequestException('"password" must be a non-empty string.');
 */
export class InvalidRequestException extends SecurityException {
  readonly code = 'SECURITY_BAD_REQUEST' as const;

  constructor(message: string) {
    super(message, HttpStatus.BAD_REQUEST);
  }
}
