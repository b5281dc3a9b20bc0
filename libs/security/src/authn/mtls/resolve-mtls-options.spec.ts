import { resolveSecurityOptions } from '../../core/resolve-security-options';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { resolveMtlsOptions, TrustedProxies } from './resolve-mtls-options';

const configurationError = (run: () => unknown): SecurityConfigurationError => {
  try {
    run();
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a SecurityConfigurationError');
};

describe('resolveMtlsOptions', () => {
  it('is undefined (mTLS off) when the option is omitted', () => {
    expect(resolveMtlsOptions(undefined)).toBeUndefined();
  });

  it('fills the defaults: no trusted proxy, header x-client-cert', () => {
    const resolved = resolveMtlsOptions({});
    expect(resolved?.trustedProxies.entries).toEqual([]);
    expect(resolved?.forwardedCertificateHeader).toBe('x-client-cert');
    expect(resolved?.trustedProxies.includes('127.0.0.1')).toBe(false);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved?.trustedProxies)).toBe(true);
    expect(Object.isFrozen(resolved?.trustedProxies.entries)).toBe(true);
  });

  it('lower-cases the header name, as Node does with request headers', () => {
    expect(
      resolveMtlsOptions({ forwardedCertificateHeader: 'X-SSL-Client-Cert' })
        ?.forwardedCertificateHeader,
    ).toBe('x-ssl-client-cert');
  });

  it('does not share state with the caller’s array', () => {
    const proxies = ['10.0.0.7'];
    const resolved = resolveMtlsOptions({ trustedProxies: proxies });
    proxies.push('192.0.2.1');
    expect(resolved?.trustedProxies.entries).toEqual(['10.0.0.7']);
    expect(resolved?.trustedProxies.includes('192.0.2.1')).toBe(false);
  });

  it('gives the same resolved options on every resolution (forRoot and forRootAsync agree)', () => {
    const raw = { mtls: { trustedProxies: ['10.0.0.0/8', '::1'] } };
    expect(resolveSecurityOptions(raw)).toEqual(resolveSecurityOptions(raw));
    expect(resolveSecurityOptions(raw).mtls).not.toEqual(
      resolveSecurityOptions({ mtls: { trustedProxies: ['10.0.0.0/9'] } }).mtls,
    );
  });

  it.each<[string, unknown, RegExp]>([
    [
      'a typo of trustedProxies',
      { trustedProxy: [] },
      /"mtls\.trustedProxy".*did you mean `trustedProxies`/,
    ],
    [
      'a typo of forwardedCertificateHeader',
      { forwardedCertificateHeadr: 'x' },
      /did you mean `forwardedCertificateHeader`/,
    ],
    ['an unrelated key', { requireBoundTokens: true }, /"mtls\.requireBoundTokens" is not a known/],
  ])('refuses %s with a suggestion', (_name, raw, message) => {
    expect(configurationError(() => resolveMtlsOptions(raw)).message).toMatch(message);
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['an array', []],
    ['a string', 'on'],
    ['true', true],
    ['the number 0', 0],
  ])('refuses mtls as %s', (_name, raw) => {
    const error = configurationError(() => resolveMtlsOptions(raw));
    expect(error.option).toBe('mtls');
    expect(error.code).toBe('SECURITY_INVALID_OPTIONS');
  });

  it.each<[string, unknown]>([
    ['a string', '10.0.0.1'],
    ['null', null],
    ['an object', {}],
    ['a number', 1],
  ])('refuses trustedProxies as %s', (_name, trustedProxies) => {
    const error = configurationError(() => resolveMtlsOptions({ trustedProxies }));
    expect(error.option).toBe('mtls.trustedProxies');
    expect(error.message).toMatch(/must be an array/);
  });

  it.each<[unknown, RegExp]>([
    ['', /not an IP address/],
    [' 10.0.0.1', /not an IP address/],
    ['10.0.0.1 ', /not an IP address/],
    ['localhost', /not an IP address/],
    ['10.0.0', /not an IP address/],
    ['256.0.0.1', /not an IP address/],
    ['fe80::1%eth0', /not an IP address/],
    ['10.0.0.0/8/8', /not an IP address/],
    ['10.0.0.0/', /invalid prefix length/],
    ['10.0.0.0/33', /invalid prefix length/],
    ['10.0.0.0/-1', /invalid prefix length/],
    ['10.0.0.0/08', /invalid prefix length/],
    ['10.0.0.0/8.5', /invalid prefix length/],
    ['10.0.0.0/ 8', /invalid prefix length/],
    ['fd00::/129', /invalid prefix length/],
    ['0.0.0.0/0', /trusts every address/],
    ['::/0', /trusts every address/],
    ['10.0.0.0/0', /trusts every address/],
    ['0.0.0.0', /unspecified address/],
    ['::', /unspecified address/],
    [null, /must be a string, got null/],
    [1, /must be a string, got the number 1/],
    [Number.NaN, /must be a string, got NaN/],
    [[], /must be a string, got an array/],
    [{}, /must be a string, got object/],
  ])('refuses the trusted proxy %p', (entry, message) => {
    const error = configurationError(() =>
      resolveMtlsOptions({ trustedProxies: ['10.0.0.7', entry] }),
    );
    expect(error.option).toBe('mtls.trustedProxies[1]');
    expect(error.message).toMatch(message);
  });

  it.each<[unknown, RegExp]>([
    ['', /non-empty string/],
    [' x-client-cert', /non-empty string/],
    ['x client cert', /not an HTTP header name/],
    ['x-client-cert:', /not an HTTP header name/],
    ['x-clïent-cert', /not an HTTP header name/],
    [null, /non-empty string/],
    [1, /non-empty string/],
    [[], /non-empty string/],
  ])('refuses the header name %p', (forwardedCertificateHeader, message) => {
    const error = configurationError(() => resolveMtlsOptions({ forwardedCertificateHeader }));
    expect(error.option).toBe('mtls.forwardedCertificateHeader');
    expect(error.message).toMatch(message);
  });
});

describe('TrustedProxies', () => {
  const proxies = new TrustedProxies(['10.0.0.7', '192.168.0.0/16', '::1', 'fd00::/8']);

  it.each<[string | undefined, boolean]>([
    ['10.0.0.7', true],
    ['::ffff:10.0.0.7', true],
    ['10.0.0.8', false],
    ['192.168.3.4', true],
    ['::ffff:192.168.3.4', true],
    ['192.169.0.1', false],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['fd12:3456::1', true],
    ['fe80::1', false],
    ['127.0.0.1', false],
    ['not an address', false],
    ['', false],
    [undefined, false],
  ])('%p is trusted: %p', (address, trusted) => {
    expect(proxies.includes(address)).toBe(trusted);
  });

  it('trusts nobody when empty', () => {
    expect(new TrustedProxies([]).includes('127.0.0.1')).toBe(false);
  });
});
