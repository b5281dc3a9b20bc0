import { resolveSecurityOptions } from '../../core/resolve-security-options';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { resolveOidcOptions } from './resolve-oidc-options';

const base = {
  issuer: 'https://sso.example.com/realms/acme',
  clientId: 'acme-web',
  clientSecret: 'a-client-secret',
  redirectUri: 'https://app.example.com/auth/oidc/callback',
};

function errorOf(run: () => unknown): SecurityConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a SecurityConfigurationError');
}

const provider = (overrides: Record<string, unknown>, environment = 'production' as const) =>
  errorOf(() => resolveOidcOptions({ providers: [{ ...base, ...overrides }] }, environment));

describe('resolveOidcOptions', () => {
  it('is undefined when omitted', () => {
    expect(resolveOidcOptions(undefined, 'production')).toBeUndefined();
  });

  it('fills every default', () => {
    expect(resolveOidcOptions({ providers: [base] }, 'production')).toEqual({
      providers: [
        {
          name: 'default',
          issuer: base.issuer,
          clientId: base.clientId,
          clientSecret: base.clientSecret,
          redirectUri: base.redirectUri,
          postLogoutRedirectUri: undefined,
          postLoginRedirectPath: '/',
          scopes: ['profile', 'email'],
          algorithms: ['RS256', 'ES256'],
          clockSkewSeconds: 30,
          maxIdTokenAgeSeconds: 600,
          fetchUserInfo: true,
          httpTimeoutMs: 5000,
        },
      ],
      stateTtlMs: 600_000,
      cookieName: 'rampart-oidc',
      secureCookieName: '__Host-rampart-oidc',
    });
  });

  it('keeps given values, drops a repeated openid scope', () => {
    const resolved = resolveOidcOptions(
      {
        providers: [
          {
            ...base,
            name: 'keycloak',
            postLogoutRedirectUri: 'https://app.example.com/bye',
            postLoginRedirectPath: '/app',
            scopes: ['openid', 'profile', 'roles'],
            algorithms: ['PS256', 'EdDSA'],
            clockSkewSeconds: 0,
            maxIdTokenAgeSeconds: 30,
            fetchUserInfo: false,
            httpTimeoutMs: 100,
          },
        ],
        stateTtlSeconds: 60,
        cookieName: 'login',
      },
      'production',
    );
    expect(resolved?.providers[0]).toMatchObject({
      name: 'keycloak',
      postLogoutRedirectUri: 'https://app.example.com/bye',
      postLoginRedirectPath: '/app',
      scopes: ['profile', 'roles'],
      algorithms: ['PS256', 'EdDSA'],
      clockSkewSeconds: 0,
      maxIdTokenAgeSeconds: 30,
      fetchUserInfo: false,
      httpTimeoutMs: 100,
    });
    expect(resolved?.stateTtlMs).toBe(60_000);
    expect(resolved?.secureCookieName).toBe('__Host-login');
  });

  it.each(['issuer', 'clientId', 'clientSecret', 'redirectUri'])('requires %s', (key) => {
    const error = provider({ [key]: undefined });
    expect(error.option).toBe(`oidc.providers[0].${key}`);
    expect(error.message).toMatch(/is required\. Fix: /);
  });

  it('requires providers, as a non-empty array', () => {
    expect(errorOf(() => resolveOidcOptions({}, 'production')).option).toBe('oidc.providers');
    expect(errorOf(() => resolveOidcOptions({ providers: [] }, 'production')).option).toBe(
      'oidc.providers',
    );
  });

  it('suggests the right key for a typo', () => {
    expect(provider({ redirectUrl: 'x' }).message).toMatch(/redirectUri/);
    expect(errorOf(() => resolveOidcOptions({ provider: [] }, 'production')).message).toMatch(
      /providers/,
    );
  });

  it.each([
    [
      'a relative redirect URI',
      { redirectUri: '/auth/oidc/callback' },
      'redirectUri',
      /not an absolute URL/,
    ],
    [
      'a javascript: redirect URI',
      { redirectUri: 'javascript:alert(1)' },
      'redirectUri',
      /https: URL/,
    ],
    [
      'a redirect URI with a fragment',
      { redirectUri: 'https://app.example.com/cb#x' },
      'redirectUri',
      /fragment/,
    ],
    [
      'credentials in the issuer',
      { issuer: 'https://u:p@sso.example.com' },
      'issuer',
      /user name or password/,
    ],
    [
      'a query in the issuer',
      { issuer: 'https://sso.example.com/?realm=a' },
      'issuer',
      /query string/,
    ],
    ['plain http in production', { issuer: 'http://sso.example.com' }, 'issuer', /plain http/],
    [
      'plain http redirect in production',
      { redirectUri: 'http://app.example.com/cb' },
      'redirectUri',
      /plain http/,
    ],
    [
      'a relative post-logout URI',
      { postLogoutRedirectUri: '/bye' },
      'postLogoutRedirectUri',
      /absolute/,
    ],
    [
      'an open redirect after login',
      { postLoginRedirectPath: '//evil.example' },
      'postLoginRedirectPath',
      /single "\/"/,
    ],
    [
      'an absolute URL after login',
      { postLoginRedirectPath: 'https://evil.example' },
      'postLoginRedirectPath',
      /single "\/"/,
    ],
    [
      'a backslash after login',
      { postLoginRedirectPath: '/\\evil.example' },
      'postLoginRedirectPath',
      /single "\/"/,
    ],
    ['HS256', { algorithms: ['HS256'] }, 'algorithms[0]', /client secret/],
    ['none', { algorithms: ['none'] }, 'algorithms[0]', /client secret/],
    ['an unknown algorithm', { algorithms: ['RS257'] }, 'algorithms[0]', /did you mean 'RS256'/],
    ['no algorithms', { algorithms: [] }, 'algorithms', /non-empty array/],
    ['a scope with a space', { scopes: ['profile email'] }, 'scopes[0]', /scope token/],
    ['an upper-case name', { name: 'Keycloak' }, 'name', /\[a-z0-9-\]/],
    ['a skew of 301 s', { clockSkewSeconds: 301 }, 'clockSkewSeconds', /at most 300/],
    ['a negative skew', { clockSkewSeconds: -1 }, 'clockSkewSeconds', /at least 0/],
    ['a skew of -0', { clockSkewSeconds: -0 }, 'clockSkewSeconds', /finite number/],
    ['a skew of NaN', { clockSkewSeconds: Number.NaN }, 'clockSkewSeconds', /finite number/],
    ['a skew of Infinity', { clockSkewSeconds: Infinity }, 'clockSkewSeconds', /finite number/],
    ['a skew given as a string', { clockSkewSeconds: '30' }, 'clockSkewSeconds', /finite number/],
    ['a skew of null', { clockSkewSeconds: null }, 'clockSkewSeconds', /finite number/],
    ['a skew of []', { clockSkewSeconds: [] }, 'clockSkewSeconds', /finite number/],
    ['a max age under 30 s', { maxIdTokenAgeSeconds: 29 }, 'maxIdTokenAgeSeconds', /at least 30/],
    ['a fractional timeout', { httpTimeoutMs: 100.5 }, 'httpTimeoutMs', /whole number/],
    ['fetchUserInfo as a string', { fetchUserInfo: 'true' }, 'fetchUserInfo', /true or false/],
    ['an empty client secret', { clientSecret: '' }, 'clientSecret', /non-empty string/],
  ])('refuses %s', (_name, overrides, field, message) => {
    const error = provider(overrides);
    expect(error.option).toBe(`oidc.providers[0].${field}`);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/Fix: /);
  });

  it('never puts the client secret in a message', () => {
    const error = provider({ clientSecret: 'super-secret-value', scopes: 'profile' });
    expect(error.message).not.toContain('super-secret-value');
  });

  it('accepts plain http for loopback in production, and anywhere outside production', () => {
    const loopback = { issuer: 'http://127.0.0.1:8080', redirectUri: 'http://localhost:3000/cb' };
    expect(
      resolveOidcOptions({ providers: [{ ...base, ...loopback }] }, 'production'),
    ).toBeDefined();
    expect(
      resolveOidcOptions(
        {
          providers: [
            { ...base, issuer: 'http://sso.internal', redirectUri: 'http://app.internal/cb' },
          ],
        },
        'development',
      ),
    ).toBeDefined();
  });

  it('requires names when there are several providers, and refuses repeats', () => {
    const other = { ...base, issuer: 'https://accounts.example.org' };
    expect(
      errorOf(() => resolveOidcOptions({ providers: [base, other] }, 'production')).option,
    ).toBe('oidc.providers[0].name');
    expect(
      errorOf(() =>
        resolveOidcOptions(
          {
            providers: [
              { ...base, name: 'a' },
              { ...other, name: 'a' },
            ],
          },
          'production',
        ),
      ).option,
    ).toBe('oidc.providers[1].name');
    expect(
      errorOf(() =>
        resolveOidcOptions(
          {
            providers: [
              { ...base, name: 'a' },
              { ...base, name: 'b' },
            ],
          },
          'production',
        ),
      ).option,
    ).toBe('oidc.providers[1].issuer');
  });

  it.each([
    ['stateTtlSeconds', 59, /at least 60/],
    ['stateTtlSeconds', 3601, /at most 3600/],
    ['cookieName', '__Host-x', /not start with "__"/],
    ['cookieName', 'a;b', /\[A-Za-z0-9_-\]/],
  ])('refuses %s = %p', (key, value, message) => {
    const error = errorOf(() =>
      resolveOidcOptions({ providers: [base], [key]: value }, 'production'),
    );
    expect(error.option).toBe(`oidc.${key}`);
    expect(error.message).toMatch(message);
  });

  it('needs sessions (SecurityModule options)', () => {
    const error = errorOf(() =>
      resolveSecurityOptions({ environment: 'production', oidc: { providers: [base] } }),
    );
    expect(error.option).toBe('oidc');
    expect(error.message).toMatch(/session: \{\}/);
  });

  it('is frozen inside the resolved SecurityModule options', () => {
    const resolved = resolveSecurityOptions({
      environment: 'test',
      session: {},
      oidc: { providers: [base] },
    });
    expect(Object.isFrozen(resolved.oidc)).toBe(true);
    expect(Object.isFrozen(resolved.oidc?.providers[0]?.scopes)).toBe(true);
  });
});
