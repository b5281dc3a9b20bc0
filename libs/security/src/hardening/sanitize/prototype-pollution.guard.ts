import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { httpRequestOf } from '../../core/http-arguments';
import { InvalidRequestException } from '../../errors/invalid-request.exception';
import { findPollutionKey } from './find-pollution-key';

/**
 * Refuses, with `400 SECURITY_BAD_REQUEST`, any request whose parsed body, query or route
 * parameters carry a prototype-polluting key (`__proto__`, or `constructor.prototype`, also
 * spelled in one flat name such as `__proto__[x]`), before any handler, pipe or authentication
 * sees them: rejected, not stripped, so a client learns its input was refused and nothing is
 * silently dropped. The message names the part, never the value. Global, right after
 * `RepeatedQueryGuard`, so the query it checks is the one handlers will see.
 *
 * @example
 * // POST /notes {"__proto__": {"isAdmin": true}} -> 400 SECURITY_BAD_REQUEST
 * // GET /notes?__proto__[isAdmin]=1               -> 400 SECURITY_BAD_REQUEST
 */
@Injectable()
export class PrototypePollutionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = httpRequestOf<{ body?: unknown; query?: unknown; params?: unknown }>(context);
    for (const part of ['body', 'query', 'params'] as const) {
      if (findPollutionKey(request[part]) !== undefined) {
        throw new InvalidRequestException(
          `The request ${part} contains a key that is not allowed (__proto__ or constructor.prototype).`,
        );
      }
    }
    return true;
  }
}
