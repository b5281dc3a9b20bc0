import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SecurityException, SecurityExceptionFilter } from '@rampart/security';

/**
 * Stable codes for the HTTP errors the reference app answers outside Rampart's own. A 400 (a body
 * the adapter could not parse) shares Rampart's `SECURITY_BAD_REQUEST`, so that a malformed body
 * gets the same code whichever adapter's parser or Rampart's own check caught it.
 */
const CODES: Readonly<Partial<Record<number, string>>> = {
  400: 'SECURITY_BAD_REQUEST',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/**
 * Gives every error of the reference app the contract's shape `{ statusCode, code, message }`:
 * Rampart's exceptions as Rampart writes them, other HTTP errors with a code from their status,
 * and anything else as a bare 500 whose details (message, stack) go nowhere: the log line names
 * only the error class.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrorFilter');
  private readonly security: SecurityExceptionFilter;

  constructor(private readonly adapterHost: HttpAdapterHost) {
    this.security = new SecurityExceptionFilter(adapterHost);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (exception instanceof SecurityException) {
      this.security.catch(exception, host);
      return;
    }
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      // A 400's message may quote the unparsable body (a password, say): it is replaced.
      const message = statusCode === 400 ? 'The request is malformed.' : exception.message;
      httpAdapter.reply(
        response,
        { statusCode, code: CODES[statusCode] ?? `HTTP_${statusCode}`, message },
        statusCode,
      );
      return;
    }
    this.logger.error(
      `Unhandled ${exception instanceof Error ? exception.name : typeof exception} (details withheld)`,
    );
    httpAdapter.reply(
      response,
      {
        statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
        code: 'INTERNAL_ERROR',
        message: 'Internal server error.',
      },
      HttpStatus.INTERNAL_SERVER_ERROR,
    );
  }
}
