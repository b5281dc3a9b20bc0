import { createHash, type X509Certificate } from 'node:crypto';

/**
 * The RFC 8705 `x5t#S256` thumbprint of a certificate: the base64url (unpadded) SHA-256 of its
 * DER encoding. It is what a certificate-bound access token carries in `cnf.x5t#S256`.
 *
 * @example
 * const cert = new X509Certificate(pem);
 * tokens.issueAccessToken(user, { certificateThumbprint: certificateThumbprint(cert) });
 */
export function certificateThumbprint(certificate: X509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('base64url');
}
