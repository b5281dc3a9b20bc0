import type { INestApplicationContext } from '@nestjs/common';
import { TokenService } from '../authn/jwt/token.service';
import { RESOLVED_SECURITY_OPTIONS } from '../core/security.tokens';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { bearer } from './bearer';
import { collectSecurityEvents } from './collect-security-events';
import { mintAccessToken } from './mint-access-token';
import { mintTokenPair } from './mint-token-pair';
import { testingService } from './testing-service';

/** An application context holding only the given providers. */
function contextWith(providers: ReadonlyMap<unknown, unknown>): INestApplicationContext {
  return {
    get: (token: unknown) => {
      if (!providers.has(token)) throw new Error(`no provider for ${String(token)}`);
      return providers.get(token);
    },
  } as unknown as INestApplicationContext;
}

const USER = { id: 'u-1', roles: ['user'] };

describe('testingService', () => {
  it('returns the service of an app that is not in production', () => {
    const tokens = {} as TokenService;
    const app = contextWith(
      new Map<unknown, unknown>([
        [RESOLVED_SECURITY_OPTIONS, { environment: 'test' }],
        [TokenService, tokens],
      ]),
    );
    expect(testingService(app, TokenService)).toBe(tokens);
  });

  it('refuses an app configured for production, in every helper', async () => {
    const app = contextWith(
      new Map<unknown, unknown>([
        [RESOLVED_SECURITY_OPTIONS, { environment: 'production' }],
        [TokenService, {}],
      ]),
    );
    expect(() => testingService(app, TokenService)).toThrow(SecurityConfigurationError);
    expect(() => mintAccessToken(app, USER)).toThrow(/refuses to run/);
    expect(() => bearer(app, USER)).toThrow(/refuses to run/);
    await expect(mintTokenPair(app, USER)).rejects.toThrow(/refuses to run/);
    expect(() => collectSecurityEvents(app)).toThrow(/refuses to run/);
  });

  it('says to import SecurityModule when the app has none', () => {
    const app = contextWith(new Map());
    expect(() => mintAccessToken(app, USER)).toThrow(
      '@rampart/security/testing: SecurityModule is not in this application; import SecurityModule.forRoot(...) in the module under test',
    );
  });
});
