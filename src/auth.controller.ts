import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import {
  AuthenticationRequiredException,
  CredentialsService,
  CsrfExempt,
  CurrentSession,
  CurrentUser,
  InvalidRequestException,
  Public,
  readClientCertificate,
  RESOLVED_SECURITY_OPTIONS,
  RefreshTokenService,
  RevocationService,
  SessionService,
  ThrottleCredentials,
  type Principal,
  type ResolvedSecurityOptions,
  type SecurityRequest,
  type SessionSummary,
  type TokenPair,
  type UserSession,
} from '@rampart/security';

/** Reads `refresh_token` from an untrusted body. */
function refreshTokenOf(body: unknown): unknown {
  return typeof body === 'object' && body !== null
    ? (body as { refresh_token?: unknown }).refresh_token
    : undefined;
}

@Controller('auth')
export class AuthController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly refreshTokens: RefreshTokenService,
    private readonly revocations: RevocationService,
    private readonly sessions: SessionService,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  /**
   * Password login for browsers: a new session (always a new id), its cookie, and a CSRF token for
   * the unsafe requests that follow. Bad credentials answer 401 with the same body whether the
   * user exists or not; a cross-site login answers 403 (login CSRF).
   */
  @Public()
  // The session's CSRF token is not needed to replace the session: login checks the request's
  // provenance itself (login CSRF), and a stale or planted session must not block a login.
  @CsrfExempt()
  @ThrottleCredentials()
  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async login(
    @Body() body: unknown,
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<{ csrfToken: string }> {
    const user = await this.credentials.verify(body);
    const { csrfToken } = await this.sessions.login(request, response, user);
    return { csrfToken };
  }

  /** A fresh CSRF token of the caller's session. */
  @Get('csrf')
  @Header('Cache-Control', 'no-store')
  csrf(@CurrentSession() session: UserSession | undefined): { csrfToken: string } {
    if (session === undefined) {
      throw new InvalidRequestException('CSRF tokens belong to sessions; this request has none.');
    }
    return { csrfToken: session.csrfToken() };
  }

  /**
   * Ends the caller's session (in the store, on every instance) and clears its cookie. A valid
   * session cookie authenticates it as usual (with the CSRF check); it is `@Public()` only so that
   * it still reaches the handler while the store is down, where the logout is kept and applied
   * once the store is back (503 meanwhile). Without a session cookie: 401.
   */
  @Public()
  @Post('logout')
  @HttpCode(204)
  async logout(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<void> {
    if (!(await this.sessions.logout(request, response))) {
      throw new AuthenticationRequiredException();
    }
  }

  /** The caller's sessions: id (hash), created, last seen, IP, user agent, which is current. */
  @Get('sessions')
  @Header('Cache-Control', 'no-store')
  listSessions(@CurrentUser() user: Principal): Promise<SessionSummary[]> {
    return this.sessions.list(user.id, user.session?.id ?? user.token?.sessionId);
  }

  /** Ends one of the caller's sessions; another user's session id answers 404. */
  @Delete('sessions/:id')
  @HttpCode(204)
  revokeSession(@CurrentUser() user: Principal, @Param('id') id: string): Promise<void> {
    return this.sessions.revoke(user.id, id);
  }

  /**
   * Password login for API clients: an access token and a rotating refresh token. Over mTLS the
   * tokens are bound to the client certificate (RFC 8705): they only work with it.
   */
  @Public()
  @ThrottleCredentials()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store') // RFC 6749 section 5.1
  @Header('Pragma', 'no-cache')
  async token(@Body() body: unknown, @Req() request: SecurityRequest): Promise<TokenPair> {
    const user = await this.credentials.verify(body);
    const certificate =
      this.options.mtls === undefined
        ? undefined
        : readClientCertificate(request, this.options.mtls);
    return this.refreshTokens.issue(
      user,
      certificate === undefined ? {} : { certificateThumbprint: certificate.x5tS256 },
    );
  }

  /** Rotates a refresh token; a rotated token presented again revokes its family. */
  @Public()
  @ThrottleCredentials()
  @Post('refresh')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  refresh(@Body() body: unknown): Promise<TokenPair> {
    return this.refreshTokens.refresh(refreshTokenOf(body));
  }

  /** Revokes the presented access token and its refresh family. */
  @Post('revoke')
  @HttpCode(204)
  async revoke(@CurrentUser() user: Principal): Promise<void> {
    const token = user.token;
    if (token === undefined) {
      throw new InvalidRequestException(
        'This route revokes the presented bearer access token; none was presented.',
      );
    }
    await this.revocations.revokeToken(token.id, token.expiresAt * 1000);
    if (token.familyId !== undefined)
      await this.refreshTokens.revokeFamily(token.familyId, user.id);
  }

  /** Revokes every session, access token and refresh family of the user, on every instance. */
  @Post('logout-all')
  @HttpCode(204)
  async logoutAll(
    @CurrentUser() user: Principal,
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<void> {
    await this.sessions.revokeUser(user.id);
    await this.refreshTokens.revokeUser(user.id);
    if (user.session !== undefined) await this.sessions.logout(request, response);
  }
}
