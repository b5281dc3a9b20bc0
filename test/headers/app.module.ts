import { Controller, Get, HttpException, Module, type DynamicModule } from '@nestjs/common';
import {
  Public,
  SecurityHeaders,
  SecurityModule,
  type SecurityModuleOptions,
} from '@rampart/security';

@Controller()
export class HeadersController {
  @Public()
  @Get('public')
  open(): { ok: true } {
    return { ok: true };
  }

  @Get('protected')
  protectedRoute(): { ok: true } {
    return { ok: true };
  }

  @Public()
  @Get('teapot')
  teapot(): never {
    throw new HttpException('short and stout', 418);
  }

  @Public()
  @Get('boom')
  boom(): never {
    throw new Error('internal');
  }

  @Public()
  @SecurityHeaders({
    contentSecurityPolicy: {
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", 'https://cdn.test'] },
    },
    xFrameOptions: { action: 'sameorigin' },
  })
  @Get('docs')
  docs(): { docs: true } {
    return { docs: true };
  }
}

@Module({})
export class HeadersScenarioModule {
  static with(options: SecurityModuleOptions): DynamicModule {
    return {
      module: HeadersScenarioModule,
      imports: [SecurityModule.forRoot(options)],
      controllers: [HeadersController],
    };
  }
}
