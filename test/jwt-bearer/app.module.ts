import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import {
  CurrentUser,
  Public,
  Roles,
  SecurityModule,
  type Principal,
  type SecurityModuleOptions,
} from '@rampart/security';

@Controller()
export class ScenarioController {
  @Public()
  @Get('public')
  open(@CurrentUser() user: Principal | undefined): { ok: true; user: string | null } {
    return { ok: true, user: user?.username ?? null };
  }

  @Get('protected')
  protectedRoute(@CurrentUser() user: Principal): Principal {
    return user;
  }

  @Roles('admin')
  @Get('admin')
  admin(): { admin: true } {
    return { admin: true };
  }

  @Roles('user')
  @Get('user-area')
  userArea(): { user: true } {
    return { user: true };
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('internal detail that must not leak');
  }
}

@Module({})
export class JwtBearerScenarioModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: JwtBearerScenarioModule,
      imports: [SecurityModule.forRoot(options)],
      controllers: [ScenarioController],
    };
  }
}
