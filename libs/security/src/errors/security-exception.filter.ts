import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { SecurityException } from './security.exception';

/**
 * Writes every {@link SecurityException} as `{ statusCode, code, message }` with its headers
 * (`WWW-Authenticate`, `Retry-After`) and `Cache-Control: no-store`, on Express and Fastify.
 * Registered globally by SecurityModule; it catches Rampart's exceptions only.
 */
@Catch(SecurityException)
export class SecurityExceptionFilter implements ExceptionFilter<SecurityException> {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: SecurityException, host: ArgumentsHost): void {
    const { httpAdapter } = this.adapterHost;
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(exception.headers)) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.setHeader(response, 'cache-control', 'no-store');
    httpAdapter.reply(response, exception.toBody(), exception.getStatus());
  }
}
