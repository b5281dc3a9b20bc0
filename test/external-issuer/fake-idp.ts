import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A signing key of a fake identity provider, generated at test time. */
export interface IdpKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function rsaKey(kid: string = randomUUID()): IdpKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, alg: 'RS256', privateKey, publicKey };
}

export function ecKey(kid: string = randomUUID()): IdpKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { kid, alg: 'ES256', privateKey, publicKey };
}

/** The public JWK of `key`, as a provider publishes it. */
export function publicJwk(key: IdpKey): Record<string, unknown> {
  return { ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: key.alg, use: 'sig' };
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * Signs a compact JWS with `key` (RS256 or ES256 by the key's type), whatever the header says:
 * tests put a misleading `alg`, `kid`, `jku`... in `header` on purpose.
 */
export function signWith(
  key: KeyObject,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature =
    key.asymmetricKeyType === 'ec'
      ? sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
      : sign('sha256', Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

/**
 * A fake identity provider's HTTP side on 127.0.0.1 (port 0): JWK Sets served by path, each
 * request counted. `down` makes every request fail at the TCP level (the socket is destroyed);
 * `garbage` answers 200 with a body that is not JSON.
 */
export class FakeJwksServer {
  mode: 'up' | 'down' | 'garbage' = 'up';
  private readonly sets = new Map<string, readonly unknown[]>();
  private readonly counts = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>` */
    readonly origin: string,
  ) {}

  static async start(): Promise<FakeJwksServer> {
    const holder: { jwks?: FakeJwksServer } = {};
    const server = createServer((request, response) => {
      holder.jwks?.handle(request.url ?? '/', response, () => request.socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.jwks = new FakeJwksServer(server, `http://127.0.0.1:${port}`);
    return holder.jwks;
  }

  /** Serves `keys` (public JWKs) at `path` from now on, replacing what was there. */
  publish(path: string, ...keys: readonly IdpKey[]): void {
    this.sets.set(path, keys.map(publicJwk));
  }

  /** Requests received at `path` so far. */
  requests(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(path: string, response: ServerResponse, destroy: () => void): void {
    this.counts.set(path, this.requests(path) + 1);
    if (this.mode === 'down') {
      destroy();
      return;
    }
    if (this.mode === 'garbage') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<html>maintenance</html>');
      return;
    }
    const keys = this.sets.get(path);
    if (keys === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end(JSON.stringify({ keys }));
  }
}
