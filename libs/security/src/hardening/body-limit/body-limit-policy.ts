import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedBodyLimitOptions } from './resolve-body-limit-options';

/**
 * The caps of one route, in bytes: the module's `bodyLimit`, or both replaced by the route's
 * `@BodyLimit()`.
 *
 * @example
 * const policy: BodyLimitPolicy = { maxBytes: 102_400, multipartMaxBytes: 10_485_760 };
 */
export type BodyLimitPolicy = ResolvedBodyLimitOptions;

const MULTIPART = /^\s*multipart\/form-data\s*(?:;|$)/i;
const DIGITS = /^\d+$/;

/**
 * The policy of a route with `@BodyLimit(override)` (or none) under the module's caps.
 *
 * @example
 * routePolicy(1_048_576, options.bodyLimit); // { maxBytes: 1048576, multipartMaxBytes: 1048576 }
 */
export function routePolicy(
  override: number | undefined,
  defaults: BodyLimitPolicy,
): BodyLimitPolicy {
  return override === undefined
    ? defaults
    : Object.freeze({ maxBytes: override, multipartMaxBytes: override });
}

/**
 * The strictest of several policies, cap by cap: used when a request may reach any of several
 * routes (handlers that share a path through header versioning or host routing), so that no
 * route receives a body larger than its own cap.
 *
 * @example
 * strictest([a, b]).maxBytes === Math.min(a.maxBytes, b.maxBytes);
 */
export function strictest(
  policies: readonly BodyLimitPolicy[],
  fallback: BodyLimitPolicy,
): BodyLimitPolicy {
  const [first, ...rest] = policies;
  if (first === undefined) return fallback;
  if (rest.every((policy) => sameCaps(policy, first))) return first;
  return Object.freeze({
    maxBytes: Math.min(...policies.map((policy) => policy.maxBytes)),
    multipartMaxBytes: Math.min(...policies.map((policy) => policy.multipartMaxBytes)),
  });
}

function sameCaps(a: BodyLimitPolicy, b: BodyLimitPolicy): boolean {
  return a.maxBytes === b.maxBytes && a.multipartMaxBytes === b.multipartMaxBytes;
}

/**
 * Whether the request says its body is `multipart/form-data`.
 *
 * @example
 * isMultipartRequest({ 'content-type': 'multipart/form-data; boundary=x' }); // true
 */
export function isMultipartRequest(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  return contentType !== undefined && MULTIPART.test(contentType);
}

/**
 * The cap, in bytes, that applies to a request under `policy`, by its content type.
 *
 * @example
 * capFor(policy, request.headers); // policy.multipartMaxBytes for an upload
 */
export function capFor(policy: BodyLimitPolicy, headers: IncomingHttpHeaders): number {
  return isMultipartRequest(headers) ? policy.multipartMaxBytes : policy.maxBytes;
}

/**
 * The body length the request declares (`Content-Length`), or `undefined` when it declares none
 * (a chunked body, or no body). Node.js has already refused malformed values.
 *
 * @example
 * declaredLength({ 'content-length': '42' }); // 42
 */
export function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const value = headers['content-length'];
  return value !== undefined && DIGITS.test(value) ? Number(value) : undefined;
}

/**
 * Whether the request has a body: a `Transfer-Encoding`, or a `Content-Length` other than 0.
 *
 * @example
 * if (!hasBody(request.headers)) return next();
 */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = declaredLength(headers);
  return length !== undefined && length > 0;
}
