import { generateKeyPairSync } from 'node:crypto';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import type { VerifiedClaims } from '../jwt/jwt-verifier-config.interface';
import {
  createExternalIssuerVerifiers,
  externalPrincipalMapper,
  isIdToken,
} from './external-issuer-verifiers';
import { resolveExternalIssuersOptions } from './resolve-external-issuers-options';

const ISSUER = 'https://sso.example.com/realms/acme';
const base = {
  issuer: ISSUER,
  jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
  audience: 'orders-api',
};
const request = {} as SecurityRequest;

const claims = (extra: Record<string, unknown> = {}): VerifiedClaims => ({
  iss: ISSUER,
  sub: 'f3b1c2d4',
  exp: 2_000_000_000,
  aud: 'orders-api',
  ...extra,
});

const mapper = (overrides: Record<string, unknown> = {}) => {
  const [issuer] = resolveExternalIssuersOptions([{ ...base, ...overrides }], 'production');
  if (issuer === undefined) throw new Error('no issuer');
  return externalPrincipalMapper(issuer);
};

const refused = (run: () => unknown) => {
  expect(run).toThrow(InvalidTokenException);
};

describe('externalPrincipalMapper', () => {
  it('maps sub, preferred_username and roles, with authMethod jwt', () => {
    const principal = mapper()(claims({ preferred_username: 'alice', roles: ['user', 'auditor'] }));
    expect(principal).toEqual({
      id: 'f3b1c2d4',
      username: 'alice',
      roles: ['user', 'auditor'],
      authMethod: 'jwt',
    });
    expect(Object.isFrozen(principal.roles)).toBe(true);
  });

  it('falls back to sub for the username and to no roles when the claims are absent', () => {
    expect(mapper()(claims())).toEqual({
      id: 'f3b1c2d4',
      username: 'f3b1c2d4',
      roles: [],
      authMethod: 'jwt',
    });
  });

  it('reads a Keycloak realm-roles path and a client-roles path', () => {
    const token = claims({
      roles: ['ignored'],
      realm_access: { roles: ['admin'] },
      resource_access: { 'orders-api': { roles: ['orders:write'] } },
    });
    expect(mapper({ rolesClaim: 'realm_access.roles' })(token).roles).toEqual(['admin']);
    expect(mapper({ rolesClaim: 'resource_access.orders-api.roles' })(token).roles).toEqual([
      'orders:write',
    ]);
  });

  it('prefers a top-level claim whose name contains dots (Auth0 namespaced claims)', () => {
    const token = claims({
      'https://acme.com/roles': ['admin'],
      'https://acme': { 'com/roles': ['user'] },
    });
    expect(mapper({ rolesClaim: 'https://acme.com/roles' })(token).roles).toEqual(['admin']);
  });

  it('reads a custom username claim, also by path', () => {
    expect(mapper({ usernameClaim: 'email' })(claims({ email: 'a@acme.com' })).username).toBe(
      'a@acme.com',
    );
    expect(mapper({ usernameClaim: 'ext.login' })(claims({ ext: { login: 'al' } })).username).toBe(
      'al',
    );
  });

  it('gives no roles when the path is absent or crosses a non-object', () => {
    const map = mapper({ rolesClaim: 'realm_access.roles' });
    expect(map(claims()).roles).toEqual([]);
    expect(map(claims({ realm_access: 'admin' })).roles).toEqual([]);
    expect(map(claims({ realm_access: ['admin'] })).roles).toEqual([]);
    expect(map(claims({ realm_access: null })).roles).toEqual([]);
  });

  it('never follows inherited properties along a path', () => {
    expect(mapper({ rolesClaim: 'constructor.name' })(claims()).roles).toEqual([]);
    expect(mapper({ rolesClaim: '__proto__.roles' })(claims()).roles).toEqual([]);
    expect(mapper({ usernameClaim: 'toString' })(claims()).username).toBe('f3b1c2d4');
  });

  it.each<[string, unknown]>([
    ['a string', 'admin'],
    ['an object', { admin: true }],
    ['a list with a non-string', ['user', 1]],
    ['a list with null', [null]],
    ['a list of lists', [['admin']]],
    ['null', null],
    ['a number', 7],
  ])('refuses roles that are %s', (_name, roles) => {
    refused(() => mapper()(claims({ roles })));
    refused(() =>
      mapper({ rolesClaim: 'realm_access.roles' })(claims({ realm_access: { roles } })),
    );
  });

  it.each<[string, unknown]>([
    ['a number', 42],
    ['an empty string', ''],
    ['null', null],
    ['a list', ['alice']],
  ])('refuses a username claim that is %s', (_name, username) => {
    refused(() => mapper()(claims({ preferred_username: username })));
  });

  describe('refuses ID tokens', () => {
    it.each<[string, Record<string, unknown>]>([
      ['a nonce claim', { nonce: 'n-0S6_WzA2Mj' }],
      ['an empty nonce claim', { nonce: '' }],
      ['an at_hash claim', { at_hash: 'HK6E_P6Dh8Y93mRNtsDB1Q' }],
      ['a c_hash claim', { c_hash: 'LDktKdoQak3Pk0cnXxCltA' }],
      ["Keycloak's typ: ID claim", { typ: 'ID' }],
      ["Keycloak's typ: id claim (any case)", { typ: 'id' }],
    ])('with %s', (_name, extra) => {
      refused(() => mapper()(claims(extra)));
    });

    it('whose aud names only client ids', () => {
      const map = mapper({ clientIds: ['acme-web', 'acme-mobile'] });
      refused(() => map(claims({ aud: 'acme-web' })));
      refused(() => map(claims({ aud: ['acme-web', 'acme-mobile'] })));
      expect(map(claims({ aud: ['acme-web', 'orders-api'] })).id).toBe('f3b1c2d4');
      expect(map(claims({ aud: 'orders-api' })).id).toBe('f3b1c2d4');
    });

    it('while accepting Keycloak access tokens (typ: Bearer claim, azp = client id)', () => {
      const map = mapper({ clientIds: ['acme-web'] });
      expect(map(claims({ typ: 'Bearer', azp: 'acme-web' })).id).toBe('f3b1c2d4');
    });
  });
});

