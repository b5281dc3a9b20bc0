import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Module,
  Param,
  Post,
  Query,
  type Type,
} from '@nestjs/common';
import { InjectSecurityStore, Public, SecurityModule, SecurityStore } from '@rampart/security';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { MATRIX, startApp, storeOptions, type StoreName } from '../support/apps';
import { startWithNestingQueryParser } from './nesting-query-parser';

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

/** What a fresh object inherits under the name `polluted` (null when nothing: the good case). */
function inheritedPolluted(): unknown {
  return ({} as Record<string, unknown>).polluted ?? null;
}

@Public()
@Controller()
class SettingsController {
  constructor(@InjectSecurityStore() private readonly store: SecurityStore) {}

  /** Merges the body naively and keeps it in the store, as an app's settings endpoint might. */
  @Post('settings/:id')
  @HttpCode(201)
  async save(@Param('id') id: string, @Body() body: unknown): Promise<Record<string, unknown>> {
    const merged = naiveMerge({}, body);
    await this.store.set(`pollution-test:${id}`, merged, 60_000);
    return merged;
  }

  @Get('settings/:id')
  async read(@Param('id') id: string): Promise<{ stored: unknown; polluted: unknown }> {
    const stored = (await this.store.get<Record<string, unknown>>(`pollution-test:${id}`)) ?? null;
    return { stored, polluted: stored === null ? null : (stored.polluted ?? null) };
  }

  /** Merges the query naively too. */
  @Get('probe')
  probe(@Query() query: unknown): { polluted: unknown; query: Record<string, unknown> } {
    return { polluted: inheritedPolluted(), query: naiveMerge({}, query) };
  }
}

function pollutionModule(store: StoreName): Type {
  @Module({
    imports: [SecurityModule.forRoot({ environment: 'test', store: storeOptions(store) })],
    controllers: [SettingsController],
  })
  class PollutionModule {}
  return PollutionModule;
}

/** Query strings that spell a polluting key, raw and percent-encoded. */
const POLLUTING_QUERIES = [
  '__proto__[polluted]=yes',
  '__proto__=yes',
  'constructor[prototype][polluted]=yes',
  'theme[__proto__][polluted]=yes',
  'a.__proto__.polluted=yes',
  '%5F%5Fproto%5F%5F%5Bpolluted%5D=yes',
  'ok=1&constructor%5Bprototype%5D%5Bpolluted%5D=yes',
];

/**
 * Issue 6, input hardening: a body or query carrying `__proto__` or `constructor.prototype` is
 * refused with 400 before the handler runs (or, for Express's qs-parsed forms, never reaches it),
 * so a handler that merges input naively cannot pollute `Object.prototype`, nothing reaches the
 * store, and later requests are unaffected. Express and Fastify, memory and Redis store.
 */
