import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';

/**
 * What a policy decides on. A policy only runs for an authenticated request (an anonymous one is
 * answered 401 before any policy), so `principal` is always there.
 *
 * @example
 * handle({ principal, params }: PolicyContext): boolean {
 *   return params.ownerId === principal.id;
 * }
 */
export interface PolicyContext {
  /** The authenticated caller. */
  readonly principal: Principal;
  /** The request, as Rampart sees it on Express and Fastify alike. */
  readonly request: SecurityRequest;
  /** Nest's execution context of the route (handler, class, the raw request and response). */
  readonly executionContext: ExecutionContext;
  /**
   * The route parameters (`/notes/:id` -> `{ id: '42' }`), as strings, before any pipe ran; an
   * empty object for a route without parameters.
   */
  readonly params: Readonly<Record<string, string>>;
  /** The name of the policy being asked, as given to `@SecurityPolicy()`. */
  readonly policy: string;
}

/**
 * An authorization policy: a provider decorated with `@SecurityPolicy('name')`, named by
 * `@Policies('name')` on routes. `handle` allows with `true`; `false`, or anything that is not
 * the boolean `true` (`undefined`, a truthy string), denies with 403 `SECURITY_FORBIDDEN`. An
 * `HttpException` it throws is the response; any other error denies with 403 (logged, and
 * reported as a `policy.error` security event), never a 500.
 *
 * @example
 * @SecurityPolicy('notes.owner')
 * @Injectable()
 * export class NotesOwnerPolicy implements PolicyHandler {
 *   constructor(private readonly notes: NotesService) {}
 *
 *   async handle({ principal, params }: PolicyContext): Promise<boolean> {
 *     const note = await this.notes.find(params.id ?? '');
 *     return note?.ownerId === principal.id;
 *   }
 * }
 */
export interface PolicyHandler {
  /** Whether the request may proceed: `true` allows, anything else denies. */
  handle(context: PolicyContext): boolean | Promise<boolean>;
}
