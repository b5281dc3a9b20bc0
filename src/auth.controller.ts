import { Body, Controller, Header, HttpCode, Inject, Post, Req } from '@nestjs/common';
import {
  CredentialsService,
  CurrentUser,
  InvalidRequestException,
  Public,
  readClientCertificate,
  RESOLVED_SECURITY_OPTIONS,
  RefreshTokenService,
  RevocationService,
  type Principal,
  type ResolvedSecurityOptions,
  type SecurityRequest,
  type TokenPair,
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
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  /**
   * Password login for API clients: an access token and a rotating refresh token. Over mTLS the
   * tokens are bound to the client certificate (RFC 8705): they only work with it.
   */
  @Public()
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

  /** Revokes every token and refresh family of the user. */
  @Post('logout-all')
  @HttpCode(204)
  async logoutAll(@CurrentUser() user: Principal): Promise<void> {
    await this.refreshTokens.revokeUser(user.id);
  }
}
