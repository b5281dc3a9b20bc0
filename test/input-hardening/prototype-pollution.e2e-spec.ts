import { Body, Controller, Get, HttpCode, Module, Post } from '@nestjs/common';
import { Public, SecurityModule } from '@rampart/security';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';

/** A naive deep merge, as found in many apps: it pollutes Object.prototype through __proto__. */
function naiveMerge(target: Record<string, unknown>, source: unknown): Record<string, unknown> {
  if (typeof source !== 'object' || source === null) return target;
  for (const [key, value] of Object.entries(source)) {
    if (typeof value === 'object' && value !== null) {
      const next = (target[key] ?? {}) as Record<string, unknown>;
      target[key] = naiveMerge(next, value);
    } else {
      target[key] = value;
    }
  }
  return target;
}

@Public()
@Controller()
class SettingsController {
  @Post('settings')
  @HttpCode(201)
  save(@Body() body: unknown): Record<string, unknown> {
    return naiveMerge({}, body);
  }

  @Get('probe')
  probe(): { polluted: unknown } {
    return { polluted: ({} as Record<string, unknown>).polluted ?? null };
  }
}

@Module({
  imports: [SecurityModule.forRoot({ environment: 'test' })],
  controllers: [SettingsController],
})
class PollutionModule {}

/**
 * Issue 6, input hardening: a body carrying `__proto__` or `constructor.prototype` is refused
 * with 400 before the handler runs, so a handler that merges it naively cannot pollute
 * `Object.prototype`, and later requests are unaffected. Both adapters.
 */
describe.each(ADAPTERS)('prototype pollution (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp(PollutionModule, adapter);
  });
  afterAll(async () => {
    await app.close();
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  it.each([
    ['__proto__', '{"__proto__":{"polluted":"yes"}}'],
    ['nested __proto__', '{"theme":{"__proto__":{"polluted":"yes"}}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
  ])(
    'refuses %s with 400 SECURITY_BAD_REQUEST and leaves Object.prototype alone',
    async (_name, json) => {
      const response = await request(app.getHttpServer())
        .post('/settings')
        .set('content-type', 'application/json')
        .send(json);
      expect(response.status).toBe(400);
      // Fastify's own JSON parser (secure-json-parse) refuses these first, with Nest's 400 body;
      // on Express, Rampart's guard refuses them with its stable code.
      if (adapter === 'express') {
        expect(response.body).toMatchObject({ statusCode: 400, code: 'SECURITY_BAD_REQUEST' });
      }
      expect(response.text).not.toContain('yes');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      await request(app.getHttpServer()).get('/probe').expect(200, { polluted: null });
    },
  );

  it('accepts ordinary bodies, including a plain "constructor" field', async () => {
    await request(app.getHttpServer())
      .post('/settings')
      .send({ theme: { dark: true }, constructor: 'Bob' })
      .expect(201, { theme: { dark: true }, constructor: 'Bob' });
    await request(app.getHttpServer()).get('/probe').expect(200, { polluted: null });
  });
});
