import { GENEROUS_THROTTLING } from '../support/apps';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import {
  CurrentUser,
  Public,
  SecurityModule,
  type Principal,
  type SecurityModuleOptions,
} from '@rampart/security';
import { AuthController } from '../../src/auth.controller';
import { DemoUsersService } from '../../src/demo-users.service';
import { HealthController } from '../../src/health.controller';
import { MeController } from '../../src/me.controller';

/** A public route that says who, if anyone, the request was authenticated as. */
@Controller('whoami')
class WhoAmIController {
  @Public()
  @Get()
  whoami(@CurrentUser() user: Principal | undefined): { user: string | null } {
    return { user: user?.username ?? null };
  }
}

/** The reference app's session routes, /me, /health and a public /whoami. */
@Module({})
export class SessionOutageModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: SessionOutageModule,
      imports: [
        SecurityModule.forRoot({
          throttling: GENEROUS_THROTTLING,
          ...options,
          userProvider: DemoUsersService,
        }),
      ],
      controllers: [AuthController, MeController, HealthController, WhoAmIController],
    };
  }
}
