import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { resolveSessionOptions } from './resolve-session-options';

describe('resolveSessionOptions', () => {
  it('is off when omitted', () => {
    expect(resolveSessionOptions(undefined, 'production')).toBeUndefined();
  });

  it('fills every default', () => {
    expect(resolveSessionOptions({}, 'production')).toEqual({
      cookieName: 'rampart-session',
      secureCookieName: '__Host-rampart-session',
      sameSite: 'lax',
      idleTimeoutMs: 1_800_000,
      absoluteTimeoutMs: 28_800_000,
      touchIntervalMs: 60_000,
      maxPerUser: undefined,
      limitPolicy: 'evict-oldest',
      localCacheTtlMs: 2_000,
      csrf: { trustedOrigins: [], headerName: 'x-csrf-token', fieldName: '_csrf' },
      allowInsecureHttp: false,
    });
  });

  it('takes valid values', () => {
    expect(
      resolveSessionOptions(
        {
          cookieName: 'sid',
          sameSite: 'strict',
          idleTimeoutSeconds: 600,
          absoluteTimeoutSeconds: 3_600,
          touchIntervalSeconds: 0,
          maxPerUser: 3,
          limitPolicy: 'reject-new',
          localCacheTtlMs: 0,
          csrf: {
            trustedOrigins: ['https://admin.example.com'],
            headerName: 'X-XSRF',
            fieldName: 'csrf',
          },
        },
        'test',
      ),
    ).toMatchObject({
      secureCookieName: '__Host-sid',
      idleTimeoutMs: 600_000,
      touchIntervalMs: 0,
      maxPerUser: 3,
      limitPolicy: 'reject-new',
      csrf: {
        trustedOrigins: ['https://admin.example.com'],
        headerName: 'x-xsrf',
        fieldName: 'csrf',
      },
    });
  });

  it.each([
    [{ cookeName: 'x' }, 'session.cookeName', 'did you mean'],
    [{ cookieName: '__Host-sid' }, 'session.cookieName', 'without a __Host-'],
    [{ cookieName: 'a b' }, 'session.cookieName', 'plain cookie name'],
    [{ cookieName: '' }, 'session.cookieName', 'non-empty'],
    [{ sameSite: 'Lax' }, 'session.sameSite', "did you mean 'lax'"],
    [{ idleTimeoutSeconds: 59 }, 'session.idleTimeoutSeconds', 'at least 60'],
    [{ idleTimeoutSeconds: '1800' }, 'session.idleTimeoutSeconds', 'finite number'],
    [{ idleTimeoutSeconds: Number.NaN }, 'session.idleTimeoutSeconds', 'finite number'],
    [
      { idleTimeoutSeconds: Number.POSITIVE_INFINITY },
      'session.idleTimeoutSeconds',
      'finite number',
    ],
    [{ idleTimeoutSeconds: -0 }, 'session.idleTimeoutSeconds', 'finite number'],
    [{ idleTimeoutSeconds: 90.5 }, 'session.idleTimeoutSeconds', 'whole number'],
    [
      { idleTimeoutSeconds: 3_600, absoluteTimeoutSeconds: 1_800 },
      'session.absoluteTimeoutSeconds',
      'shorter',
    ],
    [
      { idleTimeoutSeconds: 120, touchIntervalSeconds: 120 },
      'session.touchIntervalSeconds',
      'not below',
    ],
    [{ maxPerUser: 0 }, 'session.maxPerUser', 'at least 1'],
    [{ maxPerUser: null }, 'session.maxPerUser', 'finite number'],
    [{ limitPolicy: 'evict' }, 'session.limitPolicy', "did you mean 'evict-oldest'"],
    [{ localCacheTtlMs: 60_001 }, 'session.localCacheTtlMs', 'at most 60000'],
    [{ csrf: { trustedOrigins: 'https://a.example' } }, 'session.csrf.trustedOrigins', 'array'],
    [
      { csrf: { trustedOrigins: ['https://a.example/'] } },
      'session.csrf.trustedOrigins[0]',
      'not an origin',
    ],
    [
      { csrf: { trustedOrigins: ['ftp://a.example'] } },
      'session.csrf.trustedOrigins[0]',
      'not an origin',
    ],
    [{ csrf: { headerName: 'x y' } }, 'session.csrf.headerName', 'not a valid name'],
    [{ csrf: { header: 'x' } }, 'session.csrf.header', 'did you mean'],
    [
      { dangerouslyAllowInsecureHttp: 'yes' },
      'session.dangerouslyAllowInsecureHttp',
      'true or false',
    ],
    [[], 'session', ''],
  ])('refuses %j naming %s', (raw, path, fragment) => {
    let error: unknown;
    try {
      resolveSessionOptions(raw, 'development');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecurityConfigurationError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(fragment);
  });

  it('refuses the insecure-HTTP development mode in production, with the fix', () => {
    expect(() =>
      resolveSessionOptions({ dangerouslyAllowInsecureHttp: true }, 'production'),
    ).toThrow(/session\.dangerouslyAllowInsecureHttp.*production.*serve the app over HTTPS/s);
    expect(
      resolveSessionOptions({ dangerouslyAllowInsecureHttp: true }, 'development'),
    ).toMatchObject({
      allowInsecureHttp: true,
    });
  });
});
