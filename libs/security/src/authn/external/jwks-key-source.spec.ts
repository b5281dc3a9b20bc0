import { generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JWKS_MAX_BYTES, JwksKeySource, type JwksKeySourceOptions } from './jwks-key-source';

type Reply = (request: IncomingMessage, response: ServerResponse) => void;

/** A JWKS endpoint on 127.0.0.1 that counts the requests it receives. */
interface JwksServer {
  readonly url: string;
  /** Requests received, by path. */
  readonly hits: Map<string, number>;
  reply: Reply;
  close(): Promise<void>;
}

async function startJwksServer(): Promise<JwksServer> {
  const hits = new Map<string, number>();
  const state: { reply: Reply } = { reply: (_request, response) => response.end('{}') };
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    state.reply(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks`,
    hits,
    get reply() {
      return state.reply;
    },
    set reply(reply: Reply) {
      state.reply = reply;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

const json =
  (body: unknown, status = 200): Reply =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

const rsa = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits });
const ec = (namedCurve = 'prime256v1') => generateKeyPairSync('ec', { namedCurve });
const jwkOf = (key: KeyObject, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...key.export({ format: 'jwk' }),
  ...extra,
});
const der = (key: KeyObject | undefined) => key?.export({ format: 'der', type: 'spki' });

const RSA = rsa();
const EC = ec();

describe('JwksKeySource', () => {
  let server: JwksServer;
  let now: number;
  let warnings: string[];

  const source = (overrides: Partial<JwksKeySourceOptions> = {}) =>
    new JwksKeySource(
      {
        issuer: 'https://idp.test',
        jwksUri: server.url,
        cacheSeconds: 600,
        minRefetchIntervalSeconds: 30,
        timeoutMs: 2000,
        ...overrides,
      },
      {
        now: () => now,
        logger: {
          warn: (message: unknown) => {
            warnings.push(String(message));
          },
        },
      },
    );
  const requests = () => server.hits.get('/jwks') ?? 0;
  const publish = (...keys: unknown[]) => {
    server.reply = json({ keys });
  };

  beforeEach(async () => {
    server = await startJwksServer();
    now = 1_800_000_000_000;
    warnings = [];
    publish(
      jwkOf(RSA.publicKey, { kid: 'rsa-1', use: 'sig', alg: 'RS256' }),
      jwkOf(EC.publicKey, { kid: 'ec-1' }),
    );
  });
  afterEach(() => server.close());

  describe('fetching and caching', () => {
    it('fetches the set once, then serves each kid from the cache', async () => {
      const keys = source();
      const first = await keys.verificationKey('rsa-1', 'RS256');
      expect(der(first)).toEqual(der(RSA.publicKey));
      expect(first?.type).toBe('public');
      expect(der(await keys.verificationKey('ec-1', 'ES256'))).toEqual(der(EC.publicKey));
      now += 599_000;
      await keys.verificationKey('rsa-1', 'RS256');
      expect(requests()).toBe(1);
    });

    it('shares one request between concurrent first lookups', async () => {
      const keys = source();
      const found = await Promise.all(
        Array.from({ length: 20 }, () => keys.verificationKey('rsa-1', 'RS256')),
      );
      expect(found.every((key) => key !== undefined)).toBe(true);
      expect(requests()).toBe(1);
    });

    it('fetches again once the cache is older than cacheSeconds, and drops removed keys', async () => {
      const keys = source({ cacheSeconds: 60 });
      await keys.verificationKey('rsa-1', 'RS256');
      publish(jwkOf(EC.publicKey, { kid: 'ec-1' }));
      now += 60_000;
      expect(await keys.verificationKey('rsa-1', 'RS256')).toBeUndefined();
      expect(requests()).toBe(2);
      expect(await keys.verificationKey('ec-1', 'ES256')).toBeDefined();
      expect(requests()).toBe(2);
    });

    it('sends no credentials and asks for a JWK Set', async () => {
      let accept: string | undefined;
      let authorization: string | undefined;
      server.reply = (request, response) => {
        accept = request.headers.accept;
        authorization = request.headers.authorization;
        json({ keys: [] })(request, response);
      };
      await source().verificationKey('rsa-1', 'RS256');
      expect(accept).toContain('application/jwk-set+json');
      expect(authorization).toBeUndefined();
    });
  });

  describe('unknown kid: bounded re-fetch', () => {
    it('re-fetches once for an unknown kid and picks up a key the provider just published', async () => {
      const keys = source();
      await keys.verificationKey('rsa-1', 'RS256');
      const rotated = ec();
      publish(jwkOf(EC.publicKey, { kid: 'ec-1' }), jwkOf(rotated.publicKey, { kid: 'ec-2' }));
      now += 30_000;
      expect(der(await keys.verificationKey('ec-2', 'ES256'))).toEqual(der(rotated.publicKey));
      expect(requests()).toBe(2);
    });

    it('does not re-fetch within minRefetchIntervalSeconds of the previous fetch', async () => {
      const keys = source();
      await keys.verificationKey('rsa-1', 'RS256');
      now += 29_999;
      expect(await keys.verificationKey('nope-1', 'RS256')).toBeUndefined();
      expect(await keys.verificationKey('nope-2', 'RS256')).toBeUndefined();
      expect(requests()).toBe(1);
      now += 1;
      expect(await keys.verificationKey('nope-3', 'RS256')).toBeUndefined();
      expect(await keys.verificationKey('nope-4', 'RS256')).toBeUndefined();
      expect(requests()).toBe(2);
    });

    it('answers a flood of random kids with at most one fetch per interval, shared while in flight', async () => {
      const keys = source();
      await keys.verificationKey('rsa-1', 'RS256');
      now += 30_000;
      const held: ServerResponse[] = [];
      server.reply = (_request, response) => {
        held.push(response);
      };
      const flood = Array.from({ length: 50 }, () => keys.verificationKey(randomUUID(), 'RS256'));
      await new Promise<void>((resolve) => {
        const poll = (): void => {
          if (held.length > 0) resolve();
          else setImmediate(poll);
        };
        poll();
      });
      for (const response of held) json({ keys: [] })(undefined as never, response);
      expect(await Promise.all(flood)).toEqual(Array.from({ length: 50 }, () => undefined));
      expect(requests()).toBe(2);
      // The interval runs from that fetch: 50 more random kids cost nothing.
      await Promise.all(
        Array.from({ length: 50 }, () => keys.verificationKey(randomUUID(), 'RS256')),
      );
      expect(requests()).toBe(2);
    });

    it('does not re-fetch for a known kid whose key does not fit the requested alg', async () => {
      const keys = source();
      await keys.verificationKey('rsa-1', 'RS256');
      now += 60_000;
      expect(await keys.verificationKey('rsa-1', 'ES256')).toBeUndefined();
      expect(requests()).toBe(1);
    });
  });

  describe('endpoint failures', () => {
    const failures: [string, Reply, string][] = [
      ['HTTP 500', json({ error: 'SECRET-BODY' }, 500), 'HTTP 500'],
      ['HTTP 404', json({ error: 'SECRET-BODY' }, 404), 'HTTP 404'],
      [
        'a body that is not JSON',
        (_request, response) => {
          response.end('<html>SECRET-BODY</html>');
        },
        'not JSON',
      ],
      ['JSON that is not a key set', json({ SECRET: 'SECRET-BODY' }), 'not a JWK Set'],
      ['a key set whose keys is not an array', json({ keys: 'SECRET-BODY' }), 'not a JWK Set'],
      [
        'a dropped connection',
        (request) => {
          request.socket.destroy();
        },
        'fetch failed',
      ],
      [
        'a redirect (not followed)',
        (_request, response) => {
          response.writeHead(302, { location: '/elsewhere' });
          response.end('SECRET-BODY');
        },
        'redirect',
      ],
      [
        `a body over ${JWKS_MAX_BYTES} bytes`,
        (_request, response) => {
          response.end(`{"keys":[],"pad":"${'x'.repeat(JWKS_MAX_BYTES)}SECRET-BODY"}`);
        },
        `exceeds ${JWKS_MAX_BYTES} bytes`,
      ],
      [
        'an oversized declared Content-Length (refused before the body)',
        (_request, response) => {
          response.writeHead(200, { 'content-length': String(JWKS_MAX_BYTES + 1) });
          response.write('{"keys":[], "SECRET-BODY": 1');
        },
        `exceeds ${JWKS_MAX_BYTES} bytes`,
      ],
    ];

    it.each(failures)(
      'on %s: keeps serving fresh cached keys, logs a warning without the body',
      async (_name, reply, reason) => {
        const keys = source();
        await keys.verificationKey('rsa-1', 'RS256');
        server.reply = reply;
        now += 30_000;
        expect(await keys.verificationKey('rotated', 'RS256')).toBeUndefined();
        expect(requests()).toBe(2);
        expect(await keys.verificationKey('rsa-1', 'RS256')).toBeDefined();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^JWKS of external issuer "https:\/\/idp\.test" could not be fetched from http:\/\/127\.0\.0\.1:\d+\/jwks: /,
        );
        expect(warnings[0]).toContain(reason);
        expect(warnings[0]).toContain('keeping 2 cached key id(s)');
        expect(warnings.join('\n')).not.toContain('SECRET');
        expect(server.hits.get('/elsewhere')).toBeUndefined();
      },
    );

    it.each(failures)(
      'on %s with nothing cached: resolves undefined (never rejects)',
      async (_name, reply) => {
        server.reply = reply;
        const keys = source();
        await expect(keys.verificationKey('rsa-1', 'RS256')).resolves.toBeUndefined();
        expect(warnings[0]).toContain('no fresh keys');
      },
    );

    it('stops serving cached keys once they are stale and the endpoint is still down', async () => {
      const keys = source({ cacheSeconds: 60 });
      await keys.verificationKey('rsa-1', 'RS256');
      server.reply = json({}, 503);
      now += 59_999;
      expect(await keys.verificationKey('rsa-1', 'RS256')).toBeDefined();
      now += 1;
      expect(await keys.verificationKey('rsa-1', 'RS256')).toBeUndefined();
      expect(requests()).toBe(2);
      // Retries stay bounded while the endpoint is down...
      now += 10_000;
      expect(await keys.verificationKey('rsa-1', 'RS256')).toBeUndefined();
      expect(requests()).toBe(2);
      // ...and the next allowed fetch restores service.
      publish(jwkOf(RSA.publicKey, { kid: 'rsa-1' }));
      now += 20_000;
      expect(await keys.verificationKey('rsa-1', 'RS256')).toBeDefined();
      expect(requests()).toBe(3);
    });

    it('gives up after timeoutMs on an endpoint that never answers', async () => {
      server.reply = () => undefined;
      const keys = source({ timeoutMs: 100 });
      await expect(keys.verificationKey('rsa-1', 'RS256')).resolves.toBeUndefined();
      expect(warnings[0]).toContain('timed out');
    });

    it('leaves the query string of the JWKS URL out of its warnings', async () => {
      server.reply = json({}, 500);
      const keys = source({ jwksUri: `${server.url}?api_key=SECRET-QUERY` });
      await keys.verificationKey('rsa-1', 'RS256');
      expect(warnings[0]).toContain(server.url);
      expect(warnings[0]).not.toContain('SECRET-QUERY');
    });
  });

  describe('which keys serve which algorithm', () => {
    const rsa1024 = rsa(1024);
    const p384 = ec('secp384r1');
    const p521 = ec('secp521r1');
    const ed = generateKeyPairSync('ed25519');

    it.each<[string, string, boolean, () => Record<string, unknown>]>([
      ['an RSA key for RS256', 'RS256', true, () => jwkOf(RSA.publicKey)],
      ['an RSA key for PS512', 'PS512', true, () => jwkOf(RSA.publicKey)],
      ['an RSA key for ES256', 'ES256', false, () => jwkOf(RSA.publicKey)],
      ['a 1024-bit RSA key for RS256', 'RS256', false, () => jwkOf(rsa1024.publicKey)],
      ['a P-256 key for ES256', 'ES256', true, () => jwkOf(EC.publicKey)],
      ['a P-256 key for ES384', 'ES384', false, () => jwkOf(EC.publicKey)],
      ['a P-384 key for ES384', 'ES384', true, () => jwkOf(p384.publicKey)],
      ['a P-384 key for ES256', 'ES256', false, () => jwkOf(p384.publicKey)],
      ['a P-521 key for ES512', 'ES512', true, () => jwkOf(p521.publicKey)],
      ['an EC key for RS256', 'RS256', false, () => jwkOf(EC.publicKey)],
      ['a key whose alg matches', 'PS256', true, () => jwkOf(RSA.publicKey, { alg: 'PS256' })],
      ['a key whose alg differs', 'RS256', false, () => jwkOf(RSA.publicKey, { alg: 'RS512' })],
      ['a key whose alg is not a string', 'RS256', false, () => jwkOf(RSA.publicKey, { alg: 7 })],
      ['a key with use "sig"', 'RS256', true, () => jwkOf(RSA.publicKey, { use: 'sig' })],
      ['a key with use "enc"', 'RS256', false, () => jwkOf(RSA.publicKey, { use: 'enc' })],
      ['key_ops with verify', 'RS256', true, () => jwkOf(RSA.publicKey, { key_ops: ['verify'] })],
      [
        'key_ops without verify',
        'RS256',
        false,
        () => jwkOf(RSA.publicKey, { key_ops: ['encrypt'] }),
      ],
      [
        'an oct (symmetric) key',
        'HS256',
        false,
        () => ({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }),
      ],
      [
        'an oct key for RS256',
        'RS256',
        false,
        () => ({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQ' }),
      ],
      ['an Ed25519 (OKP) key', 'EdDSA', false, () => jwkOf(ed.publicKey)],
      ['a malformed RSA key', 'RS256', false, () => ({ kty: 'RSA', n: '!!', e: 'AQAB' })],
      ['an RSA key without e', 'RS256', false, () => ({ kty: 'RSA', n: jwkOf(RSA.publicKey).n })],
    ])('%s, for %s -> usable: %s', async (_name, alg, usable, makeJwk) => {
      publish({ ...makeJwk(), kid: 'k' });
      const key = await source().verificationKey('k', alg);
      expect(key !== undefined).toBe(usable);
      if (key !== undefined) expect(key.type).toBe('public');
    });

    it.each([
      ['an RSA private key', () => jwkOf(RSA.privateKey)],
      ['an EC private key', () => jwkOf(EC.privateKey)],
      ['a public key with a stray d', () => jwkOf(RSA.publicKey, { d: 'AQAB' })],
    ])('ignores %s published in the set, and warns', async (_name, makeJwk) => {
      publish({ ...makeJwk(), kid: 'leaked' });
      expect(await source().verificationKey('leaked', 'RS256')).toBeUndefined();
      expect(await source().verificationKey('leaked', 'ES256')).toBeUndefined();
      expect(warnings.join('\n')).toMatch(/publishes private key material \(kid "leaked"\)/);
    });

    it('skips keys without a kid, and picks among keys sharing a kid by algorithm', async () => {
      publish(
        jwkOf(RSA.publicKey),
        jwkOf(RSA.publicKey, { kid: 'shared', alg: 'RS256' }),
        jwkOf(EC.publicKey, { kid: 'shared', alg: 'ES256' }),
        'not-an-object',
        null,
      );
      const keys = source();
      expect(der(await keys.verificationKey('shared', 'RS256'))).toEqual(der(RSA.publicKey));
      expect(der(await keys.verificationKey('shared', 'ES256'))).toEqual(der(EC.publicKey));
      expect(await keys.verificationKey('', 'RS256')).toBeUndefined();
    });

    it('never hands out key material beyond the public members', async () => {
      const jwk: JsonWebKey = jwkOf(EC.publicKey, { kid: 'k', ext: true, x5c: ['AAAA'] });
      publish(jwk);
      const key = await source().verificationKey('k', 'ES256');
      expect(key?.type).toBe('public');
      expect(key?.export({ format: 'jwk' })).toEqual(EC.publicKey.export({ format: 'jwk' }));
    });
  });
});
