import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Authenticator } from '../authenticator.interface';
import { SecurityModule } from '../../core/security.module';
import type { SecurityModuleOptions } from '../../core/security-module-options.interface';
import { SECURITY_AUTHENTICATORS } from '../../core/security.tokens';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { SecurityUser, UserProvider } from '../user-provider.interface';

@Injectable()
class PasswordOnlyUsers implements UserProvider {
  findById(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }
  verifyCredentials(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }
}

@Injectable()
class CertificateUsers extends PasswordOnlyUsers {
  findByCertificate(): Promise<SecurityUser | undefined> {
    return Promise.resolve(undefined);
  }
}

const options: SecurityModuleOptions = {
  environment: 'test',
  jwt: { issuer: 'https://issuer.test', audience: 'api.test' },
  mtls: { trustedProxies: ['10.0.0.0/8'] },
};

describe('SecurityModule with mtls', () => {
  it('puts the mTLS authenticator first, before bearer JWT', async () => {
    const ref = await Test.createTestingModule({
      imports: [SecurityModule.forRoot({ ...options, userProvider: CertificateUsers })],
    }).compile();
    const authenticators = ref.get<readonly Authenticator[]>(SECURITY_AUTHENTICATORS);
    expect(authenticators.map((authenticator) => authenticator.method)).toEqual(['mtls', 'jwt']);
    await ref.close();
  });

  it.each([
    ['no user provider', {}],
    ['a user provider without findByCertificate', { userProvider: PasswordOnlyUsers }],
  ])('stops start-up with %s', async (_name, extras) => {
    const compiling = Test.createTestingModule({
      imports: [SecurityModule.forRoot({ ...options, ...extras })],
    }).compile();
    await expect(compiling).rejects.toBeInstanceOf(SecurityConfigurationError);
    await expect(compiling).rejects.toMatchObject({ option: 'mtls' });
  });

  it('stops start-up on an invalid mtls option, naming it', async () => {
    const compiling = Test.createTestingModule({
      imports: [
        SecurityModule.forRoot({
          ...options,
          mtls: { trustedProxies: ['10.0.0.0/0'] },
          userProvider: CertificateUsers,
        }),
      ],
    }).compile();
    await expect(compiling).rejects.toMatchObject({ option: 'mtls.trustedProxies[0]' });
  });
});
