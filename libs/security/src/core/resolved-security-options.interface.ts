import type { ResolvedExternalIssuer } from '../authn/external/resolve-external-issuers-options';
import type { ResolvedJwtOptions } from '../authn/jwt/resolved-jwt-options.interface';
import type { ResolvedMtlsOptions } from '../authn/mtls/resolve-mtls-options';
import type { ResolvedOidcOptions } from '../authn/oidc/resolve-oidc-options';
import type { ResolvedSessionOptions } from '../authn/session/session-options.interface';
import type { RoleHierarchy } from '../authz/role-hierarchy';
import type { ResolvedBodyLimitOptions } from '../hardening/body-limit/resolve-body-limit-options';
import type { ResolvedSecurityHeaders } from '../hardening/headers/resolve-security-headers-options';
import type { ResolvedInputOptions } from '../hardening/sanitize/resolve-input-options';
import type { ResolvedUploadsOptions } from '../hardening/uploads/resolve-uploads-options';
import type { ResolvedStoreOptions } from '../store/resolve-store-options';
import type { ResolvedThrottlingOptions } from '../throttling/resolve-throttling-options';
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
  /** Request body caps, in bytes. */
  readonly bodyLimit: ResolvedBodyLimitOptions;
  /** Upload scanning: the scanner (`undefined` when none) and the default caps. */
  readonly uploads: ResolvedUploadsOptions;
  readonly input: ResolvedInputOptions;
  readonly throttling: ResolvedThrottlingOptions;
  /** OpenID Connect login; `undefined` when off. */
  readonly oidc: ResolvedOidcOptions | undefined;
}
