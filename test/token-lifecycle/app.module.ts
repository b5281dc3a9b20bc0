import { GENEROUS_THROTTLING } from '../support/apps';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import {
  CurrentUser,
  SecurityModule,
  type Principal,
  type SecurityModuleOptions,
} from '@rampart/security';
import { AuthController } from '../../src/auth.controller';
import { DemoUsersService } from '../../src/demo-users.service';
import { HealthController } from '../../src/health.controller';

@Controller('me')
class WhoAmIController {
  @Get()
  me(@CurrentUser() user: Principal): { id: string; username: string } {
    return { id: user.id, username: user.username };
  }
}

/** The reference app's token routes (/auth/token, /auth/refresh, /auth/revoke, /auth/logout-all), /health and /me. */
@Module({})
export class TokenLifecycleModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: TokenLifecycleModule,
      imports: [
        SecurityModule.forRoot({
          throttling: GENEROUS_THROTTLING,
          ...options,
          userProvider: DemoUsersService,
        }),
      ],
      controllers: [AuthController, WhoAmIController, HealthController],
    };
  }
}
