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

/**
 * The `iss` claim of a compact JWS, read without verification, only to route the token to the
 * verifier of that issuer (which then verifies everything, `iss` included). `undefined` when the
 * token is malformed or has no string `iss`.
 *
 * @example
 * peekIssuer(token); // 'https://issuer.example.com'
 */
export function peekIssuer(token: string): string | undefined {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first + 1 || second - first > 65_536) return undefined;
  try {
    const parsed: unknown = JSON.parse(
      Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'),
    );
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { iss } = parsed as { iss?: unknown };
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
