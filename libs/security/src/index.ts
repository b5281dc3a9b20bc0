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
export type { SessionOidcLink } from './authn/session/session-record';
export { OidcService } from './authn/oidc/oidc.service';
export type { OidcRedirect } from './authn/oidc/oidc.service';
export type {
  OidcAlgorithm,
  OidcOptions,
  OidcProviderOptions,
} from './authn/oidc/oidc-options.interface';
export type { ResolvedOidcOptions, ResolvedOidcProvider } from './authn/oidc/resolve-oidc-options';

// Authorization
export { Roles } from './authz/roles.decorator';
export { AuthorizationGuard } from './authz/authorization.guard';
export { RoleHierarchy } from './authz/role-hierarchy';
export { SecurityPolicy } from './authz/policies/security-policy.decorator';
export { Policies } from './authz/policies/policies.decorator';
export type { PolicyContext, PolicyHandler } from './authz/policies/policy-handler.interface';
export { PolicyRegistry } from './authz/policies/policy-registry';

// Hardening
export { SecurityHeaders } from './hardening/headers/security-headers.decorator';
export type { SecurityHeadersOptions } from './hardening/headers/security-headers-options.interface';
export { BodyLimit } from './hardening/body-limit/body-limit.decorator';
export type { BodyLimitOptions } from './hardening/body-limit/body-limit-options.interface';
export { BodyTooLargeException } from './hardening/body-limit/body-too-large.exception';
export { CsrfExempt } from './hardening/csrf/csrf-exempt.decorator';
export { CsrfGuard } from './hardening/csrf/csrf.guard';
export { PrototypePollutionGuard } from './hardening/sanitize/prototype-pollution.guard';
export { RepeatedQueryGuard } from './hardening/sanitize/repeated-query.guard';
export { QueryArrays, QueryArraysMetadata } from './hardening/sanitize/query-arrays.decorator';
export type {
  InputOptions,
  RepeatedQueryPolicy,
} from './hardening/sanitize/input-options.interface';
export type { ResolvedInputOptions } from './hardening/sanitize/resolve-input-options';
export { SECURE_VALIDATION_PIPE_OPTIONS } from './hardening/sanitize/secure-validation-pipe-options';

// Upload scanning
export { ScannedUpload } from './hardening/uploads/scanned-upload.decorator';
export {
  ScannedFile,
  ScannedFiles,
  ScannedUploadFields,
} from './hardening/uploads/scanned-files.decorator';
export { ScannedUploadInterceptor } from './hardening/uploads/scanned-upload.interceptor';
export type {
  ScannedUploadContent,
  ScannedUploadFile,
} from './hardening/uploads/scanned-upload-file.interface';
export type { UploadFields } from './hardening/uploads/read-multipart';
export type {
  ScannedUploadOptions,
  UploadLimitsOptions,
  UploadsOptions,
} from './hardening/uploads/uploads-options.interface';
export type {
  ResolvedUploadLimits,
  ResolvedUploadsOptions,
} from './hardening/uploads/resolve-uploads-options';
export { UploadScanner } from './hardening/uploads/upload-scanner.interface';
export type { ScanVerdict, UploadScanInfo } from './hardening/uploads/upload-scanner.interface';
export { InjectUploadScanner } from './hardening/uploads/inject-upload-scanner.decorator';
export { ClamAvScanner } from './hardening/uploads/clamav.scanner';
export type {
  ClamAvScannerLimits,
  ClamAvScannerOptions,
  ClamAvTcpOptions,
  ClamAvUnixSocketOptions,
} from './hardening/uploads/clamav-scanner-options.interface';
export { UnavailableUploadScanner } from './hardening/uploads/unavailable-upload.scanner';
export {
  CONTENT_SNIFF_BYTES,
  SNIFFED_CONTENT_TYPES,
  sniffContentType,
} from './hardening/uploads/sniff-content-type';
export type { SniffedContentType } from './hardening/uploads/sniff-content-type';
export { assertAllowedType, checkAllowedTypes } from './hardening/uploads/assert-allowed-type';
export { sanitizeFileName } from './hardening/uploads/sanitize-file-name';
export type { SanitizeFileNameOptions } from './hardening/uploads/sanitize-file-name';
export { InfectedUploadException } from './hardening/uploads/infected-upload.exception';
export { UploadRejectedException } from './hardening/uploads/upload-rejected.exception';
export type {
  UploadRejectedCode,
  UploadRejection,
} from './hardening/uploads/upload-rejected.exception';
export { UploadScannerUnavailableException } from './hardening/uploads/upload-scanner-unavailable.exception';
export type { UploadScannerFailure } from './hardening/uploads/upload-scanner-unavailable.exception';

// Throttling
export { Throttle, SkipThrottle } from '@nestjs/throttler';
export { RampartThrottlerGuard } from './throttling/rampart-throttler.guard';
export { ThrottleCredentials } from './throttling/throttle-credentials.decorator';
export type {
  CredentialsLimit,
  CredentialsThrottleOptions,
  StoreOutagePolicy,
  ThrottlerDefinition,
  ThrottlingOptions,
} from './throttling/throttling-options.interface';
export type { ResolvedThrottlingOptions } from './throttling/resolve-throttling-options';
export type { RateLimitHeadersFormat } from './throttling/rate-limit-headers';
export { ThrottleCounter } from './throttling/throttle-counter.interface';
export { InjectThrottleCounter } from './throttling/inject-throttle-counter.decorator';
export type { ThrottleResult } from './throttling/throttle-result.interface';
export type { ThrottleAlgorithm, ThrottleRule } from './throttling/throttle-rule.interface';
export { MemoryThrottleCounter } from './throttling/memory-throttle.counter';
export { RedisThrottleCounter } from './throttling/redis-throttle.counter';
export { RampartThrottlerStorage } from './throttling/rampart-throttler.storage';
export { ClientIpResolver } from './throttling/client-ip.resolver';
export type { ClientIpResolverOptions } from './throttling/client-ip.resolver';

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
export { TooManyRequestsException } from './errors/too-many-requests.exception';
export { InvalidSessionException } from './errors/invalid-session.exception';
export { SessionExpiredException } from './errors/session-expired.exception';
export { SessionLimitException } from './errors/session-limit.exception';
export { SessionNotFoundException } from './errors/session-not-found.exception';
export { CsrfRejectedException } from './errors/csrf-rejected.exception';
export { OidcFailedException } from './errors/oidc-failed.exception';
export { OidcProviderUnavailableException } from './errors/oidc-provider-unavailable.exception';
export { InvalidLogoutTokenException } from './errors/invalid-logout-token.exception';
export { SecurityExceptionFilter } from './errors/security-exception.filter';
