import type { SecurityRequest } from '../../core/security-request.interface';
import { isHttpsRequest } from '../../authn/session/session-cookie';

/** Why a request's provenance was refused, for the security event. */
export type ProvenanceRefusal = 'fetch-metadata' | 'origin';

/** The first value of a header that must appear once. */
function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : '') : value;
}

/**
 * Checks where a browser says an unsafe request comes from, before any token: `Sec-Fetch-Site`
 * (Fetch Metadata) must be `same-origin` or `none` (typed by the user), and an `Origin` header
 * must be the app's own origin or one of `trustedOrigins` (`null` is accepted only when Fetch
 * Metadata says same-origin: Chromium sends it for form posts under `no-referrer`). `same-site` is refused like
 * `cross-site`: a sibling subdomain is another application. A request without either header (a
 * non-browser client, an old browser) passes this check and relies on the CSRF token.
 *
 * The app's own origin is taken from the `Host` header, which a browser always sets to the
 * target; behind a TLS-terminating proxy the scheme is not known here, so both `http` and `https`
 * match a plain-HTTP request.
 *
 * @returns `undefined` when the request may proceed, else the reason for refusing it.
 */
export function checkRequestProvenance(
  request: SecurityRequest,
  trustedOrigins: readonly string[],
): ProvenanceRefusal | undefined {
  const origin = single(request.headers.origin);
  // 'null' (an opaque origin: sandboxed frame, data: URL) and '' are foreign like any other.
  const foreignOrigin =
    origin !== undefined && !isOwnOrigin(request, origin) && !trustedOrigins.includes(origin);
  const site = single(request.headers['sec-fetch-site']);
  if (site === undefined) return foreignOrigin ? 'origin' : undefined;
  if (site === 'same-origin' || site === 'none') {
    // Browsers send `Origin: null` on same-origin form posts from a page whose Referrer-Policy is
    // `no-referrer` (Rampart's default); Fetch Metadata, which pages cannot forge, vouches for it.
    return foreignOrigin && origin !== 'null' ? 'origin' : undefined;
  }
  // same-site, cross-site or anything unknown: only an explicitly trusted origin passes.
  return origin !== undefined && trustedOrigins.includes(origin) ? undefined : 'fetch-metadata';
}

function isOwnOrigin(request: SecurityRequest, origin: string): boolean {
  const host = single(request.headers.host);
  if (host === undefined || host === '') return false;
  const lower = origin.toLowerCase();
  const own = `://${host.toLowerCase()}`;
  if (isHttpsRequest(request)) return lower === `https${own}`;
  return lower === `https${own}` || lower === `http${own}`;
}
