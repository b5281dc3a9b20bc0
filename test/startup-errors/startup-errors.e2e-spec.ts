import { Controller, Get, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  Roles,
  SecurityConfigurationError,
  SecurityModule,
  type SecurityModuleOptions,
} from '@rampart/security';
import { ADAPTERS, startApp } from '../support/apps';
import { es256KeyPair } from '../support/jwt-forge';

const jwt = { issuer: 'https://issuer.test', audience: 'api.test' };

async function bootstrapError(options: unknown): Promise<SecurityConfigurationError> {
  const compiling = Test.createTestingModule({
    imports: [SecurityModule.forRoot(options as SecurityModuleOptions)],
  }).compile();
  const error: unknown = await compiling.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SecurityConfigurationError);
  return error as SecurityConfigurationError;
}

describe('start-up refuses bad configuration with a message naming the option and the fix', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['an unknown top-level key', { jwtt: jwt }, 'jwtt', /did you mean `jwt`\?/],
    ['a misspelt jwt key', { jwt: { ...jwt, isuer: 'x' } }, 'jwt.isuer', /did you mean `issuer`\?/],
    ['a missing issuer', { jwt: { audience: 'api' } }, 'jwt.issuer', /is required/],
    ['a missing audience', { jwt: { issuer: 'https://i' } }, 'jwt.audience', /is required/],
    [
      'a weak HMAC secret',
      { jwt: { ...jwt, keys: [{ kid: 'h', algorithm: 'HS256', secret: 'changeme' }] } },
      'jwt.keys[0].secret',
      /too weak/,
    ],
    [
      'a long but repetitive HMAC secret',
      { jwt: { ...jwt, keys: [{ kid: 'h', algorithm: 'HS256', secret: 'a'.repeat(64) }] } },
      'jwt.keys[0].secret',
      /randomBytes/,
    ],
    [
      'no keys in production',
      { environment: 'production', jwt },
      'jwt.keys',
      /required in production/,
    ],
    [
      'a key that does not fit its algorithm',
      {
        jwt: {
          ...jwt,
          keys: [{ kid: 'k', algorithm: 'ES384', privateKey: es256KeyPair().privatePem }],
        },
      },
      'jwt.keys[0].privateKey',
      /ES384/,
    ],
    [
      'an unreadable PEM',
      {
        jwt: {
          ...jwt,
          keys: [
            {
              kid: 'k',
              privateKey: '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----',
            },
          ],
        },
      },
      'jwt.keys[0].privateKey',
      /PEM/,
    ],
    [
      'a clock skew as a string',
      { jwt: { ...jwt, clockSkewSeconds: '30' } },
      'jwt.clockSkewSeconds',
      /finite number/,
    ],
    [
      'a clock skew of NaN',
      { jwt: { ...jwt, clockSkewSeconds: Number.NaN } },
      'jwt.clockSkewSeconds',
      /NaN/,
    ],
    [
      'a token lifetime of Infinity',
      { jwt: { ...jwt, accessTokenTtlSeconds: Number.POSITIVE_INFINITY } },
      'jwt.accessTokenTtlSeconds',
      /finite number/,
    ],
    [
      'an unknown environment',
      { environment: 'prod' },
      'environment',
      /did you mean 'production'\?/,
    ],
    [
      'a role hierarchy with a cycle',
      { roles: { hierarchy: { a: ['b'], b: ['a'] } } },
      'roles.hierarchy',
      /cycle/,
    ],
    [
      'an implied role that is not declared',
      { roles: { hierarchy: { admin: ['usr'] } } },
      'roles.hierarchy.admin',
      /"usr"/,
    ],
    ['a Redis store without url', { store: { type: 'redis' } }, 'store.url', /is required/],
    ['a store of unknown type', { store: { type: 'mongo' } }, 'store.type', /'memory', 'redis'/],
  ])('%s', async (_name, options, option, message) => {
    const error = await bootstrapError(options);
    expect(error.code).toBe('SECURITY_INVALID_OPTIONS');
    expect(error.option).toBe(option);
    expect(error.message).toContain(`"${option}"`);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('Fix:');
  });

  it('never echoes a secret in the message', async () => {
    const error = await bootstrapError({
      jwt: { ...jwt, keys: [{ kid: 'h', algorithm: 'HS256', secret: 'hunter2hunter2' }] },
    });
    expect(error.message).not.toContain('hunter2');
  });

  @Controller()
  class TypoController {
    @Roles('admn')
    @Get('x')
    x(): string {
      return 'x';
    }
  }
  @Module({ imports: [SecurityModule.forRoot({ jwt })], controllers: [TypoController] })
  class TypoModule {}

  it.each(ADAPTERS)('an undeclared role in @Roles() stops bootstrap (%s)', async (adapter) => {
    const starting = startApp(TypoModule, adapter);
    await expect(starting).rejects.toBeInstanceOf(SecurityConfigurationError);
    await expect(starting).rejects.toThrow(/"admn" used by @Roles\(\) on TypoController\.x/);
  });
});
