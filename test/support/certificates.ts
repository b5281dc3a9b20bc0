import type { SecurityRequest } from '@rampart/security';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import {
  createConnection,
  createServer as createTcpServer,
  type Server,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, createServer as createTlsServer } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its private key, PEM, generated at test time (never committed). */
export interface TestCertificate {
  readonly cert: string;
  readonly key: string;
  readonly x509: X509Certificate;
  /** RFC 8705 `x5t#S256`, computed from the DER that `openssl x509 -outform DER` writes. */
  readonly thumbprint: string;
}

/** A throwaway PKI for mTLS tests. */
export interface TestPki {
  /** The CA that the servers trust for client certificates (and that signed the server's). */
  readonly ca: string;
  /** A second CA, trusted by nobody. */
  readonly rogueCa: string;
  /** Server certificate for `127.0.0.1` and `localhost`, signed by `ca`. */
  readonly server: TestCertificate;
  /** Client certificate `CN=alice`, signed by `ca`. */
  readonly alice: TestCertificate;
  /** Client certificate `CN=admin`, signed by `ca`. */
  readonly admin: TestCertificate;
  /** Client certificate `CN=carol`, signed by `ca`: trusted, but no such user. */
  readonly carol: TestCertificate;
  /** Client certificate `CN=alice` signed by `rogueCa`: same name, untrusted issuer. */
  readonly rogueAlice: TestCertificate;
}

