import { isIPv4 } from 'node:net';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { readString } from './option-readers';
import type { SecurityEnvironment } from './security-module-options.interface';

/** What {@link readHttpUrl} says about one URL option, and what it also refuses. */
export interface HttpUrlOption {
  /** A valid value, shown in the fixes, e.g. `'https://sso.example.com/realms/acme'`. */
  readonly example: string;
  /** What plain http: would expose in production, e.g. `'codes and tokens would cross the network in clear'`. */
  readonly httpRisk: string;
  /** Why a `#fragment` is refused; `undefined` accepts one. */
  readonly fragmentRefused?: string;
}

/**
 * Reads an option that holds the absolute http(s) URL of another party (an identity provider, a
 * JWKS, a redirect target): no user name or password in it, and https: in production, but for
 * loopback hosts (localhost, 127.0.0.0/8, [::1]). Each refusal is a
 * {@link SecurityConfigurationError} on `path` that names the fix.
 *
 * @example
 * const jwks = readHttpUrl(options.jwksUri, 'externalIssuers[0].jwksUri', environment, {
 *   example: 'https://sso.example.com/certs',
 *   httpRisk: 'anyone on the network path could substitute the keys',
 * });
 */
export function readHttpUrl(
  value: unknown,
  path: string,
  environment: SecurityEnvironment,
  option: HttpUrlOption,
): URL {
  const text = readString(value, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SecurityConfigurationError(
      path,
      'is not an absolute URL (a relative one would be resolved against the request, which the client chooses)',
      `use an absolute URL such as "${option.example}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SecurityConfigurationError(
      path,
      `must be an https: URL, got the scheme "${url.protocol}"`,
      `use an https: URL such as "${option.example}"`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new SecurityConfigurationError(
      path,
      'contains a user name or password',
      'remove the credentials from the URL',
    );
  }
  if (url.hash !== '' && option.fragmentRefused !== undefined) {
    throw new SecurityConfigurationError(
      path,
      `has a #fragment, which ${option.fragmentRefused}`,
      'remove the fragment',
    );
  }
  if (url.protocol === 'http:' && environment === 'production' && !isLoopback(url.hostname)) {
    throw new SecurityConfigurationError(
      path,
      `uses plain http: in production, so ${option.httpRisk}`,
      'use https: (http: is accepted only for localhost, 127.0.0.0/8 and [::1], or outside production)',
    );
  }
  return url;
}

function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return isIPv4(hostname) && hostname.startsWith('127.');
}
