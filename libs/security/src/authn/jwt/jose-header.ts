/** The JOSE header fields Rampart reads before verification, only to pick a configured key. */
export interface JoseHeader {
  readonly alg?: unknown;
  readonly kid?: unknown;
  readonly typ?: unknown;
}

/**
 * Parses the header segment of a compact JWS without touching the payload. Returns `undefined`
 * for anything malformed. Nothing here is trusted: the header only selects among configured keys.
 *
 * @example
 * readJoseHeader(token)?.kid;
 */
export function readJoseHeader(token: string): JoseHeader | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 2048) return undefined;
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(token.slice(0, dot), 'base64url').toString('utf8'),
    );
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
