import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './principal.interface';

/**
 * What Rampart reads from and writes to a request, on Express and Fastify alike. Applications
 * may extend it by module augmentation.
 */
export interface SecurityRequest {
  readonly headers: IncomingHttpHeaders;
  /** Set by the authentication guard; absent for anonymous requests. */
  user?: Principal;
}
