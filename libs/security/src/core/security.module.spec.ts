import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync } from 'node:crypto';
import type { ResolvedSecurityOptions } from './resolved-security-options.interface';
import { SecurityModule } from './security.module';
import type { SecurityModuleOptions } from './security-module-options.interface';
import { RESOLVED_SECURITY_OPTIONS } from './security.tokens';

const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

const options: SecurityModuleOptions = {
  environment: 'test',
  jwt: {
    issuer: 'https://issuer.test',
    audience: ['api.test', 'admin.test'],
    keys: [{ kid: 'k1', privateKey }],
    accessTokenTtlSeconds: 600,
  },
  roles: { hierarchy: { owner: ['admin'], admin: ['user'], user: [] } },
  store: { type: 'memory', maxEntries: 5_000 },
};

async function resolvedFrom(
  module: Parameters<typeof Test.createTestingModule>[0]['imports'],
): Promise<ResolvedSecurityOptions> {
  const ref = await Test.createTestingModule({ imports: module }).compile();
  const resolved = ref.get<ResolvedSecurityOptions>(RESOLVED_SECURITY_OPTIONS);
  await ref.close();
  return resolved;
}

@Injectable()
class OptionsFactory {
  createSecurityOptions(): SecurityModuleOptions {
    return options;
  }
}
@Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
class OptionsModule {}

describe('SecurityModule', () => {
  it('resolves the same options with forRoot and every forRootAsync form', async () => {
    const sync = await resolvedFrom([SecurityModule.forRoot(options)]);
    const byFactory = await resolvedFrom([
      SecurityModule.forRootAsync({ useFactory: () => options }),
    ]);
    const byAsyncFactory = await resolvedFrom([
      SecurityModule.forRootAsync({ useFactory: () => Promise.resolve(options) }),
    ]);
    const byClass = await resolvedFrom([
      SecurityModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFactory }),
    ]);
    for (const other of [byFactory, byAsyncFactory, byClass]) {
      expect(other).toEqual(sync);
      expect(other.jwt?.keys?.[0]?.verificationKey.export({ format: 'jwk' })).toEqual(
        sync.jwt?.keys?.[0]?.verificationKey.export({ format: 'jwk' }),
      );
    }
    expect(sync.roles.toJSON()).toEqual({
      owner: ['admin', 'owner', 'user'],
      admin: ['admin', 'user'],
      user: ['user'],
    });
  });

  it('freezes the resolved options', async () => {
    const resolved = await resolvedFrom([SecurityModule.forRoot(options)]);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.jwt)).toBe(true);
    expect(Object.isFrozen(resolved.jwt?.audience)).toBe(true);
    expect(Object.isFrozen(resolved.store)).toBe(true);
  });

  it('fills defaults when given nothing', async () => {
    const resolved = await resolvedFrom([SecurityModule.forRoot({ environment: 'test' })]);
    expect(resolved.jwt).toBeUndefined();
    expect(resolved.store).toEqual({ type: 'memory', maxEntries: 100_000 });
    expect(resolved.roles.toJSON()).toEqual({ admin: ['admin', 'user'], user: ['user'] });
  });
});
