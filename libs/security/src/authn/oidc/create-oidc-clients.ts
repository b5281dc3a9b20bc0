import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import type { SecurityClock } from '../../core/security-clock';
import type { SecurityStore } from '../../store/security-store.interface';
import { discoverOidcProvider } from './oidc-discovery';
import { OidcClient } from './oidc-client';
import { OidcStateStore } from './oidc-state.store';

/**
 * The {@link OidcClient}s of the `oidc` options, each discovered at start-up (in parallel); `[]`
 * when OIDC is off. A provider that cannot be discovered stops start-up with a
 * SecurityConfigurationError naming its issuer and the fix. Runs in a factory provider after the
 * options resolved, so `forRootAsync` works the same as `forRoot`.
 */
export async function createOidcClients(
  options: ResolvedSecurityOptions,
  store: SecurityStore,
  clock: SecurityClock,
): Promise<readonly OidcClient[]> {
  const oidc = options.oidc;
  if (oidc === undefined) return [];
  const states = new OidcStateStore(store, oidc.stateTtlMs);
  const clients = await Promise.all(
    oidc.providers.map(async (provider, index) => {
      const metadata = await discoverOidcProvider(provider, `oidc.providers[${index}]`);
      return new OidcClient(provider, metadata, states, () => clock.now());
    }),
  );
  return Object.freeze(clients);
}
