import { Controller, Get, Header } from '@nestjs/common';
import { Public, TokenService } from '@rampart/security';

@Controller('.well-known')
export class JwksController {
  constructor(private readonly tokens: TokenService) {}

  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(): ReturnType<TokenService['jwks']> {
    return this.tokens.jwks();
  }
}
