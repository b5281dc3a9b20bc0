import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { BENCH_THROTTLE_WINDOW_MS, okBody, requireEnv } from './bench-env';

@Controller('api')
class PingController {
  @Get('ping')
  ping(): ReturnType<typeof okBody> {
    return okBody(undefined);
  }
}

/** @nestjs/throttler's guard over @nest-lab/throttler-storage-redis (ioredis), nothing else. */
@Module({
  imports: [
    ThrottlerModule.forRoot({
      throttlers: [{ ttl: BENCH_THROTTLE_WINDOW_MS, limit: 1_000_000_000 }],
      storage: new ThrottlerStorageRedisService(
        new Redis(requireEnv('REDIS_URL'), { keyPrefix: `bench-nestlab:${String(process.pid)}:` }),
      ),
    }),
  ],
  controllers: [PingController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class NestLabThrottleModule {}
