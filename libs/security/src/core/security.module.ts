import {
  Inject,
  Logger,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import {
  APP_FILTER,
  APP_GUARD,
  DiscoveryModule,
  HttpAdapterHost,
  ModulesContainer,
} from '@nestjs/core';
import type { Authenticator } from '../authn/authenticator.interface';
import { AuthenticationGuard } from '../authn/authentication.guard';
import { JwtAuthenticator } from '../authn/jwt/jwt.authenticator';
import { JwtKeyRing } from '../authn/jwt/jwt-key-ring';
import { JwtStrategy } from '../authn/jwt/jwt.strategy';
import {
  principalFromRampartClaims,
  rampartVerifierConfig,
  revocableFromRampartClaims,
} from '../authn/jwt/rampart-token-verifier';
import { RefreshTokenService } from '../authn/tokens/refresh-token.service';
import { RevocationService } from '../authn/tokens/revocation.service';
import { SecurityEvents } from '../audit/security-events';
import { SecurityClock, systemClock } from './security-clock';
import { createExternalIssuerVerifiers } from '../authn/external/external-issuer-verifiers';
import { assertCertificateBinding } from '../authn/mtls/certificate-binding';
import { MtlsAuthenticator } from '../authn/mtls/mtls.authenticator';
import type { UserProvider } from '../authn/user-provider.interface';
import { TokenService } from '../authn/jwt/token.service';
import { SessionAuthenticator } from '../authn/session/session.authenticator';
import { SessionRepository } from '../authn/session/session.repository';
import { installPassportSessionManager } from '../authn/session/install-passport-session-manager';
import { SessionService } from '../authn/session/session.service';
import { createOidcClients } from '../authn/oidc/create-oidc-clients';
import { OIDC_CLIENTS } from '../authn/oidc/oidc.tokens';
import { OidcService } from '../authn/oidc/oidc.service';
import { CsrfGuard } from '../hardening/csrf/csrf.guard';
import { PrototypePollutionGuard } from '../hardening/sanitize/prototype-pollution.guard';
import { RepeatedQueryGuard } from '../hardening/sanitize/repeated-query.guard';
import { AuthorizationGuard } from '../authz/authorization.guard';
import { PolicyRegistry } from '../authz/policies/policy-registry';
import { RolesExplorer } from '../authz/roles.explorer';
import { SecurityConfigurationError } from '../errors/security-configuration.error';
import { SecurityExceptionFilter } from '../errors/security-exception.filter';
import { BodyLimitRoutes } from '../hardening/body-limit/body-limit-routes';
import { installBodyLimit } from '../hardening/body-limit/install-body-limit';
import { installSecurityHeaders } from '../hardening/headers/install-security-headers';
import { UnavailableUploadScanner } from '../hardening/uploads/unavailable-upload.scanner';
import { UploadScanner } from '../hardening/uploads/upload-scanner.interface';
import { UploadsExplorer } from '../hardening/uploads/uploads.explorer';
import { createSecurityStore } from '../store/create-security-store';
import { getOptionsToken, getStorageToken, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { createThrottleCounter } from '../throttling/create-throttle-counter';
import { RampartThrottlerGuard } from '../throttling/rampart-throttler.guard';
import { RampartThrottlerStorage } from '../throttling/rampart-throttler.storage';
import { ThrottleCounter } from '../throttling/throttle-counter.interface';
import { SecurityStore } from '../store/security-store.interface';
import { otherModulesConfigureMiddleware } from './other-modules-configure-middleware';
import { resolveSecurityOptions } from './resolve-security-options';
import { RouteDiscovery } from './route-discovery';
import type { ResolvedSecurityOptions } from './resolved-security-options.interface';
import { ConfigurableSecurityModule, SECURITY_MODULE_OPTIONS } from './security.module-definition';
import {
  JWT_STRATEGIES,
  RESOLVED_SECURITY_OPTIONS,
  SECURITY_AUTHENTICATORS,
  USER_PROVIDER,
} from './security.tokens';

const providers: Provider[] = [
  {
    provide: RESOLVED_SECURITY_OPTIONS,
    useFactory: resolveSecurityOptions,
    inject: [SECURITY_MODULE_OPTIONS],
  },
  {
    provide: SecurityStore,
    useFactory: (options: ResolvedSecurityOptions) => createSecurityStore(options.store),
    inject: [RESOLVED_SECURITY_OPTIONS],
  },
  {
    provide: JwtKeyRing,
    useFactory: (options: ResolvedSecurityOptions, store: SecurityStore) =>
      options.jwt === undefined ? null : JwtKeyRing.create(options.jwt, options.environment, store),
    inject: [RESOLVED_SECURITY_OPTIONS, SecurityStore],
  },
  {
    // One passport-jwt strategy per trusted issuer: Rampart's own tokens first.
    provide: JWT_STRATEGIES,
    useFactory: (
      options: ResolvedSecurityOptions,
      keyRing: JwtKeyRing | null,
      revocations: RevocationService,
      clock: SecurityClock,
    ): readonly JwtStrategy[] => [
      ...(options.jwt === undefined || keyRing === null
        ? []
        : [
            new JwtStrategy(
              rampartVerifierConfig(options.jwt, keyRing, (claims, request) => {
                assertCertificateBinding(claims, request, options.mtls);
                revocations.assertNotRevoked(revocableFromRampartClaims(claims));
                return principalFromRampartClaims(claims);
              }),
            ),
          ]),
      ...createExternalIssuerVerifiers(options.externalIssuers, { now: () => clock.now() }).map(
        (config) => new JwtStrategy(config),
      ),
    ],
    inject: [RESOLVED_SECURITY_OPTIONS, JwtKeyRing, RevocationService, SecurityClock],
  },
  {
    // The fixed order of DESIGN.md: mTLS certificate, bearer JWT, session cookie.
    provide: SECURITY_AUTHENTICATORS,
    useFactory: (
      options: ResolvedSecurityOptions,
      strategies: readonly JwtStrategy[],
      sessions: SessionService,
      users: UserProvider | undefined,
    ): readonly Authenticator[] =>
      Object.freeze([
        ...(options.mtls === undefined ? [] : [new MtlsAuthenticator(options.mtls, users)]),
        ...(strategies.length === 0 ? [] : [new JwtAuthenticator(strategies)]),
        ...(options.session === undefined ? [] : [new SessionAuthenticator(sessions)]),
      ]),
    inject: [
      RESOLVED_SECURITY_OPTIONS,
      JWT_STRATEGIES,
      SessionService,
      { token: USER_PROVIDER, optional: true },
    ],
  },
  {
    provide: ThrottleCounter,
    useFactory: (options: ResolvedSecurityOptions, store: SecurityStore) =>
      createThrottleCounter(options.store, store),
    inject: [RESOLVED_SECURITY_OPTIONS, SecurityStore],
  },
  {
    // What @nestjs/throttler's guard reads: the general throttlers, windows in milliseconds.
    provide: getOptionsToken(),
    useFactory: (options: ResolvedSecurityOptions): ThrottlerModuleOptions => ({
      throttlers: options.throttling.throttlers.map(({ name, limit, windowMs, blockMs }) => ({
        name,
        limit,
        ttl: windowMs,
        blockDuration: blockMs,
      })),
    }),
    inject: [RESOLVED_SECURITY_OPTIONS],
  },
  {
    provide: getStorageToken(),
    useFactory: (options: ResolvedSecurityOptions, counter: ThrottleCounter) =>
      new RampartThrottlerStorage(counter, {
        algorithms: Object.fromEntries(
          options.throttling.throttlers.map(({ name, algorithm }) => [name, algorithm]),
        ),
      }),
    inject: [RESOLVED_SECURITY_OPTIONS, ThrottleCounter],
  },
  {
    // The configured scanner; without one, a scanner that refuses every upload (503), so that an
    // injected UploadScanner fails closed (a @ScannedUpload() route then stops start-up).
    provide: UploadScanner,
    useFactory: (options: ResolvedSecurityOptions): UploadScanner =>
      options.uploads.scanner ?? new UnavailableUploadScanner(),
    inject: [RESOLVED_SECURITY_OPTIONS],
  },
  RouteDiscovery,
  UploadsExplorer,
  BodyLimitRoutes,
  { provide: SecurityClock, useValue: systemClock },
  SecurityEvents,
  TokenService,
  RevocationService,
  RefreshTokenService,
  RolesExplorer,
  PolicyRegistry,
  SessionRepository,
  SessionService,
  {
    // OpenID Connect providers, discovered at start-up ([] when `oidc` is off).
    provide: OIDC_CLIENTS,
    useFactory: createOidcClients,
    inject: [RESOLVED_SECURITY_OPTIONS, SecurityStore, SecurityClock],
  },
  OidcService,
  // Input first: the query is parsed once (RepeatedQueryGuard), then checked for pollution.
  { provide: APP_GUARD, useClass: RepeatedQueryGuard },
  { provide: APP_GUARD, useClass: PrototypePollutionGuard },
  { provide: APP_GUARD, useClass: AuthenticationGuard },
  { provide: APP_GUARD, useClass: RampartThrottlerGuard },
  { provide: APP_GUARD, useClass: AuthorizationGuard },
  { provide: APP_GUARD, useClass: CsrfGuard },
  { provide: APP_FILTER, useClass: SecurityExceptionFilter },
];

/**
 * Rampart in one import: authentication on every route (deny by default), roles, security
 * headers, and the store behind them. Configure it with `forRoot` or `forRootAsync`.
 *
 * @example
 * @Module({
 *   imports: [
 *     SecurityModule.forRoot({
 *       jwt: { issuer: 'https://api.example.com', audience: 'api' },
 *       userProvider: UsersService,
 *     }),
 *   ],
 * })
 * export class AppModule {}
 */
@Module({
  imports: [DiscoveryModule],
  providers,
  exports: [
    RESOLVED_SECURITY_OPTIONS,
    SecurityStore,
    SecurityClock,
    SecurityEvents,
    TokenService,
    RefreshTokenService,
    RevocationService,
    SessionService,
    OidcService,
    ThrottleCounter,
    UploadScanner,
    PolicyRegistry,
  ],
})
export class SecurityModule
  extends ConfigurableSecurityModule
  implements NestModule, OnApplicationShutdown
{
  private readonly logger = new Logger('SecurityModule');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
    @Inject(JWT_STRATEGIES) private readonly jwtStrategies: readonly JwtStrategy[],
    private readonly bodyLimitRoutes: BodyLimitRoutes,
    private readonly sessions: SessionService,
    private readonly modules: ModulesContainer,
  ) {
    super();
  }

  /** Installs the security headers on the HTTP adapter, ahead of every route (404s included). */
  configure(_consumer: MiddlewareConsumer): void {
    const { httpAdapter } = this.adapterHost;
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- absent outside HTTP applications
    if (httpAdapter === undefined) {
      throw new SecurityConfigurationError(
        '(application)',
        'has no HTTP adapter',
        'use SecurityModule in an HTTP application (Express or Fastify)',
      );
    }
    installSecurityHeaders(httpAdapter, this.options.headers.plan, {
      nestMiddleware: otherModulesConfigureMiddleware(this.modules, this),
    });
    installBodyLimit(httpAdapter, this.bodyLimitRoutes);
    if (this.options.session !== undefined)
      installPassportSessionManager(httpAdapter, this.sessions);
    this.logger.log(
      `Rampart active (${this.options.environment}; store: ${this.options.store.type}; jwt: ${this.options.jwt === undefined ? 'off' : 'on'}; sessions: ${this.options.session === undefined ? 'off' : 'on'})`,
    );
    if (this.options.session?.allowInsecureHttp === true) {
      this.logger.warn(
        `Development mode: over plain HTTP the session cookie "${this.options.session.cookieName}" is sent WITHOUT Secure (session.dangerouslyAllowInsecureHttp). Never use this in production; over HTTPS the cookie is "${this.options.session.secureCookieName}".`,
      );
    }
  }

  onApplicationShutdown(): void {
    for (const strategy of this.jwtStrategies) strategy.unregister();
  }
}
