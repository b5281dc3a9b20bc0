// Public surface of @rampart/security: explicit named exports only.

// Module and options
export { SecurityModule } from './core/security.module';
export type { SecurityModuleExtras } from './core/security.module-definition';
export type {
  AsymmetricJwtAlgorithm,
  JwtAlgorithm,
  JwtAsymmetricKeyOptions,
  JwtKeyOptions,
  JwtOptions,
  JwtSymmetricKeyOptions,
  MemoryStoreOptions,
  RedisStoreOptions,
  RolesOptions,
  SecurityEnvironment,
  SecurityModuleOptions,
  StoreOptions,
  SymmetricJwtAlgorithm,
} from './core/security-module-options.interface';
export type { ResolvedSecurityOptions } from './core/resolved-security-options.interface';
export { resolveSecurityOptions } from './core/resolve-security-options';
export { RESOLVED_SECURITY_OPTIONS } from './core/security.tokens';
export type {
  AccessTokenInfo,
  AuthMethod,
  Principal,
  SessionInfo,
} from './core/principal.interface';
export { SecurityClock, systemClock } from './core/security-clock';
export { SecurityEvents } from './audit/security-events';
export type { SecurityEventListener } from './audit/security-events';
export type { SecurityEvent, TimedSecurityEvent } from './audit/security-event';
export type { SecurityRequest } from './core/security-request.interface';

// Authentication
export { Public } from './authn/public.decorator';
export { CurrentUser } from './authn/current-user.decorator';
export { AuthenticationGuard } from './authn/authentication.guard';
export type { Authenticator } from './authn/authenticator.interface';
export { CredentialsService } from './authn/credentials.service';
export type { SecurityUser, UserProvider } from './authn/user-provider.interface';
export { TokenService } from './authn/jwt/token.service';
export type { AccessTokenBinding, IssuedAccessToken } from './authn/jwt/token.service';
export { RefreshTokenService } from './authn/tokens/refresh-token.service';
export type { TokenPair } from './authn/tokens/refresh-token.service';
export { RevocationService } from './authn/tokens/revocation.service';
export type { RevocableToken } from './authn/tokens/revocation.service';
export type { PublishedJwk } from './authn/jwt/jwt-key-ring';
export type {
  ExternalIssuerAlgorithm,
  ExternalIssuerOptions,
} from './authn/external/external-issuer-options.interface';
export type { MtlsOptions } from './authn/mtls/mtls-options.interface';
export { TrustedProxies } from './authn/mtls/resolve-mtls-options';
export type { ResolvedMtlsOptions } from './authn/mtls/resolve-mtls-options';
export { inspectClientCertificate, readClientCertificate } from './authn/mtls/client-certificate';
export type {
  ClientCertificate,
  ClientCertificateInspection,
  ClientCertificateRejection,
} from './authn/mtls/client-certificate';
export { certificateThumbprint } from './authn/mtls/certificate-thumbprint';
export type {
  CsrfOptions,
  SessionLimitPolicy,
  SessionOptions,
  SessionSameSite,
} from './authn/session/session-options.interface';
export { SessionService } from './authn/session/session.service';
export type { SessionLogin, SessionSummary } from './authn/session/session.service';
export { UserSession } from './authn/session/user-session';
export type { SessionData } from './authn/session/session-data.interface';
export { CurrentSession } from './authn/session/current-session.decorator';

// Authorization
export { Roles } from './authz/roles.decorator';
export { AuthorizationGuard } from './authz/authorization.guard';
export { RoleHierarchy } from './authz/role-hierarchy';

// Hardening
export { SecurityHeaders } from './hardening/headers/security-headers.decorator';
export type { SecurityHeadersOptions } from './hardening/headers/security-headers-options.interface';
export { CsrfExempt } from './hardening/csrf/csrf-exempt.decorator';
export { CsrfGuard } from './hardening/csrf/csrf.guard';
export { PrototypePollutionGuard } from './hardening/sanitize/prototype-pollution.guard';

// Store
export { SecurityStore } from './store/security-store.interface';
export type { RecordChanges, StoreCounter } from './store/security-store.interface';
export { InjectSecurityStore } from './store/inject-security-store.decorator';
export { MemorySecurityStore } from './store/memory-security.store';
export { RedisSecurityStore } from './store/redis-security.store';

// Errors
export { SecurityException } from './errors/security.exception';
export type { SecurityErrorBody } from './errors/security.exception';
export type { SecurityErrorCode } from './errors/security-error-code';
export { SecurityConfigurationError } from './errors/security-configuration.error';
export { AuthenticationRequiredException } from './errors/authentication-required.exception';
export { InvalidTokenException } from './errors/invalid-token.exception';
export { TokenExpiredException } from './errors/token-expired.exception';
export { InvalidCredentialsException } from './errors/invalid-credentials.exception';
export { InvalidRefreshTokenException } from './errors/invalid-refresh-token.exception';
export { InvalidCertificateException } from './errors/invalid-certificate.exception';
export { AccessDeniedException } from './errors/access-denied.exception';
export { InvalidRequestException } from './errors/invalid-request.exception';
export { StoreUnavailableException } from './errors/store-unavailable.exception';
export { InvalidSessionException } from './errors/invalid-session.exception';
export { SessionExpiredException } from './errors/session-expired.exception';
export { SessionLimitException } from './errors/session-limit.exception';
export { SessionNotFoundException } from './errors/session-not-found.exception';
export { CsrfRejectedException } from './errors/csrf-rejected.exception';
export { SecurityExceptionFilter } from './errors/security-exception.filter';
