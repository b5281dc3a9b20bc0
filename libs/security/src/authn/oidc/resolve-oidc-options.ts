import {
  assertKnownKeys,
  readArray,
  readBoolean,
  readChoice,
  readNumber,
  readObject,
  readString,
} from '../../core/option-readers';
import { readHttpUrl } from '../../core/read-http-url';
import type { SecurityEnvironment } from '../../core/security-module-options.interface';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import type { OidcAlgorithm } from './oidc-options.interface';

/**
 * One provider after validation: defaults filled in, URLs normalised, frozen.
 *
 * @example
 * resolved.oidc?.providers.map((provider) => provider.issuer);
 */
export interface ResolvedOidcProvider {
  readonly name: string;
  /** Exactly as configured (compared verbatim with the discovery document and `iss`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Normalised (`URL.href`). */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string | undefined;
  readonly postLoginRedirectPath: string;
  /** Without `openid` (always sent). */
  readonly scopes: readonly string[];
  readonly algorithms: readonly OidcAlgorithm[];
  readonly clockSkewSeconds: number;
  readonly maxIdTokenAgeSeconds: number;
  readonly fetchUserInfo: boolean;
  readonly httpTimeoutMs: number;
}

/**
 * The `oidc` options after validation.
 *
 * @example
 * const { providers } = resolved.oidc ?? { providers: [] };
 */
export interface ResolvedOidcOptions {
  readonly providers: readonly ResolvedOidcProvider[];
  readonly stateTtlMs: number;
  /** Name of the binding cookie over plain HTTP (development). */
  readonly cookieName: string;
  /** Name of the binding cookie when Secure: `__Host-<cookieName>`. */
  readonly secureCookieName: string;
}

const TOP_KEYS = ['providers', 'stateTtlSeconds', 'cookieName'] as const;
const PROVIDER_KEYS = [
  'name',
  'issuer',
  'clientId',
  'clientSecret',
  'redirectUri',
  'postLogoutRedirectUri',
  'postLoginRedirectPath',
  'scopes',
  'algorithms',
  'clockSkewSeconds',
  'maxIdTokenAgeSeconds',
  'fetchUserInfo',
  'httpTimeoutMs',
] as const;

