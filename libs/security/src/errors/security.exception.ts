import { HttpException } from '@nestjs/common';
import type { SecurityErrorCode } from './security-error-code';

/** The JSON body of every Rampart error response. */
export interface SecurityErrorBody {
  readonly statusCode: number;
  readonly code: SecurityErrorCode;
  readonly message: string;
}

/**
 * Base class of Rampart's HTTP errors: a stable `code`, a message safe to show to anyone (never a
 * token, secret or stack), and optional response headers (`WWW-Authenticate`, `Retry-After`).
 * {@link SecurityExceptionFilter} writes them as `{ statusCode, code, message }`.
 */
export abstract class SecurityException extends HttpException {
  abstract readonly code: SecurityErrorCode;

  protected constructor(
    message: string,
    status: number,
    /** Extra response headers; values must not contain secrets. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, status);
  }

  /** The response body. */
  toBody(): SecurityErrorBody {
    return { statusCode: this.getStatus(), code: this.code, message: this.message };
  }

  override getResponse(): SecurityErrorBody {
    return this.toBody();
  }
}