describe('isIdToken', () => {
  it('is false for a plain access token, with or without client ids', () => {
    expect(isIdToken(claims(), [])).toBe(false);
    expect(isIdToken(claims(), ['acme-web'])).toBe(false);
    expect(isIdToken(claims({ aud: [] }), ['acme-web'])).toBe(false);
  });
});

describe('createExternalIssuerVerifiers', () => {
  it('builds no verifier for no issuer', () => {
    expect(createExternalIssuerVerifiers([])).toEqual([]);
  });

  it('builds one verifier per issuer with its own checks, key source and principal mapping', async () => {
    const issuers = resolveExternalIssuersOptions(
      [
        base,
        {
          issuer: 'https://acme.eu.auth0.com/',
          jwksUri: 'https://acme.eu.auth0.com/.well-known/jwks.json',
          audience: ['https://orders.acme.com', 'https://billing.acme.com'],
          algorithms: ['PS256'],
          acceptedTypes: ['at+jwt'],
          clockSkewSeconds: 5,
          rolesClaim: 'https://acme.com/roles',
        },
      ],
      'production',
    );
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const fetched: string[] = [];
    const fetchStub: typeof fetch = (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      fetched.push(url);
      return Promise.resolve(
        Response.json({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }),
      );
    };
    const [keycloak, auth0] = createExternalIssuerVerifiers(issuers, { fetch: fetchStub });

    expect(keycloak).toMatchObject({
      issuer: ISSUER,
      audience: ['orders-api'],
      algorithms: ['RS256', 'ES256'],
      acceptedTypes: ['at+jwt', 'application/at+jwt', 'jwt'],
      clockSkewSeconds: 30,
    });
    expect(auth0).toMatchObject({
      issuer: 'https://acme.eu.auth0.com/',
      audience: ['https://orders.acme.com', 'https://billing.acme.com'],
      algorithms: ['PS256'],
      acceptedTypes: ['at+jwt'],
      clockSkewSeconds: 5,
    });

    const key = await auth0?.keySource.verificationKey('k1', 'PS256');
    expect(key?.export({ format: 'der', type: 'spki' })).toEqual(
      publicKey.export({ format: 'der', type: 'spki' }),
    );
    expect(fetched).toEqual(['https://acme.eu.auth0.com/.well-known/jwks.json']);

    const principal = await auth0?.toPrincipal(
      claims({ iss: 'https://acme.eu.auth0.com/', 'https://acme.com/roles': ['admin'] }),
      request,
    );
    expect(principal).toEqual({
      id: 'f3b1c2d4',
      username: 'f3b1c2d4',
      roles: ['admin'],
      authMethod: 'jwt',
    });
    expect(() => keycloak?.toPrincipal(claims({ nonce: 'n' }), request)).toThrow(
      InvalidTokenException,
    );
  });
});
