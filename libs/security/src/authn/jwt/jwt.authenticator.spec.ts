import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import jsonwebtoken from 'jsonwebtoken';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { TokenExpiredException } from '../../errors/token-expired.exception';
import { JwtAuthenticator } from './jwt.authenticator';
import { JwtStrategy } from './jwt.strategy';
import type { JwtVerifierConfig, VerifiedClaims } from './jwt-verifier-config.interface';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'api';

function keyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function sign(privateKey: KeyObject, claims: Record<string, unknown> = {}, kid = 'k1'): string {
  return jsonwebtoken.sign({ sub: 'u-1', roles: ['user'], ...claims }, privateKey, {
    algorithm: 'ES256',
    keyid: kid,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: 600,
    header: { alg: 'ES256', typ: 'at+jwt' },
  });
}

function contextFor(token: string): { context: ExecutionContext; request: SecurityRequest } {
  return contextForHeader(`Bearer ${token}`);
}

function contextForHeader(authorization: string): {
  context: ExecutionContext;
  request: SecurityRequest;
} {
  const request = { headers: { authorization } } as unknown as SecurityRequest;
  const http = { getRequest: () => request, getResponse: () => ({}), getNext: () => undefined };
  const context = {
    getType: () => 'http',
    switchToHttp: () => http,
    getClass: () => Object,
    getHandler: () => () => undefined,
    getArgs: () => [request, {}],
    getArgByIndex: (index: number) => [request, {}][index],
  } as unknown as ExecutionContext;
  return { context, request };
}

