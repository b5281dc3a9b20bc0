import { Controller, Get, Module } from '@nestjs/common';
import { Public, SecurityModule } from '../../../libs/security/src';
import { BENCH_THROTTLE_LIMIT, BENCH_THROTTLE_WINDOW_MS, okBody, requireEnv } from './bench-env';

@Controller('api')
class PingController {
  @Get('ping')
  @Public()
  ping(): ReturnType<typeof okBody> {
    return okBody(undefined);
  }
}

/**
 * Rampart's throttling counted in Redis (one Lua script per request, keyed by client IP) on a
 * public route; the module's headers and input hardening are on as well.
 */
@Module({
  imports: [
    SecurityModule.forRoot({
      environment: 'production',
      throttling: {
        throttlers: [
          { name: 'default', limit: BENCH_THROTTLE_LIMIT, windowMs: BENCH_THROTTLE_WINDOW_MS },
        ],
      },
      store: {
        type: 'redis',
        url: requireEnv('REDIS_URL'),
        keyPrefix: `bench-throttle:${String(process.pid)}:`,
      },
    }),
  ],
  controllers: [PingController],
})
export class RampartThrottleModule {}
