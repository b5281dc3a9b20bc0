import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import {
  CurrentUser,
  Public,
  SecurityModule,
  SkipThrottle,
  Throttle,
  type Principal,
  type SecurityModuleOptions,
  type ThrottlingOptions,
} from '@rampart/security';
import { AuthController } from '../../src/auth.controller';
import { DemoUsersService } from '../../src/demo-users.service';
import { es256KeyPair } from '../support/jwt-forge';

const keys = es256KeyPair();

/** Rampart's own tokens, for the authenticated (per-principal) cases. */
export const JWT = {
  issuer: 'https://issuer.test',
  audience: 'api.test',
  keys: [{ kid: 'k1', privateKey: keys.privatePem }],
} as const;

/** The general limit of these scenarios: 5 requests a minute per client and route. */
export const LIMIT = 5;

@Controller()
class ThrottledController {
  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('whoami')
  whoami(@CurrentUser() user: Principal): { id: string } {
    return { id: user.id };
  }

  @Public()
  @Throttle({ default: { limit: 2, ttl: 60_000 } })
  @Get('strict')
  strict(): { ok: true } {
    return { ok: true };
  }

  @Public()
  @SkipThrottle()
  @Get('unlimited')
  unlimited(): { ok: true } {
    return { ok: true };
  }
}

/**
 * The throttling scenarios' app: `/open` (public), `/whoami` (authenticated), `/strict` (public,
 * `@Throttle` 2 a minute), `/unlimited` (`@SkipThrottle`), and the reference app's credential
 * routes (`/auth/token`, `/auth/refresh`: `@ThrottleCredentials()`).
 */
@Module({})
export class ThrottlingScenarioModule {
  static with(throttling: ThrottlingOptions, store: SecurityModuleOptions['store']): DynamicModule {
    return {
      module: ThrottlingScenarioModule,
      imports: [
        SecurityModule.forRoot({
          environment: 'test',
          jwt: JWT,
          store,
          throttling: {
            throttlers: [{ name: 'default', limit: LIMIT, windowMs: 60_000 }],
            ...throttling,
          },
          userProvider: DemoUsersService,
        }),
      ],
      controllers: [ThrottledController, AuthController],
    };
  }
}

/** The 429 body, the same for every refusal. */
export const RATE_LIMITED = {
  statusCode: 429,
  code: 'SECURITY_RATE_LIMITED',
  message: 'Too many requests; try again later.',
};