describe('JwtAuthenticator: verified-token cache', () => {
  const { privateKey, publicKey } = keyPair();
  let currentKey: KeyObject | undefined;
  let revoked: Set<string>;
  let toPrincipal: jest.Mock<Principal, [VerifiedClaims, SecurityRequest]>;
  let strategy: JwtStrategy;
  let verify: jest.SpyInstance;

  /** `asynchronous`: the key source and toPrincipal answer with promises (a JWKS, a database). */
  const make = (maxCachedTokens?: number, asynchronous = false): JwtAuthenticator => {
    const keyFor = (kid: string): KeyObject | undefined => (kid === 'k1' ? currentKey : undefined);
    const config: JwtVerifierConfig = {
      issuer: ISSUER,
      audience: [AUDIENCE],
      algorithms: ['ES256'],
      clockSkewSeconds: 30,
      acceptedTypes: ['at+jwt'],
      keySource: {
        verificationKey: asynchronous ? (kid) => Promise.resolve(keyFor(kid)) : keyFor,
      },
      toPrincipal: asynchronous
        ? (claims, request) => Promise.resolve().then(() => toPrincipal(claims, request))
        : toPrincipal,
    };
    strategy = new JwtStrategy(config);
    return new JwtAuthenticator([strategy], maxCachedTokens);
  };

  // As the guard sees it: a synchronous answer or throw, or a promise of the same.
  const authenticate = async (authenticator: JwtAuthenticator, token: string): Promise<Principal> =>
    authenticator.authenticate(contextFor(token).context);

  beforeEach(() => {
    currentKey = publicKey;
    revoked = new Set();
    toPrincipal = jest.fn<Principal, [VerifiedClaims, SecurityRequest]>((claims) => {
      if (revoked.has(claims.sub)) throw new InvalidTokenException();
      return { id: claims.sub, username: claims.sub, roles: ['user'], authMethod: 'jwt' as const };
    });
    verify = jest.spyOn(jsonwebtoken, 'verify');
  });

  afterEach(() => {
    strategy.unregister();
    jest.restoreAllMocks();
  });

  it('verifies the signature once, and runs toPrincipal (revocation) on every use', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    for (let i = 0; i < 3; i++) {
      await expect(authenticate(authenticator, token)).resolves.toMatchObject({ id: 'u-1' });
    }
    expect(verify).toHaveBeenCalledTimes(1);
    expect(toPrincipal).toHaveBeenCalledTimes(3);
  });

  it('answers a cached use with the principal, and leaves request.user to the guard', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    const first = await authenticate(authenticator, token);
    const { context, request } = contextFor(token);
    const principal = await authenticator.authenticate(context);
    expect(principal).toEqual(first);
    expect(request.user).toBeUndefined();
  });

  it('finds a remembered token under every header form BEARER accepts, and only those', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    const use = async (header: string): Promise<Principal> =>
      authenticator.authenticate(contextForHeader(header).context);
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `bEaReR    ${token}`]) {
      await expect(use(header)).resolves.toMatchObject({ id: 'u-1' });
    }
    expect(verify).toHaveBeenCalledTimes(1);
    for (const header of [
      `Bearer ${token} `,
      `Bearer ${token} x`,
      `Bearer ${token}\u00a0`,
      `Bearer\t${token}`,
      `Bearer\u00a0${token}`,
      ` Bearer ${token}`,
      `Bearerx ${token}`,
      `Bearer${token}`,
      `Basic ${token}`,
      'Bearer ',
      'Bearer     ',
      'Bearer',
    ]) {
      await expect(use(header)).rejects.toBeInstanceOf(InvalidTokenException);
    }
    await expect(use(`Bearer ${token}`)).resolves.toMatchObject({ id: 'u-1' });
  });

  it('refuses a remembered token once it is revoked, and forgets it', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    revoked.add('u-1');
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    // The second refusal verified in full again: nothing about the token was kept.
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('refuses a remembered token once it has expired (past the clock skew) with TOKEN_EXPIRED', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + (600 + 29) * 1000);
    await expect(authenticate(authenticator, token)).resolves.toMatchObject({ id: 'u-1' });
    jest.spyOn(Date, 'now').mockReturnValue(now + (600 + 31) * 1000);
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(TokenExpiredException);
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(TokenExpiredException);
  });

  it('verifies in full again when the key it verified with is no longer configured', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    currentKey = undefined;
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    currentKey = keyPair().publicKey;
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('never remembers a token that failed verification', async () => {
    const authenticator = make();
    const forged = sign(keyPair().privateKey);
    for (let i = 0; i < 2; i++) {
      await expect(authenticate(authenticator, forged)).rejects.toBeInstanceOf(
        InvalidTokenException,
      );
    }
    expect(verify).toHaveBeenCalledTimes(2);
    expect(toPrincipal).not.toHaveBeenCalled();
  });

  it('never remembers a token whose first use was refused by toPrincipal', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    revoked.add('u-1');
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    revoked.clear();
    await expect(authenticate(authenticator, token)).resolves.toMatchObject({ id: 'u-1' });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('keeps at most maxCachedTokens, dropping the oldest', async () => {
    const authenticator = make(2);
    const [a, b, c] = ['a', 'b', 'c'].map((sub) => sign(privateKey, { sub }));
    for (const token of [a!, b!, c!]) await authenticate(authenticator, token);
    expect(verify).toHaveBeenCalledTimes(3);
    await authenticate(authenticator, c!);
    await authenticate(authenticator, b!);
    expect(verify).toHaveBeenCalledTimes(3);
    await authenticate(authenticator, a!);
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it('answers a remembered token synchronously when the key source and toPrincipal do', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    const first = authenticator.authenticate(contextFor(token).context);
    expect(first).toBeInstanceOf(Promise);
    await first;
    const { context, request } = contextFor(token);
    const again = authenticator.authenticate(context);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toMatchObject({ id: 'u-1', authMethod: 'jwt' });
    expect(request.user).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('refuses a remembered, revoked token by throwing at once, and forgets it', async () => {
    const authenticator = make();
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    revoked.add('u-1');
    expect(() => authenticator.authenticate(contextFor(token).context)).toThrow(
      InvalidTokenException,
    );
    revoked.clear();
    const next = authenticator.authenticate(contextFor(token).context);
    expect(next).toBeInstanceOf(Promise);
    await expect(next).resolves.toMatchObject({ id: 'u-1' });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('waits for an asynchronous key source and toPrincipal, with the same outcomes', async () => {
    const authenticator = make(undefined, true);
    const token = sign(privateKey);
    await expect(authenticate(authenticator, token)).resolves.toMatchObject({ id: 'u-1' });
    const { context, request } = contextFor(token);
    const again = authenticator.authenticate(context);
    expect(again).toBeInstanceOf(Promise);
    const principal = await again;
    expect(principal).toMatchObject({ id: 'u-1' });
    expect(request.user).toBeUndefined();
    expect(verify).toHaveBeenCalledTimes(1);
    revoked.add('u-1');
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    revoked.clear();
    await expect(authenticate(authenticator, token)).resolves.toMatchObject({ id: 'u-1' });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('turns anything but a SecurityException from an asynchronous toPrincipal into INVALID_TOKEN', async () => {
    const authenticator = make(undefined, true);
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    toPrincipal.mockImplementation(() => {
      throw new Error('database down: secret connection string');
    });
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
  });

  it('verifies in full again when an asynchronous key source fails on a remembered token', async () => {
    let failing = false;
    const authenticator = new JwtAuthenticator([
      (strategy = new JwtStrategy({
        issuer: ISSUER,
        audience: [AUDIENCE],
        algorithms: ['ES256'],
        clockSkewSeconds: 30,
        acceptedTypes: ['at+jwt'],
        keySource: {
          verificationKey: () =>
            failing ? Promise.reject(new Error('JWKS unreachable')) : Promise.resolve(publicKey),
        },
        toPrincipal,
      })),
    ]);
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    failing = true;
    // The full verification asks the failing key source too, and is refused.
    await expect(authenticate(authenticator, token)).rejects.toBeInstanceOf(InvalidTokenException);
    expect(verify).toHaveBeenCalledTimes(1);
    failing = false;
    await expect(authenticate(authenticator, token)).resolves.toMatchObject({ id: 'u-1' });
    expect(verify).toHaveBeenCalledTimes(2);
  });

  it('remembers nothing with maxCachedTokens 0', async () => {
    const authenticator = make(0);
    const token = sign(privateKey);
    await authenticate(authenticator, token);
    await authenticate(authenticator, token);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});
