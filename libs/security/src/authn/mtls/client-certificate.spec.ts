import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import {
  escapedPem,
  openConnection,
  rfc9440,
  testPki,
  type ConnectionOptions,
  type ServerSideConnection,
  type TestPki,
} from '../../../../../test/support/certificates';
import type { SecurityRequest } from '../../core/security-request.interface';
import { inspectClientCertificate, readClientCertificate } from './client-certificate';
import { resolveMtlsOptions, type ResolvedMtlsOptions } from './resolve-mtls-options';

const mtls = (raw: Record<string, unknown> = {}): ResolvedMtlsOptions => resolveMtlsOptions(raw)!;
const NO_PROXY = mtls();
const LOCAL_PROXY = mtls({ trustedProxies: ['127.0.0.1'] });
const DAY_MS = 86_400_000;

/** An Express-shaped request (`request.socket`). */
const expressRequest = (socket: Socket, headers: IncomingHttpHeaders = {}): SecurityRequest =>
  ({ headers, socket }) as SecurityRequest;
/** A Fastify-shaped request (`request.raw.socket`). */
const fastifyRequest = (socket: Socket, headers: IncomingHttpHeaders = {}): SecurityRequest =>
  ({ headers, raw: { headers, socket } }) as SecurityRequest;

describe('inspectClientCertificate', () => {
  let pki: TestPki;
  const open: ServerSideConnection[] = [];
  const connect = async (options: ConnectionOptions = {}): Promise<Socket> => {
    const connection = await openConnection(options);
    open.push(connection);
    return connection.socket;
  };

  beforeAll(async () => {
    pki = await testPki();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(open.splice(0).map((connection) => connection.close()));
  });

  describe('on the TLS connection', () => {
    it.each([
      ['Express', expressRequest],
      ['Fastify', fastifyRequest],
    ])('reads a CA-verified client certificate (%s request shape)', async (_name, build) => {
      const socket = await connect({ tls: { pki, client: pki.alice } });
      const inspection = inspectClientCertificate(build(socket), NO_PROXY);
      expect(inspection.status).toBe('verified');
      const certificate = readClientCertificate(build(socket), NO_PROXY);
      expect(certificate).toMatchObject({
        subject: 'O=Rampart tests\nCN=alice',
        commonName: 'alice',
        issuer: 'O=Rampart tests\nCN=Rampart Test CA',
        serialNumber: pki.alice.x509.serialNumber,
        fingerprint256: pki.alice.x509.fingerprint256,
        x5tS256: pki.alice.thumbprint,
        source: 'tls',
      });
      expect(certificate?.validFrom).toEqual(new Date(pki.alice.x509.validFrom));
      expect(certificate?.validTo).toEqual(new Date(pki.alice.x509.validTo));
      expect(certificate?.x509.raw.equals(pki.alice.x509.raw)).toBe(true);
      expect(Object.isFrozen(certificate)).toBe(true);
    });

    it('finds none when the client sends no certificate', async () => {
      const socket = await connect({ tls: { pki } });
      expect(inspectClientCertificate(expressRequest(socket), NO_PROXY)).toEqual({
        status: 'absent',
      });
    });

    it('refuses a certificate from a CA the server does not trust, even with a known name', async () => {
      const socket = await connect({ tls: { pki, client: pki.rogueAlice } });
      expect(inspectClientCertificate(expressRequest(socket), NO_PROXY)).toEqual({
        status: 'rejected',
        reason: 'untrusted',
      });
      expect(readClientCertificate(expressRequest(socket), NO_PROXY)).toBeUndefined();
    });

    it('finds none on a plain TCP connection', async () => {
      const socket = await connect();
      expect(inspectClientCertificate(expressRequest(socket), NO_PROXY).status).toBe('absent');
    });

    it('finds none when the request has no socket', () => {
      const request = { headers: {} } as SecurityRequest;
      expect(inspectClientCertificate(request, NO_PROXY).status).toBe('absent');
    });

    it('inspects a request once, and again with other options', async () => {
      const socket = await connect({ tls: { pki, client: pki.alice } });
      const request = expressRequest(socket);
      const first = inspectClientCertificate(request, NO_PROXY);
      expect(inspectClientCertificate(request, NO_PROXY)).toBe(first);
      expect(inspectClientCertificate(request, LOCAL_PROXY)).not.toBe(first);
    });
  });

  describe('forwarded by a proxy', () => {
    const header = (value: string | string[]): IncomingHttpHeaders => ({ 'x-client-cert': value });

    it('ignores the header when the peer is not a trusted proxy (the TLS certificate counts)', async () => {
      const socket = await connect({ tls: { pki, client: pki.alice } });
      const request = expressRequest(socket, header(escapedPem(pki.admin)));
      expect(readClientCertificate(request, NO_PROXY)?.commonName).toBe('alice');
      const notThisPeer = mtls({ trustedProxies: ['10.0.0.0/8', '::1'] });
      expect(readClientCertificate(request, notThisPeer)?.commonName).toBe('alice');
    });

    it('ignores a spoofed header on a connection with no certificate', async () => {
      const socket = await connect();
      const request = expressRequest(socket, header(escapedPem(pki.admin)));
      expect(inspectClientCertificate(request, NO_PROXY).status).toBe('absent');
    });

    it('never takes the peer from X-Forwarded-For', async () => {
      const socket = await connect();
      const request = expressRequest(socket, {
        ...header(escapedPem(pki.admin)),
        'x-forwarded-for': '10.0.0.7',
        'x-real-ip': '10.0.0.7',
        forwarded: 'for=10.0.0.7',
      });
      const options = mtls({ trustedProxies: ['10.0.0.7'] });
      expect(inspectClientCertificate(request, options).status).toBe('absent');
    });

    it.each([
      ['the URL-encoded PEM (nginx $ssl_client_escaped_cert)', escapedPem],
      ['an RFC 9440 byte sequence', rfc9440],
    ])('reads %s from a trusted proxy', async (_name, encode) => {
      const socket = await connect();
      const request = fastifyRequest(socket, header(encode(pki.alice)));
      const certificate = readClientCertificate(request, LOCAL_PROXY);
      expect(certificate).toMatchObject({
        commonName: 'alice',
        x5tS256: pki.alice.thumbprint,
        source: 'forwarded',
      });
    });

    it('reads the header named in the options, whatever its case on the wire', async () => {
      const socket = await connect();
      const options = mtls({
        trustedProxies: ['127.0.0.1'],
        forwardedCertificateHeader: 'X-SSL-Cert',
      });
      const request = expressRequest(socket, { 'x-ssl-cert': escapedPem(pki.admin) });
      expect(readClientCertificate(request, options)?.commonName).toBe('admin');
      const wrongHeader = expressRequest(socket, header(escapedPem(pki.admin)));
      expect(inspectClientCertificate(wrongHeader, options).status).toBe('absent');
    });

    it('matches an IPv4 proxy on an IPv4-mapped IPv6 peer address', async () => {
      const socket = await connect({ listen: '::', connect: '127.0.0.1' });
      expect(socket.remoteAddress).toBe('::ffff:127.0.0.1');
      const request = expressRequest(socket, header(escapedPem(pki.alice)));
      expect(readClientCertificate(request, LOCAL_PROXY)?.commonName).toBe('alice');
    });

    it('ignores the proxy’s own TLS certificate: no header means no certificate', async () => {
      const socket = await connect({ tls: { pki, client: pki.admin } });
      expect(inspectClientCertificate(expressRequest(socket), LOCAL_PROXY).status).toBe('absent');
      const forwarded = expressRequest(socket, header(escapedPem(pki.alice)));
      expect(readClientCertificate(forwarded, LOCAL_PROXY)?.commonName).toBe('alice');
    });

    it.each(['', '   '])('treats an empty header (%p) as no certificate', async (value) => {
      const socket = await connect();
      const request = expressRequest(socket, header(value));
      expect(inspectClientCertificate(request, LOCAL_PROXY).status).toBe('absent');
    });

    it.each<[string, (pki: TestPki) => string | string[]]>([
      ['garbage', () => 'not a certificate'],
      ['a broken percent-encoding', () => '%E0%A4%A'],
      [
        'a PEM with a line cut out',
        (p) => encodeURIComponent(p.alice.cert.replace(/\n[^\n]+\n-----END/, '\n-----END')),
      ],
      ['a PEM without its END line', (p) => encodeURIComponent(p.alice.cert.split('-----END')[0]!)],
      ['two certificates', (p) => encodeURIComponent(p.alice.cert + p.admin.cert)],
      ['a private key', (p) => encodeURIComponent(p.alice.key)],
      ['an unterminated byte sequence', (p) => rfc9440(p.alice).slice(0, -1)],
      ['an empty byte sequence', () => '::'],
      ['a byte sequence that is not base64', () => ':not base64!:'],
      [
        'a byte sequence of random bytes',
        () => `:${Buffer.from('random bytes').toString('base64')}:`,
      ],
      ['two header values', (p) => [escapedPem(p.alice), escapedPem(p.admin)]],
      ['two comma-joined header values', (p) => `${escapedPem(p.alice)}, ${escapedPem(p.admin)}`],
    ])('refuses %s from a trusted proxy as malformed', async (_name, value) => {
      const socket = await connect();
      const request = expressRequest(socket, header(value(pki)));
      expect(inspectClientCertificate(request, LOCAL_PROXY)).toEqual({
        status: 'rejected',
        reason: 'malformed',
      });
    });

    it.each<[string, (validFrom: number, validTo: number) => number]>([
      ['after it expired', (_from, to) => to + DAY_MS],
      ['before it is valid', (from) => from - DAY_MS],
    ])('refuses a forwarded certificate %s', async (_name, at) => {
      const socket = await connect();
      const now = at(Date.parse(pki.alice.x509.validFrom), Date.parse(pki.alice.x509.validTo));
      jest.spyOn(Date, 'now').mockReturnValue(now);
      const request = expressRequest(socket, header(escapedPem(pki.alice)));
      expect(inspectClientCertificate(request, LOCAL_PROXY)).toEqual({
        status: 'rejected',
        reason: 'expired',
      });
    });

    it('accepts a forwarded certificate on the last second of its validity', async () => {
      const socket = await connect();
      jest.spyOn(Date, 'now').mockReturnValue(Date.parse(pki.alice.x509.validTo));
      const request = expressRequest(socket, header(escapedPem(pki.alice)));
      expect(inspectClientCertificate(request, LOCAL_PROXY).status).toBe('verified');
    });
  });
});
