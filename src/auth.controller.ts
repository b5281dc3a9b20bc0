import { Body, Controller, Header, HttpCode, Post } from '@nestjs/common';
import { CredentialsService, Public, TokenService } from '@rampart/security';

/** Body of a successful POST /auth/token (OAuth 2.0 token response field names). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
}

@Controller('auth')
export class AuthController {
  constructor(
    private readonly credentials: CredentialsService,
    private readonly tokens: TokenService,
  ) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store') // RFC 6749 section 5.1
  @Header('Pragma', 'no-cache')
  async token(@Body() body: unknown): Promise<TokenResponse> {
    const user = await this.credentials.verify(body);
    const issued = this.tokens.issueAccessToken(user);
    return {
      access_token: issued.accessToken,
      token_type: issued.tokenType,
      expires_in: issued.expiresIn,
    };
  }
}
