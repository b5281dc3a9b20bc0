import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { readHttpUrl, type HttpUrlOption } from './read-http-url';

const OPTION: HttpUrlOption = {
  example: 'https://sso.example.com/certs',
  httpRisk: 'the keys could be substituted',
};
const read = (value: unknown, environment: 'production' | 'development' = 'production'): URL =>
  readHttpUrl(value, 'x.url', environment, OPTION);

describe('readHttpUrl', () => {
  it('accepts an absolute https: URL, and http: on loopback hosts in production', () => {
    expect(read('https://sso.example.com/certs').href).toBe('https://sso.example.com/certs');
    for (const url of ['http://localhost:8080/c', 'http://127.0.0.9/c', 'http://[::1]/c']) {
      expect(read(url).href).toBe(url);
    }
  });

  it('accepts plain http: to any host outside production', () => {
    expect(read('http://sso.internal/certs', 'development').protocol).toBe('http:');
  });

  it.each<[string, unknown, RegExp]>([
    ['a relative URL', '/certs', /"x\.url" is not an absolute URL/],
    ['a host without a scheme', 'sso.example.com', /is not an absolute URL/],
    ['another scheme', 'ftp://sso.example.com/c', /must be an https: URL, got the scheme "ftp:"/],
    ['credentials', 'https://u:p@sso.example.com/c', /contains a user name or password/],
    [
      'http: to another host in production',
      'http://sso.example.com/c',
      /plain http: in production, so the keys could be substituted/,
    ],
    ['http: to 128.0.0.1 in production', 'http://128.0.0.1/c', /plain http: in production/],
    ['not a string', 42, /"x\.url"/],
  ])('refuses %s, naming the option and the fix', (_case, value, message) => {
    expect(() => read(value)).toThrow(SecurityConfigurationError);
    expect(() => read(value)).toThrow(message);
  });

  it('refuses a #fragment only when the option says why', () => {
    expect(read('https://sso.example.com/c#k').hash).toBe('#k');
    expect(() =>
      readHttpUrl('https://sso.example.com/c#k', 'x.url', 'production', {
        ...OPTION,
        fragmentRefused: 'OpenID Connect forbids here',
      }),
    ).toThrow(/has a #fragment, which OpenID Connect forbids here/);
  });
});