const ALGORITHMS: readonly OidcAlgorithm[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
const DEFAULT_ALGORITHMS: readonly OidcAlgorithm[] = ['RS256', 'ES256'];
const NAME = /^[a-z0-9-]{1,32}$/;
const COOKIE_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A scope token (RFC 6749 §3.3). */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** An OIDC URL option: absolute http(s), no credentials nor fragment; https: in production. */
function readUrl(
  value: unknown,
  path: string,
  environment: SecurityEnvironment,
  example: string,
): URL {
  return readHttpUrl(value, path, environment, {
    example,
    httpRisk: 'codes and tokens would cross the network in clear',
    fragmentRefused: 'OpenID Connect forbids here',
  });
}

function readProvider(
  raw: unknown,
  path: string,
  environment: SecurityEnvironment,
  single: boolean,
): ResolvedOidcProvider {
  const options = readObject(raw, path);
  assertKnownKeys(options, PROVIDER_KEYS, path);
  let name = 'default';
  if (options.name !== undefined) {
    name = readString(options.name, `${path}.name`);
    if (!NAME.test(name)) {
      throw new SecurityConfigurationError(
        `${path}.name`,
        `must be 1 to 32 of [a-z0-9-], got '${name}'`,
        "use a short lower-case name such as 'keycloak'",
      );
    }
  } else if (!single) {
    throw new SecurityConfigurationError(
      `${path}.name`,
      'is required when several providers are configured',
      "give each provider a distinct name such as 'keycloak' or 'google'",
    );
  }
  for (const key of ['issuer', 'clientId', 'clientSecret', 'redirectUri'] as const) {
    if (options[key] === undefined) {
      const fix = {
        issuer:
          'set it to the issuer URL of the provider, e.g. "https://sso.example.com/realms/acme"',
        clientId: 'set it to the client id registered at the provider',
        clientSecret:
          'set it to the client secret registered at the provider (from the environment, never from source)',
        redirectUri:
          'set it to the absolute callback URL registered at the provider, e.g. "https://app.example.com/auth/oidc/callback"',
      }[key];
      throw new SecurityConfigurationError(`${path}.${key}`, 'is required', fix);
    }
  }
  const issuerUrl = readUrl(
    options.issuer,
    `${path}.issuer`,
    environment,
    'https://sso.example.com/realms/acme',
  );
  if (issuerUrl.search !== '') {
    throw new SecurityConfigurationError(
      `${path}.issuer`,
      'has a query string, which an issuer identifier cannot have',
      'use the issuer URL exactly as the discovery document states it',
    );
  }
  const issuer = readString(options.issuer, `${path}.issuer`);
  const clientId = readString(options.clientId, `${path}.clientId`);
  const clientSecret = readString(options.clientSecret, `${path}.clientSecret`);
  const redirectUri = readUrl(
    options.redirectUri,
    `${path}.redirectUri`,
    environment,
    'https://app.example.com/auth/oidc/callback',
  ).href;
  const postLogoutRedirectUri =
    options.postLogoutRedirectUri === undefined
      ? undefined
      : readUrl(
          options.postLogoutRedirectUri,
          `${path}.postLogoutRedirectUri`,
          environment,
          'https://app.example.com/',
        ).href;
  let postLoginRedirectPath = '/';
  if (options.postLoginRedirectPath !== undefined) {
    postLoginRedirectPath = readString(
      options.postLoginRedirectPath,
      `${path}.postLoginRedirectPath`,
    );
    if (
      !postLoginRedirectPath.startsWith('/') ||
      postLoginRedirectPath.startsWith('//') ||
      postLoginRedirectPath.includes('\\') ||
      /[\s\p{Cc}]/u.test(postLoginRedirectPath)
    ) {
      throw new SecurityConfigurationError(
        `${path}.postLoginRedirectPath`,
        `must be a path on this site starting with a single "/", got '${postLoginRedirectPath}'`,
        "use a path such as '/' or '/app' (another site would be an open redirect)",
      );
    }
  }
  const scopes =
    options.scopes === undefined
      ? ['profile', 'email']
      : [
          ...new Set(
            readArray(options.scopes, `${path}.scopes`, (item, itemPath) => {
              const scope = readString(item, itemPath);
              if (!SCOPE.test(scope)) {
                throw new SecurityConfigurationError(
                  itemPath,
                  `is not a scope token, got '${scope}'`,
                  "use one scope per entry, such as 'profile'",
                );
              }
              return scope;
            }).filter((scope) => scope !== 'openid'),
          ),
        ];
  const algorithms =
    options.algorithms === undefined
      ? [...DEFAULT_ALGORITHMS]
      : [
          ...new Set(
            readArray(options.algorithms, `${path}.algorithms`, (item, itemPath) => {
              if (typeof item === 'string' && /^(?:HS(?:256|384|512)|none)$/i.test(item)) {
                throw new SecurityConfigurationError(
                  itemPath,
                  `is '${item}', which would let anyone who knows the client secret (or no one at all) sign ID tokens`,
                  "use the provider's asymmetric algorithm, e.g. 'RS256' or 'ES256'",
                );
              }
              return readChoice(item, itemPath, ALGORITHMS);
            }),
          ),
        ];
  return Object.freeze({
    name,
    issuer,
    clientId,
    clientSecret,
    redirectUri,
    postLogoutRedirectUri,
    postLoginRedirectPath,
    scopes: Object.freeze(scopes),
    algorithms: Object.freeze(algorithms),
    clockSkewSeconds:
      options.clockSkewSeconds === undefined
        ? 30
        : readNumber(options.clockSkewSeconds, `${path}.clockSkewSeconds`, {
            min: 0,
            max: 300,
            integer: true,
            unit: 'seconds',
          }),
    maxIdTokenAgeSeconds:
      options.maxIdTokenAgeSeconds === undefined
        ? 600
        : readNumber(options.maxIdTokenAgeSeconds, `${path}.maxIdTokenAgeSeconds`, {
            min: 30,
            max: 3600,
            integer: true,
            unit: 'seconds',
          }),
    fetchUserInfo:
      options.fetchUserInfo === undefined
        ? true
        : readBoolean(options.fetchUserInfo, `${path}.fetchUserInfo`),
    httpTimeoutMs:
      options.httpTimeoutMs === undefined
        ? 5000
        : readNumber(options.httpTimeoutMs, `${path}.httpTimeoutMs`, {
            min: 100,
            max: 30_000,
            integer: true,
            unit: 'milliseconds',
          }),
  });
}

/**
 * Validates the `oidc` options: every provider's issuer, client and absolute redirect URIs
 * (https: in production), algorithm allow-list (no HMAC, no `none`), and the time bounds.
 * `undefined` when OIDC is off.
 *
 * @example
 * resolveOidcOptions({ providers: [{ issuer, clientId, clientSecret, redirectUri }] }, 'production');
 */
export function resolveOidcOptions(
  raw: unknown,
  environment: SecurityEnvironment,
): ResolvedOidcOptions | undefined {
  if (raw === undefined) return undefined;
  const options = readObject(raw, 'oidc');
  assertKnownKeys(options, TOP_KEYS, 'oidc');
  if (options.providers === undefined) {
    throw new SecurityConfigurationError(
      'oidc.providers',
      'is required',
      'list at least one provider: [{ issuer, clientId, clientSecret, redirectUri }]',
    );
  }
  const list = readArray(options.providers, 'oidc.providers', (item) => item);
  const providers = list.map((item, index) =>
    readProvider(item, `oidc.providers[${index}]`, environment, list.length === 1),
  );
  providers.forEach((provider, index) => {
    const earlier = providers.findIndex(
      (other, otherIndex) =>
        otherIndex < index && (other.name === provider.name || other.issuer === provider.issuer),
    );
    if (earlier !== -1) {
      const field = providers[earlier]?.name === provider.name ? 'name' : 'issuer';
      throw new SecurityConfigurationError(
        `oidc.providers[${index}].${field}`,
        `repeats oidc.providers[${earlier}].${field}`,
        'give every provider a distinct name and issuer',
      );
    }
  });
  const cookieName =
    options.cookieName === undefined
      ? 'rampart-oidc'
      : readString(options.cookieName, 'oidc.cookieName');
  if (!COOKIE_NAME.test(cookieName) || cookieName.startsWith('__')) {
    throw new SecurityConfigurationError(
      'oidc.cookieName',
      `must be 1 to 64 of [A-Za-z0-9_-] and not start with "__", got '${cookieName}'`,
      "use a plain name such as 'rampart-oidc' (the __Host- prefix is added for you)",
    );
  }
  const stateTtlSeconds =
    options.stateTtlSeconds === undefined
      ? 600
      : readNumber(options.stateTtlSeconds, 'oidc.stateTtlSeconds', {
          min: 60,
          max: 3600,
          integer: true,
          unit: 'seconds',
        });
  return {
    providers,
    stateTtlMs: stateTtlSeconds * 1000,
    cookieName,
    secureCookieName: `__Host-${cookieName}`,
  };
}
