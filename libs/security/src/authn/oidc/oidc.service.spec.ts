import { resolveSecurityOptions } from '../../core/resolve-security-options';
import { systemClock } from '../../core/security-clock';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { MemorySecurityStore } from '../../store/memory-security.store';
import type { SessionRepository } from '../session/session.repository';
import type { SessionService } from '../session/session.service';
import type { UserProvider } from '../user-provider.interface';
import { OidcService } from './oidc.service';

const provider = {
  issuer: 'https://sso.example.com/realms/acme',
  clientId: 'acme-web',
  clientSecret: 'a-client-secret',
  redirectUri: 'https://app.example.com/auth/oidc/callback',
};

const users: UserProvider = {
  findById: () => Promise.resolve(undefined),
  verifyCredentials: () => Promise.resolve(undefined),
};

function service(oidc: boolean, userProvider: UserProvider | undefined): OidcService {
  const options = resolveSecurityOptions({
    environment: 'test',
    session: {},
    ...(oidc ? { oidc: { providers: [provider] } } : {}),
  });
  return new OidcService(
    options,
    [],
    new MemorySecurityStore(),
    {} as SessionService,
    {} as SessionRepository,
    systemClock,
    userProvider,
  );
}

describe('OidcService start-up checks', () => {
  it('refuses oidc without a user provider', () => {
    expect(() => service(true, undefined)).toThrow(SecurityConfigurationError);
    expect(() => service(true, undefined)).toThrow(/"userProvider" is not set/);
  });

  it('refuses oidc with a user provider that has no mapClaims', () => {
    expect(() => service(true, users)).toThrow(/has no mapClaims method/);
  });

  it('starts with mapClaims', () => {
    expect(() =>
      service(true, { ...users, mapClaims: () => Promise.resolve(undefined) }),
    ).not.toThrow();
  });

  it('says how to turn oidc on when used while off', async () => {
    const off = service(false, undefined);
    await expect(off.login({ headers: {} }, {})).rejects.toThrow(
      /"oidc" is not set, but OidcService was used/,
    );
    await expect(off.backChannelLogout({ logout_token: 'x' })).rejects.toThrow(
      SecurityConfigurationError,
    );
  });
});
