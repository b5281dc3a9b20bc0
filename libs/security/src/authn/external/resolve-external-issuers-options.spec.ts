import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { resolveSecurityOptions } from '../../core/resolve-security-options';
import { resolveExternalIssuersOptions } from './resolve-external-issuers-options';

const base = {
  issuer: 'https://sso.example.com/realms/acme',
  jwksUri: 'https://sso.example.com/realms/acme/protocol/openid-connect/certs',
  audience: 'orders-api',
};

/** The configuration error `run` throws (fails the test when it throws nothing or another error). */
function errorOf(run: () => unknown): SecurityConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a SecurityConfigurationError');
}

const oneIssuer = (overrides: Record<string, unknown>, environment = 'production' as const) =>
  errorOf(() => resolveExternalIssuersOptions([{ ...base, ...overrides }], environment));

describe('resolveExternalIssuersOptions', () => {
  it('resolves to [] when omitted or empty', () => {
    expect(resolveExternalIssuersOptions(undefined, 'production')).toEqual([]);
    expect(resolveExternalIssuersOptions([], 'production')).toEqual([]);
  });

  it('fills every default', () => {
    expect(resolveExternalIssuersOptions([base], 'production')).toEqual([
      {
        issuer: base.issuer,
        jwksUri: base.jwksUri,
        audience: ['orders-api'],
        clientIds: [],
        algorithms: ['RS256', 'ES256'],
        acceptedTypes: ['at+jwt', 'application/at+jwt', 'jwt'],
        clockSkewSeconds: 30,
        usernameClaim: 'preferred_username',
        rolesClaim: 'roles',
        jwksCacheSeconds: 600,
        jwksMinRefetchIntervalSeconds: 30,
        jwksTimeoutMs: 3000,
      },
    ]);
  });

  it('keeps every given value, normalised (lists without repeats, types lower case)', () => {
    const [resolved] = resolveExternalIssuersOptions(
      [
        {
          ...base,
          audience: ['orders-api', 'billing-api', 'orders-api'],
          clientIds: ['acme-web', 'acme-web'],
          algorithms: ['PS384', 'ES512', 'PS384'],
          acceptedTypes: ['AT+JWT', 'application/at+jwt'],
          clockSkewSeconds: 0,
          usernameClaim: 'email',
          rolesClaim: 'realm_access.roles',
          jwksCacheSeconds: 3600,
          jwksMinRefetchIntervalSeconds: 60,
          jwksTimeoutMs: 500,
        },
      ],
      'production',
    );
    expect(resolved).toEqual({
      issuer: base.issuer,
      jwksUri: base.jwksUri,
      audience: ['orders-api', 'billing-api'],
      clientIds: ['acme-web'],
      algorithms: ['PS384', 'ES512'],
      acceptedTypes: ['at+jwt', 'application/at+jwt'],
      clockSkewSeconds: 0,
      usernameClaim: 'email',
      rolesClaim: 'realm_access.roles',
      jwksCacheSeconds: 3600,
      jwksMinRefetchIntervalSeconds: 60,
      jwksTimeoutMs: 500,
    });
  });

  it('returns deeply frozen issuers', () => {
    const resolved = resolveExternalIssuersOptions([base], 'production');
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved[0])).toBe(true);
    expect(Object.isFrozen(resolved[0]?.audience)).toBe(true);
    expect(Object.isFrozen(resolved[0]?.algorithms)).toBe(true);
    expect(Object.isFrozen(resolved[0]?.acceptedTypes)).toBe(true);
    expect(Object.isFrozen(resolved[0]?.clientIds)).toBe(true);
  });

  it('raises the default cache lifetime to a longer re-fetch interval', () => {
    const [resolved] = resolveExternalIssuersOptions(
      [{ ...base, jwksMinRefetchIntervalSeconds: 900 }],
      'production',
    );
    expect(resolved?.jwksCacheSeconds).toBe(900);
  });

  it('defaults to production rules when no environment is given', () => {
    expect(() =>
      resolveExternalIssuersOptions([{ ...base, jwksUri: 'http://sso.example.com/certs' }]),
    ).toThrow(/plain http: in production/);
  });

  describe('jwksUri', () => {
    it.each([
      'http://localhost:8080/certs',
      'http://127.0.0.1:8080/certs',
      'http://127.10.0.3/certs',
      'http://[::1]:8080/certs',
    ])('accepts the loopback http: URL %s in production', (jwksUri) => {
      expect(resolveExternalIssuersOptions([{ ...base, jwksUri }], 'production')[0]?.jwksUri).toBe(
        new URL(jwksUri).href,
      );
    });

    it.each(['development', 'test'] as const)('accepts any http: URL in %s', (environment) => {
      const jwksUri = 'http://keycloak:8080/realms/acme/protocol/openid-connect/certs';
      expect(resolveExternalIssuersOptions([{ ...base, jwksUri }], environment)[0]?.jwksUri).toBe(
        jwksUri,
      );
    });

    it.each<[string, unknown, RegExp]>([
      [
        'plain http: to a remote host',
        'http://sso.example.com/certs',
        /plain http: in production.*use https:/,
      ],
      [
        'http: to a host that merely starts with 127',
        'http://127.0.0.1.evil.test/certs',
        /plain http: in production/,
      ],
      [
        'http: to localhost look-alike',
        'http://localhost.evil.test/certs',
        /plain http: in production/,
      ],
      [
        'another scheme',
        'ftp://sso.example.com/certs',
        /must be an https: URL, got the scheme "ftp:"/,
      ],
      ['a file: URL', 'file:///etc/jwks.json', /must be an https: URL/],
      ['a relative URL', '/certs', /is not an absolute URL/],
      ['not a URL', 'sso.example.com', /is not an absolute URL/],
      [
        'credentials in the URL',
        'https://user:pass@sso.example.com/certs',
        /user name or password/,
      ],
      ['surrounding spaces', ' https://sso.example.com/certs', /non-empty string/],
      ['an empty string', '', /non-empty string/],
      ['a number', 123, /non-empty string without surrounding spaces, got the number 123/],
      ['null', null, /got null/],
      ['an array', [], /got an array/],
      ['an object (a URL instance)', new URL('https://sso.example.com/certs'), /got object/],
    ])('refuses %s', (_name, jwksUri, message) => {
      const error = oneIssuer({ jwksUri });
      expect(error.option).toBe('externalIssuers[0].jwksUri');
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('pass@');
    });
  });

  describe('algorithms', () => {
    it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'])(
      'accepts %s',
      (algorithm) => {
        expect(
          resolveExternalIssuersOptions([{ ...base, algorithms: [algorithm] }], 'production')[0]
            ?.algorithms,
        ).toEqual([algorithm]);
      },
    );

    it.each<[string, unknown, string, RegExp]>([
      [
        'HS256',
        ['RS256', 'HS256'],
        'algorithms[1]',
        /symmetric algorithm HS256.*HMAC with a public key/,
      ],
      ['hs512 (any case)', ['hs512'], 'algorithms[0]', /symmetric algorithm hs512/],
      [
        'EdDSA',
        ['EdDSA'],
        'algorithms[0]',
        /EdDSA, which the verifier \(jsonwebtoken 9\) does not implement/,
      ],
      ['none', ['none'], 'algorithms[0]', /must be one of 'RS256'/],
      ['a typo', ['RS265'], 'algorithms[0]', /did you mean 'RS256'\?/],
      ['lower-case rs256', ['rs256'], 'algorithms[0]', /must be one of/],
      ['a string instead of a list', 'RS256', 'algorithms', /non-empty array, got a string/],
      ['an empty list', [], 'algorithms', /non-empty array, got an array/],
      ['null', null, 'algorithms', /non-empty array, got null/],
      ['a number in the list', [256], 'algorithms[0]', /got the number 256/],
    ])('refuses %s', (_name, algorithms, path, message) => {
      const error = oneIssuer({ algorithms });
      expect(error.option).toBe(`externalIssuers[0].${path}`);
      expect(error.message).toMatch(message);
    });
  });

  describe('audience, clientIds and acceptedTypes', () => {
    it.each<[string, Record<string, unknown>, string, RegExp]>([
      ['a missing audience', { audience: undefined }, 'audience', /is required/],
      ['an empty audience', { audience: '' }, 'audience', /non-empty string/],
      ['an empty audience list', { audience: [] }, 'audience', /non-empty array/],
      ['a null audience', { audience: null }, 'audience', /got null/],
      ['a numeric audience', { audience: 123 }, 'audience', /got the number 123/],
      ['a non-string audience item', { audience: ['api', 7] }, 'audience[1]', /got the number 7/],
      [
        'clientIds as a string',
        { clientIds: 'acme-web' },
        'clientIds',
        /must be an array of strings, got a string/,
      ],
      ['clientIds null', { clientIds: null }, 'clientIds', /got null/],
      ['a blank client id', { clientIds: [' '] }, 'clientIds[0]', /non-empty string/],
      [
        'an audience that is a client id',
        { audience: ['orders-api', 'acme-web'], clientIds: ['acme-web'] },
        'audience',
        /contains the client id 'acme-web', so the ID tokens/,
      ],
      ['empty acceptedTypes', { acceptedTypes: [] }, 'acceptedTypes', /non-empty array/],
      [
        'acceptedTypes as a string',
        { acceptedTypes: 'jwt' },
        'acceptedTypes',
        /non-empty array, got a string/,
      ],
      [
        'a type with spaces',
        { acceptedTypes: ['at jwt'] },
        'acceptedTypes[0]',
        /is not a media type/,
      ],
      [
        'a type with a parameter',
        { acceptedTypes: ['jwt;q=1'] },
        'acceptedTypes[0]',
        /is not a media type/,
      ],
      ['a null type', { acceptedTypes: [null] }, 'acceptedTypes[0]', /got null/],
    ])('refuses %s', (_name, overrides, path, message) => {
      const error = oneIssuer(overrides);
      expect(error.option).toBe(`externalIssuers[0].${path}`);
      expect(error.message).toMatch(message);
    });

    it('accepts an empty clientIds list', () => {
      expect(
        resolveExternalIssuersOptions([{ ...base, clientIds: [] }], 'production')[0]?.clientIds,
      ).toEqual([]);
    });
  });

  describe('claims', () => {
    it.each([
      'roles',
      'realm_access.roles',
      'resource_access.orders-api.roles',
      'https://acme.com/roles',
    ])('accepts the roles claim %s', (rolesClaim) => {
      expect(
        resolveExternalIssuersOptions([{ ...base, rolesClaim }], 'production')[0]?.rolesClaim,
      ).toBe(rolesClaim);
    });

    it.each<[string, unknown, RegExp]>([
      ['an empty path segment', 'realm_access..roles', /empty segment/],
      ['a trailing dot', 'realm_access.', /empty segment/],
      ['a leading dot', '.roles', /empty segment/],
      ['an empty string', '', /non-empty string/],
      ['an array path', ['realm_access', 'roles'], /got an array/],
      ['null', null, /got null/],
    ])('refuses %s', (_name, claim, message) => {
      for (const key of ['rolesClaim', 'usernameClaim']) {
        const error = oneIssuer({ [key]: claim });
        expect(error.option).toBe(`externalIssuers[0].${key}`);
        expect(error.message).toMatch(message);
      }
    });
  });

  describe('numbers', () => {
    const invalid: [string, unknown, RegExp][] = [
      ['-0', -0, /got -0/],
      ['NaN', Number.NaN, /got NaN/],
      ['Infinity', Number.POSITIVE_INFINITY, /got Infinity/],
      ['-Infinity', Number.NEGATIVE_INFINITY, /got -Infinity/],
      ['a numeric string', '123', /got a string/],
      ['null', null, /got null/],
      ['an array', [], /got an array/],
      ['a boolean', true, /got boolean/],
      ['a fraction', 1.5, /whole number/],
    ];
    const ranges: [string, number, number][] = [
      ['clockSkewSeconds', 0, 300],
      ['jwksCacheSeconds', 30, 86_400],
      ['jwksMinRefetchIntervalSeconds', 1, 3600],
      ['jwksTimeoutMs', 100, 60_000],
    ];

    describe.each(ranges)('%s', (key, min, max) => {
      it.each(invalid)('refuses %s', (_name, value, message) => {
        const error = oneIssuer({ [key]: value });
        expect(error.option).toBe(`externalIssuers[0].${key}`);
        expect(error.message).toMatch(message);
      });

      it(`accepts ${min} to ${max} and refuses values outside`, () => {
        for (const value of [min, max]) {
          expect(
            resolveExternalIssuersOptions([{ ...base, [key]: value }], 'production')[0]?.[
              key as 'jwksTimeoutMs'
            ],
          ).toBe(value);
        }
        expect(oneIssuer({ [key]: min - 1 }).message).toMatch(/must be at least|shorter than/);
        expect(oneIssuer({ [key]: max + 1 }).message).toMatch(/must be at most/);
      });
    });

    it('accepts a one-second cache with a one-second re-fetch interval (the least of both)', () => {
      const [resolved] = resolveExternalIssuersOptions(
        [{ ...base, jwksCacheSeconds: 1, jwksMinRefetchIntervalSeconds: 1 }],
        'production',
      );
      expect(resolved?.jwksCacheSeconds).toBe(1);
      expect(oneIssuer({ jwksCacheSeconds: 0, jwksMinRefetchIntervalSeconds: 1 }).message).toMatch(
        /must be at least 1 seconds/,
      );
    });

    it('refuses a cache lifetime shorter than the re-fetch interval', () => {
      const error = oneIssuer({ jwksCacheSeconds: 10, jwksMinRefetchIntervalSeconds: 20 });
      expect(error.option).toBe('externalIssuers[0].jwksCacheSeconds');
      expect(error.message).toMatch(/shorter than jwksMinRefetchIntervalSeconds/);
    });
  });

  describe('structure', () => {
    it.each<[string, unknown, string, RegExp]>([
      ['an object instead of a list', base, 'externalIssuers', /must be an array, got object/],
      ['a string', 'https://sso.example.com', 'externalIssuers', /must be an array, got a string/],
      ['null', null, 'externalIssuers', /must be an array, got null/],
      ['a number', 123, 'externalIssuers', /got the number 123/],
      ['a null entry', [null], 'externalIssuers[0]', /plain object, got null/],
      ['an array entry', [[]], 'externalIssuers[0]', /plain object, got an array/],
      ['a string entry', ['https://sso.example.com'], 'externalIssuers[0]', /plain object/],
      [
        'a class instance',
        [
          new (class Options {
            readonly issuer = base.issuer;
          })(),
        ],
        'externalIssuers[0]',
        /plain object/,
      ],
    ])('refuses %s', (_name, raw, path, message) => {
      const error = errorOf(() => resolveExternalIssuersOptions(raw, 'production'));
      expect(error.option).toBe(path);
      expect(error.message).toMatch(message);
    });

    it.each<[string, string, RegExp]>([
      ['jwksUrl', 'externalIssuers[0].jwksUrl', /did you mean `jwksUri`\?/],
      ['audiences', 'externalIssuers[0].audiences', /did you mean `audience`\?/],
      ['roleClaim', 'externalIssuers[0].roleClaim', /did you mean `rolesClaim`\?/],
      [
        'jwksCacheSecond',
        'externalIssuers[0].jwksCacheSecond',
        /did you mean `jwksCacheSeconds`\?/,
      ],
      ['secret', 'externalIssuers[0].secret', /not a known option/],
    ])('refuses the unknown key %s', (key, path, message) => {
      const error = oneIssuer({ [key]: 'x' });
      expect(error.option).toBe(path);
      expect(error.message).toMatch(message);
    });

    it.each(['issuer', 'jwksUri', 'audience'])('requires %s', (key) => {
      const error = oneIssuer({ [key]: undefined });
      expect(error.option).toBe(`externalIssuers[0].${key}`);
      expect(error.message).toMatch(/is required\. Fix: set it to/);
    });

    it('names the index of the faulty entry', () => {
      const error = errorOf(() =>
        resolveExternalIssuersOptions(
          [base, { ...base, issuer: 'https://other.test', jwksUri: 'nope' }],
          'production',
        ),
      );
      expect(error.option).toBe('externalIssuers[1].jwksUri');
    });

    it('refuses the same issuer twice', () => {
      const error = errorOf(() =>
        resolveExternalIssuersOptions([base, { ...base, audience: 'other' }], 'production'),
      );
      expect(error.option).toBe('externalIssuers[1].issuer');
      expect(error.message).toMatch(
        /repeats the issuer "https:\/\/sso\.example\.com\/realms\/acme"/,
      );
    });

    it('treats issuers differing by a trailing slash as distinct (iss is compared exactly)', () => {
      expect(
        resolveExternalIssuersOptions([base, { ...base, issuer: `${base.issuer}/` }], 'production'),
      ).toHaveLength(2);
    });
  });

  it('is wired into resolveSecurityOptions with the module environment', () => {
    const jwksUri = 'http://keycloak:8080/certs';
    expect(
      resolveSecurityOptions({
        environment: 'development',
        externalIssuers: [{ ...base, jwksUri }],
      }).externalIssuers[0]?.jwksUri,
    ).toBe(jwksUri);
    expect(() =>
      resolveSecurityOptions({
        environment: 'production',
        externalIssuers: [{ ...base, jwksUri }],
      }),
    ).toThrow(/"externalIssuers\[0\]\.jwksUri" uses plain http: in production/);
  });
});
