import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';
import { HeadersScenarioModule, MiddlewareFeatureModule } from './app.module';

const DEFAULT_CSP =
  "default-src 'self';base-uri 'none';form-action 'self';frame-ancestors 'none';object-src 'none';script-src-attr 'none'";

function expectHardened(headers: Record<string, string | undefined>): void {
  expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['content-security-policy']).toBe(DEFAULT_CSP);
  expect(headers['x-powered-by']).toBeUndefined();
}

describe.each(ADAPTERS)('security headers through SecurityModule (%s)', (adapter) => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp(HeadersScenarioModule.with({ environment: 'test' }), adapter);
  });
  afterAll(() => app.close());
  const get = (path: string) => request(app.getHttpServer()).get(path);

  it.each([
    ['a 200', '/public', 200],
    ['a 401', '/protected', 401],
    ['a 404', '/no-such-route', 404],
    ['an HttpException', '/teapot', 418],
    ['a 500', '/boom', 500],
  ])('are on %s', async (_name, path, status) => {
    const response = await get(path);
    expect(response.status).toBe(status);
    expectHardened(response.headers);
  });

  it('leave caching alone on an anonymous public 200, and forbid it on a 401', async () => {
    expect((await get('/public')).headers['cache-control']).toBeUndefined();
    expect((await get('/protected')).headers['cache-control']).toBe('no-store');
  });

  it('apply a @SecurityHeaders() override on its route only', async () => {
    const docs = await get('/docs').expect(200);
    expect(docs.headers['content-security-policy']).toBe(
      `${DEFAULT_CSP};script-src 'self' https://cdn.test`, // joins the safe defaults, never drops them
    );
    expect(docs.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(docs.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expectHardened((await get('/public')).headers);
  });
});

describe.each(ADAPTERS)('security headers around Nest middleware (%s)', (adapter) => {
  // Rampart's own middleware ahead of the Nest middleware goes into @fastify/middie through the
  // adapter's use(); Nest registers its middleware on the Fastify instance instead.
  let adapterUse: jest.SpyInstance;
  beforeEach(() => {
    adapterUse = jest.spyOn(FastifyAdapter.prototype, 'use');
  });
  afterEach(() => {
    adapterUse.mockRestore();
  });

  it('are on what a Nest middleware refuses or answers itself, and on the routes', async () => {
    const app = await startApp(
      HeadersScenarioModule.with({ environment: 'test' }, MiddlewareFeatureModule),
      adapter,
    );
    try {
      const get = (path: string) => request(app.getHttpServer()).get(path);
      const refused = await get('/refused-by-middleware');
      expect(refused.status).toBe(403);
      expectHardened(refused.headers);
      const answered = await get('/answered-by-middleware');
      expect(answered.status).toBe(202);
      expect(answered.text).toBe('answered by a Nest middleware');
      expectHardened(answered.headers);
      for (const [path, status] of [
        ['/public', 200],
        ['/protected', 401],
        ['/no-such-route', 404],
      ] as const) {
        const response = await get(path);
        expect(response.status).toBe(status);
        expectHardened(response.headers);
      }
      expect(adapterUse).toHaveBeenCalledTimes(adapter === 'fastify' ? 1 : 0);
    } finally {
      await app.close();
    }
  });

  it('keep middie idle on Fastify when no module registers Nest middleware', async () => {
    const app = await startApp(HeadersScenarioModule.with({ environment: 'test' }), adapter);
    try {
      expect(adapterUse).not.toHaveBeenCalled();
      expectHardened((await request(app.getHttpServer()).get('/public').expect(200)).headers);
    } finally {
      await app.close();
    }
  });
});

describe.each(ADAPTERS)('security headers options (%s)', (adapter) => {
  it('take module options: a longer HSTS with preload, a CSP addition', async () => {
    const app = await startApp(
      HeadersScenarioModule.with({
        environment: 'test',
        headers: {
          strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true, preload: true },
          contentSecurityPolicy: { directives: { imgSrc: ["'self'", 'https://img.test'] } },
        },
      }),
      adapter,
    );
    try {
      const response = await request(app.getHttpServer()).get('/public').expect(200);
      expect(response.headers['strict-transport-security']).toBe(
        'max-age=63072000; includeSubDomains; preload',
      );
      expect(response.headers['content-security-policy']).toContain(
        "img-src 'self' https://img.test",
      );
      expect(response.headers['content-security-policy']).toContain("object-src 'none'");
    } finally {
      await app.close();
    }
  });

  it('omit a header switched off deliberately', async () => {
    const app = await startApp(
      HeadersScenarioModule.with({
        environment: 'test',
        headers: { xFrameOptions: false, dangerouslyDisable: ['xFrameOptions'] },
      }),
      adapter,
    );
    try {
      const response = await request(app.getHttpServer()).get('/public').expect(200);
      expect(response.headers['x-frame-options']).toBeUndefined();
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    } finally {
      await app.close();
    }
  });
});
