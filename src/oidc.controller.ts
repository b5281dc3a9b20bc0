import { Body, Controller, Get, Header, HttpCode, Post, Redirect, Req, Res } from '@nestjs/common';
import {
  CsrfExempt,
  OidcService,
  Public,
  type OidcRedirect,
  type SecurityRequest,
} from '@rampart/security';

/**
 * OpenID Connect login of the reference app, mounted when `OIDC_ISSUER` is set: the browser goes
 * to `/auth/oidc/login`, signs in at the provider, comes back to `/auth/oidc/callback` (which
 * must be the registered `OIDC_REDIRECT_URI`) and leaves with a session cookie. Logout ends the
 * session and sends the browser to the provider's end-session endpoint; the provider calls the
 * back-channel endpoint to end sessions on every instance when the user signs out there.
 */
@Controller('auth/oidc')
export class OidcController {
  constructor(private readonly oidc: OidcService) {}

  /** 302 to the provider's authorization endpoint; sets the browser-binding cookie. */
  @Public()
  @Get('login')
  @Header('Cache-Control', 'no-store')
  @Redirect()
  login(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<OidcRedirect> {
    return this.oidc.login(request, response);
  }

  /** The redirect URI: 303 to `/` with a new session cookie; 401/502 JSON when refused. */
  @Public()
  @Get('callback')
  @Header('Cache-Control', 'no-store')
  @Redirect()
  callback(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<OidcRedirect> {
    return this.oidc.callback(request, response);
  }

  /** RP-initiated logout (session and CSRF token required): 303 to the provider's end-session endpoint. */
  @Post('logout')
  @Header('Cache-Control', 'no-store')
  @Redirect()
  logout(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<OidcRedirect> {
    return this.oidc.logout(request, response);
  }

  /**
   * Back-channel logout, called by the provider (no cookie, no CSRF token): 200 once the
   * sessions the logout token names are revoked on every instance; 400 for a bad token.
   */
  @Public()
  @CsrfExempt()
  @Post('backchannel-logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async backChannelLogout(@Body() body: unknown): Promise<void> {
    await this.oidc.backChannelLogout(body);
  }
}