const OPENSSL_CONFIG = `
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

let pki: Promise<TestPki> | undefined;

/**
 * Generates (once per test process) a CA, a server certificate and client certificates with the
 * `openssl` CLI in a temporary directory, reads them into memory and deletes the directory. Valid
 * from now for two days.
 *
 * @example
 * const pki = await testPki();
 * https.request({ ca: pki.ca, cert: pki.alice.cert, key: pki.alice.key, ... });
 */
export function testPki(): Promise<TestPki> {
  pki ??= generatePki();
  return pki;
}

async function generatePki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'rampart-pki-'));
  const config = join(dir, 'openssl.cnf');
  const file = (name: string): string => join(dir, name);
  const openssl = async (args: readonly string[]): Promise<void> => {
    try {
      await run('openssl', [...args], { cwd: dir });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? 'openssl not found on PATH: the mTLS tests need the openssl CLI (apt-get install -y openssl)'
          : `openssl ${args[0] ?? ''} failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`,
        { cause: error },
      );
    }
  };
  const authority = async (name: string, commonName: string): Promise<void> => {
    await openssl([
      'req',
      '-x509',
      '-config',
      config,
      ...EC_KEY,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.crt`),
      '-subj',
      `/O=Rampart tests/CN=${commonName}`,
      '-days',
      '2',
      '-sha256',
      '-extensions',
      'ca_ext',
    ]);
  };
  const issue = async (
    name: string,
    subject: string,
    issuer: string,
    extensions: 'server_ext' | 'client_ext',
  ): Promise<TestCertificate> => {
    await openssl([
      'req',
      '-new',
      '-config',
      config,
      ...EC_KEY,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      subject,
    ]);
    await openssl([
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file(`${issuer}.crt`),
      '-CAkey',
      file(`${issuer}.key`),
      '-set_serial',
      `0x${randomBytes(12).toString('hex')}`,
      '-days',
      '2',
      '-sha256',
      '-extfile',
      config,
      '-extensions',
      extensions,
      '-out',
      file(`${name}.crt`),
    ]);
    await openssl([
      'x509',
      '-in',
      file(`${name}.crt`),
      '-outform',
      'DER',
      '-out',
      file(`${name}.der`),
    ]);
    const cert = await readFile(file(`${name}.crt`), 'utf8');
    const der = await readFile(file(`${name}.der`));
    return {
      cert,
      key: await readFile(file(`${name}.key`), 'utf8'),
      x509: new X509Certificate(cert),
      thumbprint: createHash('sha256').update(der).digest('base64url'),
    };
  };
  try {
    await writeFile(config, OPENSSL_CONFIG);
    await Promise.all([authority('ca', 'Rampart Test CA'), authority('rogue', 'Rogue CA')]);
    const [server, alice, admin, carol, rogueAlice] = await Promise.all([
      issue('server', '/CN=localhost', 'ca', 'server_ext'),
      issue('alice', '/O=Rampart tests/CN=alice', 'ca', 'client_ext'),
      issue('admin', '/O=Rampart tests/CN=admin', 'ca', 'client_ext'),
      issue('carol', '/O=Rampart tests/CN=carol', 'ca', 'client_ext'),
      issue('rogue-alice', '/O=Rampart tests/CN=alice', 'rogue', 'client_ext'),
    ]);
    return {
      ca: await readFile(file('ca.crt'), 'utf8'),
      rogueCa: await readFile(file('rogue.crt'), 'utf8'),
      server,
      alice,
      admin,
      carol,
      rogueAlice,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A certificate as nginx's `$ssl_client_escaped_cert` forwards it: URL-encoded PEM. */
export function escapedPem(certificate: TestCertificate): string {
  return encodeURIComponent(certificate.cert);
}

/** A certificate as an RFC 9440 `Client-Cert` header value: `:` base64(DER) `:`. */
export function rfc9440(certificate: TestCertificate): string {
  return `:${certificate.x509.raw.toString('base64')}:`;
}

/** The server's end of a real connection, as a request's `socket` would be. */
export interface ServerSideConnection {
  readonly socket: Socket;
  /** Closes both ends and the throwaway server. */
  close(): Promise<void>;
}

/** How {@link openConnection} connects. */
export interface ConnectionOptions {
  /** TLS with the server certificate of `pki` and `requestCert`; plain TCP when omitted. */
  readonly tls?: {
    readonly pki: TestPki;
    /** The client certificate presented; none when omitted. */
    readonly client?: TestCertificate;
  };
  /** Address the server listens on. @default '127.0.0.1' */
  readonly listen?: string;
  /** Address the client connects to. @default '127.0.0.1' */
  readonly connect?: string;
}

/**
 * Opens a real TCP (or TLS, with `requestCert: true, rejectUnauthorized: false` as an mTLS app
 * would) connection to a throwaway server and resolves the server's end once the handshake is
 * done, so unit tests can read `remoteAddress`, `authorized` and the peer certificate for real.
 *
 * @example
 * const connection = await openConnection({ tls: { pki, client: pki.alice } });
 * const request = { headers: {}, socket: connection.socket };
 * await connection.close();
 */
export async function openConnection(
  options: ConnectionOptions = {},
): Promise<ServerSideConnection> {
  const { tls } = options;
  let accept: (socket: Socket) => void = () => undefined;
  const accepted = new Promise<Socket>((resolve) => {
    accept = resolve;
  });
  const server: Server =
    tls === undefined
      ? createTcpServer(accept)
      : createTlsServer(
          {
            key: tls.pki.server.key,
            cert: tls.pki.server.cert,
            ca: tls.pki.ca,
            requestCert: true,
            rejectUnauthorized: false,
          },
          accept,
        );
  await new Promise<void>((resolve) => {
    server.listen(0, options.listen ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const host = options.connect ?? '127.0.0.1';
  const client: Socket = await new Promise((resolve, reject) => {
    const socket =
      tls === undefined
        ? createConnection({ host, port: address.port }, () => {
            resolve(socket);
          })
        : connectTls(
            {
              host,
              port: address.port,
              ca: tls.pki.ca,
              ...(tls.client === undefined ? {} : { cert: tls.client.cert, key: tls.client.key }),
            },
            () => {
              resolve(socket);
            },
          );
    socket.once('error', reject);
  });
  const socket = await accepted;
  return {
    socket,
    close: async () => {
      client.destroy();
      socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}

/**
 * Requests whose socket is the server side of a real connection, for unit tests of code that
 * reads `request.socket`; `closeAll()` (in `afterEach`) closes every connection opened.
 */
export function connectionRequests(): {
  requestOver(
    options: ConnectionOptions,
    headers?: Record<string, string>,
  ): Promise<SecurityRequest>;
  closeAll(): Promise<void>;
} {
  const open: ServerSideConnection[] = [];
  return {
    async requestOver(options, headers = {}) {
      const connection = await openConnection(options);
      open.push(connection);
      return { headers, socket: connection.socket } as SecurityRequest;
    },
    async closeAll() {
      await Promise.all(open.splice(0).map((connection) => connection.close()));
    },
  };
}