describe.each(MATRIX)('prototype pollution (%s, %s store)', (adapter, store) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp(pollutionModule(store), adapter);
  });
  afterAll(async () => {
    await app.close();
    delete (Object.prototype as Record<string, unknown>).polluted;
  });

  /** Every "no effect" check: the process, a later request, and the store. */
  async function expectNoEffect(id: string, stored: unknown = null): Promise<void> {
    expect(inheritedPolluted()).toBeNull();
    await request(app.getHttpServer()).get('/probe').expect(200, { polluted: null, query: {} });
    await request(app.getHttpServer())
      .get(`/settings/${id}`)
      .expect(200, { stored, polluted: null });
  }

  it.each([
    ['__proto__', '{"__proto__":{"polluted":"yes"}}'],
    ['nested __proto__', '{"theme":{"__proto__":{"polluted":"yes"}}}'],
    ['constructor.prototype', '{"constructor":{"prototype":{"polluted":"yes"}}}'],
  ])('refuses a JSON body with %s (400) and leaves everything alone', async (_name, json) => {
    const id = randomUUID();
    const response = await request(app.getHttpServer())
      .post(`/settings/${id}`)
      .set('content-type', 'application/json')
      .send(json);
    expect(response.status).toBe(400);
    // Fastify's own JSON parser (secure-json-parse) refuses these first, with Nest's 400 body;
    // on Express, Rampart's guard refuses them with its stable code.
    if (adapter === 'express') {
      expect(response.body).toMatchObject({ statusCode: 400, code: 'SECURITY_BAD_REQUEST' });
    }
    expect(response.text).not.toContain('yes');
    await expectNoEffect(id);
  });

  it.each([['{"a.__proto__.polluted":"yes"}'], ['{"x":{"constructor[prototype][polluted]":1}}']])(
    'refuses a JSON body whose flat key spells a polluting path: %s',
    async (json) => {
      const id = randomUUID();
      const response = await request(app.getHttpServer())
        .post(`/settings/${id}`)
        .set('content-type', 'application/json')
        .send(json);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        code: 'SECURITY_BAD_REQUEST',
        message:
          'The request body contains a key that is not allowed (__proto__ or constructor.prototype).',
      });
      await expectNoEffect(id);
    },
  );

  it.each(POLLUTING_QUERIES)(
    'refuses the query ?%s with 400 SECURITY_BAD_REQUEST',
    async (query) => {
      const response = await request(app.getHttpServer()).get(`/probe?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        code: 'SECURITY_BAD_REQUEST',
        message:
          'The request query contains a key that is not allowed (__proto__ or constructor.prototype).',
      });
      expect(response.headers['cache-control']).toBe('no-store');
      await expectNoEffect(randomUUID());
    },
  );

  /**
   * Urlencoded bodies: Express parses them with qs (`extended: true`, Nest's default), which drops
   * `__proto__` segments itself (stripped: the handler gets what is left) but builds
   * `constructor.prototype` (refused by Rampart); Fastify's parser is flat, so every polluting
   * name arrives whole and Rampart refuses it, except a bare `__proto__`, which the adapter's
   * parser refuses first (Nest's 400 body).
   */
  it.each([
    ['__proto__[polluted]=yes', { express: { theme: 'x' }, fastify: 'rampart' }],
    ['__proto__=yes', { express: { theme: 'x' }, fastify: 'adapter' }],
    ['theme[__proto__][polluted]=yes', { express: { theme: {} }, fastify: 'rampart' }],
    ['constructor[prototype][polluted]=yes', { express: 'rampart', fastify: 'rampart' }],
    ['a.__proto__.polluted=yes', { express: 'rampart', fastify: 'rampart' }],
  ] as const)('handles the urlencoded body %s safely', async (form, outcomes) => {
    const id = randomUUID();
    const body = form.startsWith('theme[') ? form : `theme=x&${form}`;
    const response = await request(app.getHttpServer())
      .post(`/settings/${id}`)
      .set('content-type', 'application/x-www-form-urlencoded')
      .send(body);
    const outcome = outcomes[adapter];
    if (outcome === 'rampart') {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'SECURITY_BAD_REQUEST' });
      await expectNoEffect(id);
    } else if (outcome === 'adapter') {
      expect(response.status).toBe(400);
      await expectNoEffect(id);
    } else {
      expect(response.status).toBe(201);
      expect(response.body).toEqual(outcome);
      await expectNoEffect(id, outcome);
    }
    expect(response.text).not.toContain('yes');
  });

  it('keeps serving ordinary input afterwards, a plain "constructor" field included', async () => {
    const id = randomUUID();
    const settings = { theme: { dark: true }, constructor: 'Bob' };
    await request(app.getHttpServer()).post(`/settings/${id}`).send(settings).expect(201, settings);
    await expectNoEffect(id, settings);
    await request(app.getHttpServer())
      .post(`/settings/${id}`)
      .type('form')
      .send('theme=light&constructor=Bob')
      .expect(201, { theme: 'light', constructor: 'Bob' });
    await request(app.getHttpServer())
      .get('/probe?theme=dark&constructor=Bob')
      .expect(200, { polluted: null, query: { theme: 'dark', constructor: 'Bob' } });
  });
});

/**
 * Apps often switch to a query parser that builds objects (Express's `'extended'`, qs on
 * Fastify); qs drops `__proto__` silently. Rampart parses the query string itself, so the answer
 * is the same 400 whatever the adapter's parser.
 */
describe.each(MATRIX.filter(([, store]) => store === 'memory'))(
  'prototype pollution in the query with a nesting query parser (%s)',
  (adapter) => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startWithNestingQueryParser(pollutionModule('memory'), adapter);
    });
    afterAll(async () => {
      await app.close();
    });

    it.each(POLLUTING_QUERIES)('refuses ?%s with 400 SECURITY_BAD_REQUEST', async (query) => {
      const response = await request(app.getHttpServer()).get(`/probe?${query}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ code: 'SECURITY_BAD_REQUEST' });
      expect(inheritedPolluted()).toBeNull();
    });
  },
);
