import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import {
  CredentialsService,
  CurrentUser,
  InvalidRequestException,
  Public,
  RefreshTokenService,
  RevocationService,
  type Principal,
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
  ) {}

  /** Password login for API clients: an access token and a rotating refresh token. */
  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store') // RFC 6749 section 5.1
  @Header('Pragma', 'no-cache')
  async token(@Body() body: unknown): Promise<TokenPair> {
    const user = await this.credentials.verify(body);
    return this.refreshTokens.issue(user);
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
