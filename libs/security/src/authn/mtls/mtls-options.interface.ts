/**
 * Client-certificate (mutual TLS) authentication, RFC 8705. Switching it on (`mtls: {}`) makes
 * Rampart:
 *
 * - authenticate a request by the client certificate of its TLS connection, when OpenSSL verified
 *   it against the CAs the HTTPS server trusts (`socket.authorized`). Create the server with
 *   `requestCert: true, rejectUnauthorized: false` and the client CA in `ca`, so that a request
 *   without a certificate, or with an untrusted one, reaches the application and answers 401
 *   rather than failing the TLS handshake;
 * - map the certificate to a user with `UserProvider.findByCertificate` (required: start-up fails
 *   without it); the principal's `authMethod` is `'mtls'`;
 * - enforce certificate-bound access tokens (`cnf.x5t#S256`): such a token is accepted only on a
 *   request that presents that very certificate. (Bound tokens are refused when mTLS is off.)
 *
 * Behind a TLS-terminating proxy, the proxy verifies the client certificate and forwards it in a
 * header; Rampart reads that header only from the proxies listed in `trustedProxies`.
 *
 * @example
 * SecurityModule.forRoot({
 *   jwt: { issuer: 'https://api.example.com', audience: 'api' },
 *   mtls: { trustedProxies: ['10.0.0.0/8'], forwardedCertificateHeader: 'x-client-cert' },
 *   userProvider: UsersService, // implements findByCertificate(certificate)
 * })
 */
export interface MtlsOptions {
  /**
   * TCP peers allowed to forward a client certificate in {@link forwardedCertificateHeader}: IPv4
   * or IPv6 addresses (`'10.0.0.7'`, `'::1'`) or CIDR ranges (`'10.0.0.0/8'`, `'fd00::/8'`). The
   * peer is the address of the TCP connection (`socket.remoteAddress`), never `X-Forwarded-For`.
   * An IPv4 entry also matches its IPv4-mapped IPv6 form (`::ffff:10.0.0.7`).
   *
   * A request from a listed peer is authenticated only by the forwarded header: the certificate
   * of its own TLS connection (the proxy's) is ignored, so a request the proxy forwards without a
   * certificate stays anonymous. With the default, the header is never read.
   *
   * @default [] (no proxy is trusted; forwarded certificates are ignored)
   */
  readonly trustedProxies?: readonly string[];
  /**
   * Name of the request header in which a trusted proxy forwards the verified client certificate
   * (case-insensitive). Two encodings are accepted:
   *
   * - the URL-encoded PEM of the certificate, as nginx's `$ssl_client_escaped_cert` gives it
   *   (`proxy_set_header X-Client-Cert $ssl_client_escaped_cert;`);
   * - an RFC 9440 byte sequence, `:` + base64 of the DER + `:` (the `Client-Cert` header).
   *
   * One leaf certificate only (no chain); an empty value means "no certificate". A value that
   * cannot be parsed, or a certificate outside its validity period, is refused with 401.
   *
   * @default 'x-client-cert'
   */
  readonly forwardedCertificateHeader?: string;
}
