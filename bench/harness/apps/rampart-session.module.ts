import { Controller, Get, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import {
  CurrentUser,
  Public,
  SecurityModule,
  SessionService,
  type Principal,
  type SecurityRequest,
} from '../../../libs/security/src';
import { okBody, requireEnv } from './bench-env';

@Controller()
class SessionController {
  constructor(private readonly sessions: SessionService) {}

  /** Starts a session for the bench user; the runner calls it once and replays the cookie. */
  @Post('login')
  @Public()
  @HttpCode(200)
  async login(
    @Req() request: SecurityRequest,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<{ csrfToken: string }> {
    const { csrfToken } = await this.sessions.login(request, response, {
      id: 'u-1',
      username: 'alice',
      roles: ['user'],
    });
    return { csrfToken };
  }

  @Get('api/me')
  me(@CurrentUser() user: Principal): ReturnType<typeof okBody> {
    return okBody(user.id);
  }
}

/**
 * Rampart sessions on Redis (defaults: local record cache with pub/sub invalidation, sliding
 * expiry), with headers and input hardening on. Throttling is off here so that the comparison
 * with express-session + connect-redis is sessions against sessions; the Redis throttle has its
 * own rows (rampart-throttle).
 */
@Module({
  imports: [
    SecurityModule.forRoot({
      environment: 'development',
      session: { dangerouslyAllowInsecureHttp: true },
      throttling: { throttlers: [] },
      store: {
        type: 'redis',
        url: requireEnv('REDIS_URL'),
        keyPrefix: `bench-session:${String(process.pid)}:`,
      },
    }),
  ],
  controllers: [SessionController],
})
export class RampartSessionModule {}
