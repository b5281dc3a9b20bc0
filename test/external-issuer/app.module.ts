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
export class ResourceServerController {
  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('me')
  me(@CurrentUser() user: Principal): Principal {
    return user;
  }

  @Roles('admin')
  @Get('admin')
  admin(): { admin: true } {
    return { admin: true };
  }
}

/** An API that accepts its own tokens and those of external identity providers. */
@Module({})
export class ExternalIssuerScenarioModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: ExternalIssuerScenarioModule,
      imports: [SecurityModule.forRoot(options)],
      controllers: [ResourceServerController],
    };
  }
}
