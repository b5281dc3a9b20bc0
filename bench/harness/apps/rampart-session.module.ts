import { Controller, Get, HttpCode, Module, Post, Req, Res } from '@nestjs/common';
import {
  CurrentUser,
  Public,
  SecurityModule,
  SessionService,
  type Principal,
  type SecurityRequest,
} from '../../../libs/security/src';
import { BENCH_THROTTLE_LIMIT, BENCH_THROTTLE_WINDOW_MS, okBody, requireEnv } from './bench-env';

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
 * expiry), with the rest of the module on (headers, throttling counted in Redis, input hardening).
 */
@Module({
  imports: [
    SecurityModule.forRoot({
      environment: 'development',
      session: { dangerouslyAllowInsecureHttp: true },
      throttling: {
        throttlers: [
          { name: 'default', limit: BENCH_THROTTLE_LIMIT, windowMs: BENCH_THROTTLE_WINDOW_MS },
        ],
      },
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
