import type { ResolvedExternalIssuer } from '../authn/external/resolve-external-issuers-options';
import type { ResolvedJwtOptions } from '../authn/jwt/resolved-jwt-options.interface';
import type { ResolvedMtlsOptions } from '../authn/mtls/resolve-mtls-options';
import type { ResolvedSessionOptions } from '../authn/session/session-options.interface';
import type { RoleHierarchy } from '../authz/role-hierarchy';
import type { ResolvedSecurityHeaders } from '../hardening/headers/resolve-security-headers-options';
import type { ResolvedStoreOptions } from '../store/resolve-store-options';
import type { SecurityEnvironment } from './security-module-options.interface';

/**
 * SecurityModule options after validation: frozen, every default filled in, keys parsed.
 * Inject with `@Inject(RESOLVED_SECURITY_OPTIONS)`.
 */
export interface ResolvedSecurityOptions {
  readonly environment: SecurityEnvironment;
  readonly jwt: ResolvedJwtOptions | undefined;
  /** Resource-server mode: trusted external issuers; `[]` when none. */
  readonly externalIssuers: readonly ResolvedExternalIssuer[];
  /** Client-certificate authentication; `undefined` when off. */
  readonly mtls: ResolvedMtlsOptions | undefined;
  /** Server-side sessions and CSRF; `undefined` when off. */
  readonly session: ResolvedSessionOptions | undefined;
  readonly roles: RoleHierarchy;
  readonly store: ResolvedStoreOptions;
  readonly headers: ResolvedSecurityHeaders;
}
