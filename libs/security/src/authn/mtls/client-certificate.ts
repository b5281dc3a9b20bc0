import { X509Certificate } from 'node:crypto';
import { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { SecurityRequest } from '../../core/security-request.interface';
import { certificateThumbprint } from './certificate-thumbprint';
import type { ResolvedMtlsOptions } from './resolve-mtls-options';

/**
 * A verified client certificate: one that OpenSSL verified on the request's own TLS connection
 * (`source: 'tls'`), or one a trusted proxy verified and forwarded (`source: 'forwarded'`). Apps
 * receive it in `UserProvider.findByCertificate`.
 *
 * @example
 * async findByCertificate(certificate: ClientCertificate) {
 *   return this.users.findByCertificateThumbprint(certificate.x5tS256);
 * }
 */
export interface ClientCertificate {
  /** Distinguished name, one RDN a line, as Node prints it (`'O=Acme\nCN=alice'`). */
  readonly subject: string;
  /** The subject's single `CN`; `undefined` when it has none or several. RFC 2253 escaping kept. */
  readonly commonName: string | undefined;
  /** Subject alternative names as Node prints them (`'DNS:a.example, email:a@example.com'`). */
  readonly subjectAltName: string | undefined;
  /** Issuer distinguished name, one RDN a line. */
  readonly issuer: string;
  /** Serial number, upper-case hexadecimal. */
  readonly serialNumber: string;
  /** SHA-256 fingerprint of the DER, colon-separated upper-case hexadecimal. */
  readonly fingerprint256: string;
  /** RFC 8705 `x5t#S256`: base64url SHA-256 of the DER, what a bound token's `cnf` carries. */
  readonly x5tS256: string;
  /** Start of the validity period. */
  readonly validFrom: Date;
  /** End of the validity period. */
  readonly validTo: Date;
  /** Where the certificate came from: this connection's TLS handshake, or a trusted proxy's header. */
  readonly source: 'tls' | 'forwarded';
  /** The parsed certificate, for anything else (extensions, public key). */
  readonly x509: X509Certificate;
}

/** Why a presented certificate was refused. */
export type ClientCertificateRejection =
  /** TLS: the certificate does not chain to a CA the server trusts (or failed OpenSSL's checks). */
  | 'untrusted'
  /** Forwarded: the header is not one URL-encoded PEM or RFC 9440 certificate. */
  | 'malformed'
  /** Forwarded: the certificate is expired or not yet valid. */
  | 'expired';

/**
 * What a request presents: no certificate, a refused one, or a verified one.
 *
 * @example
 * const inspection = inspectClientCertificate(request, mtls);
 * if (inspection.status === 'rejected') logger.warn(`client certificate refused: ${inspection.reason}`);
 */
export type ClientCertificateInspection =
  | { readonly status: 'absent' }
  | { readonly status: 'rejected'; readonly reason: ClientCertificateRejection }
  | { readonly status: 'verified'; readonly certificate: ClientCertificate };

const ABSENT: ClientCertificateInspection = Object.freeze({ status: 'absent' });
const rejected = (reason: ClientCertificateRejection): ClientCertificateInspection =>
  Object.freeze({ status: 'rejected', reason });

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PEM = /^\s*-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

/** Per request: the inspection already made with given options (one parse per request). */
const inspections = new WeakMap<
  object,
  { readonly options: ResolvedMtlsOptions; readonly inspection: ClientCertificateInspection }
>();

/**
 * Inspects the client certificate a request presents, on Express and Fastify alike:
 *
 * - when the TCP peer (`socket.remoteAddress`, never `X-Forwarded-For`) is one of
 *   `trustedProxies`, only the `forwardedCertificateHeader` counts. Rampart does not verify the
 *   chain of a forwarded certificate: it trusts the proxy to have verified it against the client
 *   CA (nginx `ssl_verify_client on`) and to overwrite the header on every request. It only
 *   checks that the value parses and that the certificate is within its validity period. The
 *   proxy's own TLS certificate is ignored;
 * - otherwise, only the certificate of the request's TLS connection counts, and only when OpenSSL
 *   verified it (`socket.authorized`) against the server's `ca`. A forwarded header from any other
 *   peer is ignored.
 *
 * The result is computed once per request.
 *
 * @example
 * const inspection = inspectClientCertificate(request, options.mtls);
 * if (inspection.status === 'verified') console.log(inspection.certificate.commonName);
 */
export function inspectClientCertificate(
  request: SecurityRequest,
  options: ResolvedMtlsOptions,
): ClientCertificateInspection {
  const cached = inspections.get(request);
  if (cached?.options === options) return cached.inspection;
  const inspection = inspect(request, options);
  inspections.set(request, { options, inspection });
  return inspection;
}

/**
 * The verified client certificate of a request, or `undefined` when it presents none or one that
 * is refused. See {@link inspectClientCertificate} for what counts.
 *
 * @example
 * const certificate = readClientCertificate(request, options.mtls);
 * if (certificate?.x5tS256 === expected) { ... }
 */
export function readClientCertificate(
  request: SecurityRequest,
  options: ResolvedMtlsOptions,
): ClientCertificate | undefined {
  const inspection = inspectClientCertificate(request, options);
  return inspection.status === 'verified' ? inspection.certificate : undefined;
}

function inspect(
  request: SecurityRequest,
  options: ResolvedMtlsOptions,
): ClientCertificateInspection {
  const socket = socketOf(request);
  if (socket === undefined) return ABSENT;
  if (options.trustedProxies.includes(socket.remoteAddress)) {
    return inspectForwarded(request.headers[options.forwardedCertificateHeader]);
  }
  if (!(socket instanceof TLSSocket)) return ABSENT;
  const x509 = socket.getPeerX509Certificate();
  if (x509 === undefined) return ABSENT;
  if (!socket.authorized) return rejected('untrusted');
  return verified(x509, 'tls');
}

/** The TCP socket: `request.socket` on Express, `request.raw.socket` on Fastify. */
function socketOf(request: SecurityRequest): Socket | undefined {
  const { raw } = request as { readonly raw?: unknown };
  const holder: object = typeof raw === 'object' && raw !== null ? raw : request;
  const { socket } = holder as { readonly socket?: unknown };
  return socket instanceof Socket ? socket : undefined;
}

function inspectForwarded(value: string | string[] | undefined): ClientCertificateInspection {
  if (value === undefined) return ABSENT;
  if (typeof value !== 'string') return rejected('malformed');
  const text = value.trim();
  if (text === '') return ABSENT;
  const der = decodeForwarded(text);
  if (der === undefined) return rejected('malformed');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return rejected('malformed');
  }
  const now = Date.now();
  if (now < Date.parse(x509.validFrom) || now > Date.parse(x509.validTo)) {
    return rejected('expired');
  }
  return verified(x509, 'forwarded');
}

