import { resolveExternalIssuersOptions } from '../authn/external/resolve-external-issuers-options';
import { resolveJwtOptions } from '../authn/jwt/resolve-jwt-options';
import { resolveMtlsOptions } from '../authn/mtls/resolve-mtls-options';
import { resolveOidcOptions } from '../authn/oidc/resolve-oidc-options';
import { resolveSessionOptions } from '../authn/session/resolve-session-options';
import { RoleHierarchy } from '../authz/role-hierarchy';
import { resolveBodyLimitOptions } from '../hardening/body-limit/resolve-body-limit-options';
import { resolveSecurityHeadersOptions } from '../hardening/headers/resolve-security-headers-options';
import { resolveInputOptions } from '../hardening/sanitize/resolve-input-options';
import { resolveUploadsOptions } from '../hardening/uploads/resolve-uploads-options';
import { resolveStoreOptions } from '../store/resolve-store-options';
import { resolveThrottlingOptions } from '../throttling/resolve-throttling-options';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { assertKnownKeys, deepFreeze, readChoice, readObject } from './option-readers';
import type { ResolvedSecurityOptions } from './resolved-security-options.interface';
import type { SecurityEnvironment } from './security-module-options.interface';

const TOP_LEVEL_KEYS = [
  'environment',
  'jwt',
  'externalIssuers',
  'mtls',
  'session',
  'roles',
  'store',
  'headers',
  'uploads',
  'input',
  'throttling',
  'bodyLimit',
  'oidc',
] as const;
const ENVIRONMENTS: readonly SecurityEnvironment[] = ['production', 'development', 'test'];

function environmentFromNodeEnv(nodeEnv: string | undefined): SecurityEnvironment {
  if (nodeEnv === 'production' || nodeEnv === 'test') return nodeEnv;
  return 'development';
}

/**
 * Turns raw SecurityModule options into frozen, fully defaulted options, or throws a
 * {@link SecurityConfigurationError} naming the option and the fix. Pure apart from reading
 * `NODE_ENV` when `environment` is omitted.
 *
 * @example
 * const resolved = resolveSecurityOptions({ jwt: { issuer: 'https://api.example.com', audience: 'api' } });
 */
export function resolveSecurityOptions(raw: unknown): ResolvedSecurityOptions {
  const options = readObject(raw ?? {}, '(SecurityModule options)');
  assertKnownKeys(options, TOP_LEVEL_KEYS, '');
  const environment =
    options.environment === undefined
      ? environmentFromNodeEnv(process.env.NODE_ENV)
      : readChoice(options.environment, 'environment', ENVIRONMENTS);
  const resolved: ResolvedSecurityOptions = {
    environment,
    jwt: options.jwt === undefined ? undefined : resolveJwtOptions(options.jwt, environment),
    externalIssuers: resolveExternalIssuersOptions(options.externalIssuers, environment),
    mtls: resolveMtlsOptions(options.mtls),
    session: resolveSessionOptions(options.session, environment),
    roles: RoleHierarchy.fromOptions(options.roles),
    store: resolveStoreOptions(options.store),
    headers: resolveSecurityHeadersOptions(options.headers),
    bodyLimit: resolveBodyLimitOptions(options.bodyLimit),
    uploads: resolveUploadsOptions(options.uploads),
    input: resolveInputOptions(options.input),
    throttling: resolveThrottlingOptions(options.throttling),
    oidc: resolveOidcOptions(options.oidc, environment),
  };
  if (resolved.oidc !== undefined && resolved.session === undefined) {
    throw new SecurityConfigurationError(
      'oidc',
      'needs sessions, which are off: an OpenID Connect login ends in a Rampart session',
      'add `session: {}` (or your session options) to the SecurityModule options',
    );
  }
  const own = resolved.jwt?.issuer;
  const clash = resolved.externalIssuers.findIndex((external) => external.issuer === own);
  if (clash !== -1) {
    throw new SecurityConfigurationError(
      `externalIssuers[${clash}].issuer`,
      "repeats jwt.issuer: tokens of that issuer would be verified against the external JWKS, not Rampart's keys",
      "give Rampart's own tokens an issuer of their own, distinct from every external issuer",
    );
  }
  return deepFreeze(resolved);
}
