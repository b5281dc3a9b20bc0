import {
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  Injectable,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
  type Type,
} from '@nestjs/common';
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
  /** `features`: application modules to import beside Rampart (e.g. one with Nest middleware). */
  static with(options: SecurityModuleOptions, ...features: Type[]): DynamicModule {
    return {
      module: HeadersScenarioModule,
      imports: [SecurityModule.forRoot(options), ...features],
      controllers: [HeadersController],
    };
  }
}

/** A Nest middleware that refuses the request (as a body check or an API gateway rule would). */
@Injectable()
export class RefusingMiddleware implements NestMiddleware {
  use(): never {
    throw new ForbiddenException('refused by a Nest middleware');
  }
}

/** A Nest middleware that answers on its own, on the Node.js response, without Nest or Fastify. */
@Injectable()
export class AnsweringMiddleware implements NestMiddleware {
  use(_request: unknown, response: { statusCode: number; end(body: string): void }): void {
    response.statusCode = 202;
    response.end('answered by a Nest middleware');
  }
}

/** An application module of the usual kind: it registers Nest middleware from configure(). */
@Module({ providers: [RefusingMiddleware, AnsweringMiddleware] })
export class MiddlewareFeatureModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RefusingMiddleware).forRoutes('refused-by-middleware');
    consumer.apply(AnsweringMiddleware).forRoutes('answered-by-middleware');
  }
}