/** The certificate bytes (DER, or one PEM block) of a forwarded header value. */
function decodeForwarded(text: string): Buffer | string | undefined {
  // RFC 9440: a structured-field byte sequence, `:` base64(DER) `:`.
  if (text.startsWith(':')) {
    const body = text.slice(1, -1);
    return text.length > 2 && text.endsWith(':') && BASE64.test(body)
      ? Buffer.from(body, 'base64')
      : undefined;
  }
  // nginx $ssl_client_escaped_cert: the URL-encoded PEM of the leaf certificate.
  let pem: string;
  try {
    pem = decodeURIComponent(text);
  } catch {
    return undefined;
  }
  return PEM.test(pem) ? pem : undefined;
}

function verified(
  x509: X509Certificate,
  source: ClientCertificate['source'],
): ClientCertificateInspection {
  const certificate: ClientCertificate = Object.freeze({
    subject: x509.subject,
    commonName: commonNameOf(x509.subject),
    subjectAltName: x509.subjectAltName,
    issuer: x509.issuer,
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    x5tS256: certificateThumbprint(x509),
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
    source,
    x509,
  });
  return Object.freeze({ status: 'verified', certificate });
}

/** The one `CN` of a subject printed one RDN a line (multi-valued RDNs joined by ` + `). */
function commonNameOf(subject: string): string | undefined {
  const names = subject
    .split('\n')
    .flatMap((rdn) => rdn.split(' + '))
    .filter((attribute) => attribute.startsWith('CN='))
    .map((attribute) => attribute.slice(3));
  return names.length === 1 ? names[0] : undefined;
}
