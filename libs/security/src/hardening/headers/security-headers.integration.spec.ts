import {
  Body,
  Controller,
  ForbiddenException,
  Get,
  HttpException,
  HttpStatus,
  Injectable,
  Module,
  Post,
  UseGuards,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
  type MiddlewareConsumer,
  type NestMiddleware,
  type NestModule,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyInstance } from 'fastify';
import request from 'supertest';
import type { HeaderTarget } from './header-plan';
import { installSecurityHeaders } from './install-security-headers';
import { markNoStore } from './no-store';
import { resolveSecurityHeadersOptions } from './resolve-security-headers-options';
import { SecurityHeaders } from './security-headers.decorator';

const RESOLVED = resolveSecurityHeadersOptions(undefined);

/** Every default header, by lower-cased name (what supertest reports). */
const DEFAULT_HEADERS = Object.fromEntries(
  RESOLVED.plan.set.map(([name, value]) => [name.toLowerCase(), value]),
);

/** Stands in for the authentication guard: marks the response of an authenticated request. */
@Injectable()
class AuthenticatedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    markNoStore(context.switchToHttp().getResponse<HeaderTarget>());
    return true;
  }
}

/** A Nest middleware that rejects the request (e.g. a body cap or CSRF check). */
@Injectable()
class RejectingMiddleware implements NestMiddleware {
  use(): void {
    throw new ForbiddenException('rejected by middleware');
  }
}

const CDN_IMAGES = {
  contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'https://cdn.example.com'] } },
  xFrameOptions: { action: 'sameorigin' },
  crossOriginResourcePolicy: false,
} as const;

@Controller('probe')
class ProbeController {
  @Get('ok')
  ok(): { ok: true } {
    return { ok: true };
  }

  @Get('unauthorized')
  unauthorized(): never {
    throw new HttpException('Authentication required', HttpStatus.UNAUTHORIZED);
  }

  @Get('crash')
  crash(): never {
    throw new Error('unexpected failure');
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return body;
  }

  @Get('rejected')
  rejected(): string {
    return 'never reached';
  }

  @Get('authenticated')
  @UseGuards(AuthenticatedGuard)
  authenticated(): { secret: string } {
    return { secret: 'for this user only' };
  }

  @Get('override')
  @SecurityHeaders(CDN_IMAGES)
  override(): { ok: true } {
    return { ok: true };
  }

  @Get('override-crash')
  @SecurityHeaders(CDN_IMAGES)
  overrideCrash(): never {
    throw new Error('unexpected failure');
  }
}

@Controller('embed')
@SecurityHeaders({ crossOriginResourcePolicy: { policy: 'cross-origin' } })
class EmbedController {
  @Get('asset')
  asset(): { ok: true } {
    return { ok: true };
  }

  @Get('frame')
  @SecurityHeaders({ xFrameOptions: { action: 'sameorigin' } })
  frame(): { ok: true } {
    return { ok: true };
  }
}

/** Installs the headers the way SecurityModule does: from configure(), through HttpAdapterHost. */
@Module({
  controllers: [ProbeController, EmbedController],
  providers: [AuthenticatedGuard],
})
class HeadersTestModule implements NestModule {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  configure(consumer: MiddlewareConsumer): void {
    installSecurityHeaders(this.adapterHost.httpAdapter, RESOLVED.plan);
    consumer.apply(RejectingMiddleware).forRoutes('probe/rejected');
  }
}

async function createApp(adapter: 'express' | 'fastify'): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [HeadersTestModule] }).compile();
  const app =
    adapter === 'express'
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  if (adapter === 'fastify') {
    const fastify: FastifyInstance = app.getHttpAdapter().getInstance();
    await fastify.ready();
  }
  return app;
}

describe.each(['express', 'fastify'] as const)('security headers on %s', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp(adapter);
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (path: string): request.Test => request(app.getHttpServer()).get(path);

  it.each<[string, () => request.Test, number]>([
    ['a 200', () => get('/probe/ok'), 200],
    ['a 401 HttpException', () => get('/probe/unauthorized'), 401],
    ['a 404 (no route)', () => get('/nowhere'), 404],
    ['a 500 (unexpected error)', () => get('/probe/crash'), 500],
    [
      'a 400 from the body parser (malformed JSON)',
      () =>
        request(app.getHttpServer())
          .post('/probe/echo')
          .set('content-type', 'application/json')
          .send('{"not json'),
      400,
    ],
    ['a 403 thrown by a Nest middleware', () => get('/probe/rejected'), 403],
  ])('puts every default header on %s, and no X-Powered-By', async (_case, send, status) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers).toEqual(expect.objectContaining(DEFAULT_HEADERS));
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('sends the exact strict values', async () => {
    const { headers } = await get('/probe/ok');
    expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'",
    );
  });

  it('applies a @SecurityHeaders() override on its route', async () => {
    const { headers } = await get('/probe/override');
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none';img-src 'self' https://cdn.example.com",
    );
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['cross-origin-resource-policy']).toBeUndefined();
    expect(headers['strict-transport-security']).toBe(DEFAULT_HEADERS['strict-transport-security']);
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it("keeps the override on its route's error responses", async () => {
    const response = await get('/probe/override-crash');
    expect(response.status).toBe(500);
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['cross-origin-resource-policy']).toBeUndefined();
  });

  it('leaves the other routes with the defaults, before and after the override route', async () => {
    const before = await get('/probe/ok');
    await get('/probe/override');
    const after = await get('/probe/ok');
    for (const response of [before, after]) {
      expect(response.headers).toEqual(expect.objectContaining(DEFAULT_HEADERS));
    }
  });

  it("applies a controller's override, and lets a method's override replace it", async () => {
    const asset = await get('/embed/asset');
    expect(asset.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(asset.headers['x-frame-options']).toBe('DENY');

    const frame = await get('/embed/frame');
    expect(frame.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(frame.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('marks authenticated responses Cache-Control: no-store, and only those', async () => {
    const authenticated = await get('/probe/authenticated');
    expect(authenticated.headers['cache-control']).toBe('no-store');
    expect(authenticated.headers.pragma).toBe('no-cache');
    expect(authenticated.headers['x-frame-options']).toBe('DENY');

    const anonymous = await get('/probe/ok');
    expect(anonymous.headers['cache-control']).toBeUndefined();
  });
});
