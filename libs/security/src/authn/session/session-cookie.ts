import type { TLSSocket } from 'node:tls';
import type { SecurityRequest } from '../../core/security-request.interface';
import type { ResolvedSessionOptions } from './session-options.interface';

/** What the session cookie looked like on a request. */
export type SessionCookie =
  | { readonly state: 'absent' }
  /** More than one cookie of the exact name (cookie tossing, or a stale copy): refused. */
  | { readonly state: 'ambiguous' }
  | { readonly state: 'present'; readonly value: string };

const ABSENT: SessionCookie = { state: 'absent' };
const AMBIGUOUS: SessionCookie = { state: 'ambiguous' };

/** The TCP socket: `request.socket` on Express, `request.raw.socket` on Fastify. */
function socketOf(request: SecurityRequest): Partial<TLSSocket> | undefined {
  const direct = (request as { socket?: Partial<TLSSocket> }).socket;
  if (direct !== undefined) return direct;
  return (request as { raw?: { socket?: Partial<TLSSocket> } }).raw?.socket;
}

/** Whether the request reached this process over TLS. */
export function isHttpsRequest(request: SecurityRequest): boolean {
  return socketOf(request)?.encrypted === true;
}

/**
 * The cookie name that counts for this request: `__Host-<name>` (Secure), or the bare name for a
 * plain-HTTP request when `dangerouslyAllowInsecureHttp` is on. Only this exact name is read.
 */
export function sessionCookieName(
  request: SecurityRequest,
  options: ResolvedSessionOptions,
): string {
  return options.allowInsecureHttp && !isHttpsRequest(request)
    ? options.cookieName
    : options.secureCookieName;
}

/**
 * Reads the session cookie by its exact name from the raw `Cookie` header (no cookie parser is
 * needed, and similar names such as `x-__Host-rampart-session` never match). Two cookies of the
 * same name are `ambiguous`.
 *
 * @example
 * readSessionCookie('a=1; __Host-rampart-session=abc', '__Host-rampart-session'); // present 'abc'
 */
export function readSessionCookie(
  header: string | string[] | undefined,
  name: string,
): SessionCookie {
  if (header === undefined) return ABSENT;
  const text = Array.isArray(header) ? header.join('; ') : header;
  // The pairs between semicolons, read in place: a name is compared where it stands, and only a
  // matching cookie's value is copied out. Each character is scanned a bounded number of times.
  let found: string | undefined;
  let equals = -1;
  for (let start = 0; start <= text.length;) {
    let end = text.indexOf(';', start);
    if (end === -1) end = text.length;
    if (equals < start) {
      equals = text.indexOf('=', start);
      if (equals === -1) break; // no pair with a value further on
    }
    if (equals < end && isNameBetween(text, start, equals, name)) {
      let value = text.slice(equals + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.slice(1, -1);
      if (found !== undefined) return AMBIGUOUS;
      found = value;
    }
    start = end + 1;
  }
  return found === undefined ? ABSENT : { state: 'present', value: found };
}

/** Whether `text` from `start` to `end`, trimmed as `String.prototype.trim()` does, is `name`. */
function isNameBetween(text: string, start: number, end: number, name: string): boolean {
  let from = start;
  let to = end;
  while (from < to && isTrimmed(text.charCodeAt(from))) from += 1;
  while (to > from && isTrimmed(text.charCodeAt(to - 1))) to -= 1;
  return to - from === name.length && text.startsWith(name, from);
}

/** The characters `String.prototype.trim()` removes: white space and line terminators. */
function isTrimmed(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * The `Set-Cookie` value that sets (`value`) or clears (`undefined`) the session cookie:
 * HttpOnly, Path=/, no Domain, SameSite as configured, Secure unless this is the plain-HTTP
 * development cookie. A browser-session cookie (no Max-Age): the server enforces lifetimes.
 */
export function serializeSessionCookie(
  name: string,
  value: string | undefined,
  options: ResolvedSessionOptions,
): string {
  const secure = name === options.secureCookieName || options.sameSite === 'none';
  const sameSite =
    options.sameSite === 'lax' ? 'Lax' : options.sameSite === 'strict' ? 'Strict' : 'None';
  return [
    `${name}=${value ?? ''}`,
    'Path=/',
    'HttpOnly',
    ...(secure ? ['Secure'] : []),
    `SameSite=${sameSite}`,
    ...(value === undefined ? ['Max-Age=0', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT'] : []),
  ].join('; ');
}

/** An Express `res` or a Fastify `reply`, as far as setting a header goes. */
interface HeaderWritable {
  getHeader?(name: string): unknown;
  setHeader?(name: string, value: string | string[]): unknown;
  header?(name: string, value: string): unknown;
  raw?: unknown;
}

/**
 * Appends a `Set-Cookie` header on an Express response or a Fastify reply, keeping any other
 * cookie the app sets, and replacing an earlier session cookie set during the same request.
 */
export function appendSetCookie(response: unknown, name: string, cookie: string): void {
  const target = response as HeaderWritable;
  const isFastify = target.raw !== undefined && typeof target.header === 'function';
  const current = isFastify
    ? (target as { getHeader(name: string): unknown }).getHeader('set-cookie')
    : target.getHeader?.('set-cookie');
  const lines: unknown[] =
    current === undefined ? [] : Array.isArray(current) ? current : [current];
  const existing = lines.filter(
    (line): line is string => typeof line === 'string' && !line.startsWith(`${name}=`),
  );
  const next = [...existing, cookie];
  if (isFastify) {
    const reply = target as {
      removeHeader(name: string): unknown;
      header(n: string, v: string): unknown;
    };
    reply.removeHeader('set-cookie');
    for (const line of next) reply.header('set-cookie', line);
  } else {
    target.setHeader?.('set-cookie', next);
  }
}
