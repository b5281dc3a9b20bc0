import { Controller, Get, Module } from '@nestjs/common';
import { CurrentUser, Roles, SecurityModule, type Principal } from '../../../libs/security/src';
import {
  BENCH_AUDIENCE,
  BENCH_ISSUER,
  BENCH_KID,
  BENCH_THROTTLE_LIMIT,
  BENCH_THROTTLE_WINDOW_MS,
  okBody,
  requireEnv,
} from './bench-env';

@Controller('api')
class OrdersController {
  @Get('orders')
  @Roles('user')
  orders(@CurrentUser() user: Principal): ReturnType<typeof okBody> {
    return okBody(user.id);
  }
}

/**
 * Rampart's full stack on a role-protected route: bearer JWT (ES256), `@Roles('user')` through the
 * hierarchy, throttling (memory store, counted on every request, never refusing), default security
 * headers, body limit and input hardening.
 */
@Module({
  imports: [
    SecurityModule.forRoot({
      environment: 'production',
      jwt: {
        issuer: BENCH_ISSUER,
        audience: BENCH_AUDIENCE,
        keys: [
          { kid: BENCH_KID, algorithm: 'ES256', privateKey: requireEnv('BENCH_JWT_PRIVATE_KEY') },
        ],
      },
      roles: { hierarchy: { admin: ['user'], user: [] } },
      throttling: {
        throttlers: [
          { name: 'default', limit: BENCH_THROTTLE_LIMIT, windowMs: BENCH_THROTTLE_WINDOW_MS },
        ],
      },
      store: { type: 'memory' },
    }),
  ],
  controllers: [OrdersController],
})
export class RampartJwtModule {}
