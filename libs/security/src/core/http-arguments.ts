import type { ArgumentsHost } from '@nestjs/common';

/**
 * The request of an HTTP call, as `host.switchToHttp().getRequest()` returns it: the first of
 * the call's arguments. Read directly, because `switchToHttp()` assigns three new closures onto
 * the context on every call, and the guards ask for the request on every request.
 *
 * @example
 * const request = httpRequestOf<SecurityRequest>(context);
 */
// The type argument names what the caller expects, as in Nest's own `getRequest<T>()`.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function httpRequestOf<T = unknown>(host: ArgumentsHost): T {
  return host.getArgByIndex<T>(0);
}

/**
 * The response of an HTTP call, as `host.switchToHttp().getResponse()` returns it (the second of
 * the call's arguments); see {@link httpRequestOf}.
 *
 * @example
 * markNoStore(httpResponseOf<HeaderTarget>(context));
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function httpResponseOf<T = unknown>(host: ArgumentsHost): T {
  return host.getArgByIndex<T>(1);
}
