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
interface PollutableRequest {
  readonly url?: string;
  readonly body?: unknown;
  readonly query?: unknown;
  readonly params?: unknown;
}

@Injectable()
export class PrototypePollutionGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = httpRequestOf<PollutableRequest>(context);
    for (const part of ['body', 'query', 'params'] as const) {
      if (part === 'query' && !mayCarryQuery(request)) continue;
      if (findPollutionKey(request[part]) !== undefined) {
        throw new InvalidRequestException(
          `The request ${part} contains a key that is not allowed (__proto__ or constructor.prototype).`,
        );
      }
    }
    return true;
  }
}

/**
 * Whether the request's `query` can hold anything a client sent: its URL has a query string, or
 * `query` is a property of the request's own (Fastify's, `RepeatedQueryGuard`'s, a
 * middleware's). Otherwise `query` is Express 5's getter, which would parse an empty query string
 * again, and is not read: on Express that read cost a parse and missed V8's caches (see
 * `RequestSlot`) on every request.
 */
function mayCarryQuery(request: PollutableRequest): boolean {
  return (request.url ?? '').includes('?') || Object.hasOwn(request, 'query');
}
