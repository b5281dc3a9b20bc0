import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { ProviderResponseError, ProviderUnreachableError, providerJson } from './oidc-http';
import type { ResolvedOidcProvider } from './resolve-oidc-options';

/** What Rampart uses of a provider's discovery document. */
export interface OidcProviderMetadata {
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly jwksUri: string;
  readonly userinfoEndpoint: string | undefined;
  readonly endSessionEndpoint: string | undefined;
}

/** `<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

function endpoint(
  document: Record<string, unknown>,
  field: string,
  required: boolean,
): string | undefined {
  const value = document[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') {
    throw new ProviderResponseError('the discovery document', `has no usable "${field}"`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderResponseError('the discovery document', `has a relative "${field}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ProviderResponseError('the discovery document', `has a non-HTTP "${field}"`);
  }
  return url.href;
}

function supports(document: Record<string, unknown>, field: string, value: string): boolean {
  const list = document[field];
  // Absent lists take the defaults of Discovery §3, which include what Rampart needs.
  return list === undefined || (Array.isArray(list) && list.includes(value));
}

/**
 * Reads and checks a provider's discovery document at start-up: the `issuer` must equal the
 * configured one exactly (Discovery §4.3), the endpoints must be absolute URLs, and the provider
 * must support the code flow, PKCE S256 and `client_secret_basic`. Any failure stops start-up with
 * a {@link SecurityConfigurationError} naming the issuer and the fix.
 *
 * @example
 * const metadata = await discoverOidcProvider(resolved.oidc.providers[0], 'oidc.providers[0]');
 */
export async function discoverOidcProvider(
  provider: ResolvedOidcProvider,
  path: string,
): Promise<OidcProviderMetadata> {
  const url = discoveryUrl(provider.issuer);
  try {
    const { status, body } = await providerJson(
      'the discovery document',
      url,
      {},
      provider.httpTimeoutMs,
    );
    if (status !== 200 || body === undefined) {
      throw new ProviderResponseError('the discovery document', `answered HTTP ${status}`);
    }
    if (body.issuer !== provider.issuer) {
      throw new SecurityConfigurationError(
        `${path}.issuer`,
        `is "${provider.issuer}", but the provider's discovery document at ${url} names the issuer ${JSON.stringify(body.issuer)}`,
        'set the issuer exactly as the provider states it (trailing slash included)',
      );
    }
    if (!supports(body, 'response_types_supported', 'code')) {
      throw new ProviderResponseError('the provider', 'does not support the code flow');
    }
    if (!supports(body, 'code_challenge_methods_supported', 'S256')) {
      throw new ProviderResponseError('the provider', 'does not support PKCE with S256');
    }
    if (!supports(body, 'token_endpoint_auth_methods_supported', 'client_secret_basic')) {
      throw new ProviderResponseError('the provider', 'does not accept client_secret_basic');
    }
    return Object.freeze({
      issuer: provider.issuer,
      authorizationEndpoint: endpoint(body, 'authorization_endpoint', true) ?? '',
      tokenEndpoint: endpoint(body, 'token_endpoint', true) ?? '',
      jwksUri: endpoint(body, 'jwks_uri', true) ?? '',
      userinfoEndpoint: endpoint(body, 'userinfo_endpoint', false),
      endSessionEndpoint: endpoint(body, 'end_session_endpoint', false),
    });
  } catch (error) {
    if (error instanceof SecurityConfigurationError) throw error;
    const problem =
      error instanceof ProviderUnreachableError
        ? `could not be reached for discovery at ${url} (within ${provider.httpTimeoutMs} ms)`
        : `has an unusable discovery document at ${url}: ${error instanceof Error ? error.message : 'unknown error'}`;
    throw new SecurityConfigurationError(
      `${path}.issuer`,
      `("${provider.issuer}") ${problem}`,
      error instanceof ProviderUnreachableError
        ? 'check the issuer URL and that the provider is running and reachable from this host (start-up needs its discovery document)'
        : 'check the issuer URL and the provider configuration (code flow, PKCE S256, client_secret_basic)',
    );
  }
}
