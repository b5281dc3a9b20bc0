import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { resolveSecurityOptions } from './resolve-security-options';

describe('resolveSecurityOptions', () => {
  it.each([[[]], ['jwt'], [1], [true]])(
    'refuses options that are not a plain object: %j',
    (raw) => {
      expect(() => resolveSecurityOptions(raw)).toThrow(SecurityConfigurationError);
      expect(() => resolveSecurityOptions(raw)).toThrow(/plain object/);
    },
  );

  it.each([
    ['production', 'production'],
    ['test', 'test'],
    ['development', 'development'],
    ['staging', 'development'],
    [undefined, 'development'],
  ])('derives the environment from NODE_ENV=%s', (nodeEnv, environment) => {
    const saved = process.env.NODE_ENV;
    try {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
      expect(resolveSecurityOptions({}).environment).toBe(environment);
    } finally {
      process.env.NODE_ENV = saved;
    }
  });

  it('suggests the option a typo meant', () => {
    expect(() => resolveSecurityOptions({ header: {} })).toThrow(/did you mean `headers`\?/);
    expect(() => resolveSecurityOptions({ environment: 'prod' })).toThrow(
      /did you mean 'production'\?/,
    );
  });

  it('refuses an external issuer that repeats jwt.issuer', () => {
    expect(() =>
      resolveSecurityOptions({
        environment: 'test',
        jwt: { issuer: 'https://same.test', audience: 'api' },
        externalIssuers: [
          { issuer: 'https://same.test', jwksUri: 'http://127.0.0.1:1/jwks', audience: 'api' },
        ],
      }),
    ).toThrow(/"externalIssuers\[0\]\.issuer" repeats jwt\.issuer/);
  });
});
