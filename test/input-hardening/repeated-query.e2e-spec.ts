import { Controller, Get, Module, Query, ValidationPipe, type Type } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import {
  Public,
  QueryArrays,
  SECURE_VALIDATION_PIPE_OPTIONS,
  SecurityModule,
  type RepeatedQueryPolicy,
} from '@rampart/security';
import { IsOptional, IsString } from 'class-validator';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';
import { startWithNestingQueryParser } from './nesting-query-parser';

class SearchDto {
  @IsString()
  q!: string;

  @IsOptional()
  @IsString()
  page?: string;
}

/** Echoes what `@Query()` holds, as the handler sees it. */
@Public()
@Controller('search')
class SearchController {
  @Get()
  search(@Query() query: Record<string, unknown>): Record<string, unknown> {
    return { ...query };
  }

  @Get('named')
  named(@Query('a') a: unknown): { a: unknown; kind: string } {
    return { a: a ?? null, kind: Array.isArray(a) ? 'array' : typeof a };
  }

  @QueryArrays('tag')
  @Get('tags')
  tags(@Query() query: Record<string, unknown>): Record<string, unknown> {
    return { ...query };
  }

  @Get('dto')
  dto(@Query(new ValidationPipe(SECURE_VALIDATION_PIPE_OPTIONS)) query: SearchDto): SearchDto {
    return query;
  }
}

@Public()
@QueryArrays('id')
@Controller('bulk')
class BulkController {
  @Get()
  list(@Query() query: Record<string, unknown>): Record<string, unknown> {
    return { ...query };
  }

  /** The method's `@QueryArrays()` replaces the controller's: `id` is not a list here. */
  @QueryArrays('tag')
  @Get('override')
  override(@Query() query: Record<string, unknown>): Record<string, unknown> {
    return { ...query };
  }
}

function queryModule(policy: RepeatedQueryPolicy | undefined): Type {
  @Module({
    imports: [
      SecurityModule.forRoot({
        environment: 'test',
        ...(policy === undefined ? {} : { input: { repeatedQueryParameters: policy } }),
      }),
    ],
    controllers: [SearchController, BulkController],
  })
  class RepeatedQueryModule {}
  return RepeatedQueryModule;
}

/** What a query string must give under each policy: the query, or the parameter refused. */
type Expected = Record<RepeatedQueryPolicy, Record<string, unknown> | { refused: string }>;

function samePolicies(query: Record<string, unknown>): Expected {
  return { reject: query, first: query, last: query, array: query };
}

const CASES: readonly (readonly [string, Expected])[] = [
  [
    'a=x1&a=x2',
    { reject: { refused: 'a' }, first: { a: 'x1' }, last: { a: 'x2' }, array: { a: ['x1', 'x2'] } },
  ],
  [
    'a=x1&b=y&a=x2&a=x3',
    {
      reject: { refused: 'a' },
      first: { a: 'x1', b: 'y' },
      last: { a: 'x3', b: 'y' },
      array: { a: ['x1', 'x2', 'x3'], b: 'y' },
    },
  ],
  [
    'a[]=x1&a[]=x2',
    {
      reject: { refused: 'a[]' },
      first: { 'a[]': 'x1' },
      last: { 'a[]': 'x2' },
      array: { 'a[]': ['x1', 'x2'] },
    },
  ],
  [
    'a=x1&%61=x2',
    { reject: { refused: 'a' }, first: { a: 'x1' }, last: { a: 'x2' }, array: { a: ['x1', 'x2'] } },
  ],
  ['a=x1', samePolicies({ a: 'x1' })],
  ['a[]=x1', samePolicies({ 'a[]': 'x1' })],
  ['a=x1&a[]=x2', samePolicies({ a: 'x1', 'a[]': 'x2' })],
  ['a[b]=x1&a[c]=x2', samePolicies({ 'a[b]': 'x1', 'a[c]': 'x2' })],
  ['a[0]=x1&a[1]=x2', samePolicies({ 'a[0]': 'x1', 'a[1]': 'x2' })],
  ['password[$ne]=x1', samePolicies({ 'password[$ne]': 'x1' })],
  ['a.b=x1&a=x2&A=x3', samePolicies({ 'a.b': 'x1', a: 'x2', A: 'x3' })],
  ['a=x+1%20%E2%9C%93&b=&c', samePolicies({ a: 'x 1 \u2713', b: '', c: '' })],
];

/** Every combination: both adapters, every policy (and none: the default), both query parsers. */
const SETUPS = ADAPTERS.flatMap((adapter) =>
  ([undefined, 'reject', 'first', 'last', 'array'] as const).flatMap((policy) =>
    (['adapter default', 'nesting (qs)'] as const).map(
      (parser) => [adapter, policy ?? 'default', parser] as const,
    ),
  ),
);

/**
 * Issue 6, input hardening: repeated query parameters are handled deterministically and alike on
 * Express 5 and Fastify, whatever query parser the app configured: refused by default (400
 * naming the parameter, never its values), or first / last / array by option; bracket names
 * never nest; `@QueryArrays()` declares lists, the method's beating the controller's.
 */
describe.each(SETUPS)(
  'repeated query parameters (%s, policy %s, %s parser)',
  (adapter, name, parser) => {
    const policy: RepeatedQueryPolicy = name === 'default' ? 'reject' : name;
    let app: INestApplication;

    beforeAll(async () => {
      const module = queryModule(name === 'default' ? undefined : name);
      app =
        parser === 'adapter default'
          ? await startApp(module, adapter)
          : await startWithNestingQueryParser(module, adapter);
    });
    afterAll(async () => {
      await app.close();
    });

    async function expectRefused(path: string, parameter: string): Promise<void> {
      const response = await request(app.getHttpServer()).get(path);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        statusCode: 400,
        code: 'SECURITY_BAD_REQUEST',
        message: `The query parameter ${JSON.stringify(parameter)} is repeated; send it once.`,
      });
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.text).not.toMatch(/x1|x2|x3/);
    }

    it.each(CASES)('?%s', async (query, expected) => {
      const outcome = expected[policy];
      if ('refused' in outcome && typeof outcome.refused === 'string') {
        await expectRefused(`/search?${query}`, outcome.refused);
      } else {
        await request(app.getHttpServer()).get(`/search?${query}`).expect(200, outcome);
      }
    });

    it('gives @Query(name) the same value as @Query()', async () => {
      const path = '/search/named?a=x1&a=x2';
      if (policy === 'reject') return expectRefused(path, 'a');
      const expected = {
        first: { a: 'x1', kind: 'string' },
        last: { a: 'x2', kind: 'string' },
        array: { a: ['x1', 'x2'], kind: 'array' },
      }[policy];
      await request(app.getHttpServer()).get(path).expect(200, expected);
    });

    it('gives a @QueryArrays() parameter as an array, always, both spellings gathered', async () => {
      const server = app.getHttpServer();
      await request(server)
        .get('/search/tags?tag=x1')
        .expect(200, { tag: ['x1'] });
      await request(server)
        .get('/search/tags?tag[]=x1')
        .expect(200, { tag: ['x1'] });
      await request(server)
        .get('/search/tags?tag=x1&tag[]=x2&tag=x3&page=1')
        .expect(200, { tag: ['x1', 'x2', 'x3'], page: '1' });
      await request(server).get('/search/tags').expect(200, {});
    });

    it('still applies the policy to the other parameters of a @QueryArrays() route', async () => {
      const path = '/search/tags?tag=x1&page=x2&page=x3';
      if (policy === 'reject') return expectRefused(path, 'page');
      const page = { first: 'x2', last: 'x3', array: ['x2', 'x3'] }[policy];
      await request(app.getHttpServer())
        .get(path)
        .expect(200, { tag: ['x1'], page });
    });

    it("takes the controller's @QueryArrays() unless the method has its own", async () => {
      const server = app.getHttpServer();
      await request(server)
        .get('/bulk?id=x1&id=x2')
        .expect(200, { id: ['x1', 'x2'] });
      await request(server)
        .get('/bulk?id=x1')
        .expect(200, { id: ['x1'] });
      await request(server)
        .get('/bulk/override?tag=x1')
        .expect(200, { tag: ['x1'] });
      const path = '/bulk/override?id=x1&id=x2';
      if (policy === 'reject') return expectRefused(path, 'id');
      const id = { first: 'x1', last: 'x2', array: ['x1', 'x2'] }[policy];
      await request(server).get(path).expect(200, { id });
    });

    it('hands a validating pipe what the policy produced (an array never passes as a string)', async () => {
      const server = app.getHttpServer();
      await request(server).get('/search/dto?q=x1&page=2').expect(200, { q: 'x1', page: '2' });
      const repeated = await request(server).get('/search/dto?q=x1&q=x2');
      switch (policy) {
        case 'reject':
          expect(repeated.status).toBe(400);
          expect(repeated.body).toMatchObject({ code: 'SECURITY_BAD_REQUEST' });
          break;
        case 'array':
          expect(repeated.status).toBe(400);
          expect(repeated.body).toMatchObject({ message: ['q must be a string'] });
          break;
        case 'first':
        case 'last':
          expect(repeated.status).toBe(200);
          expect(repeated.body).toEqual({ q: policy === 'first' ? 'x1' : 'x2' });
          break;
      }
    });
  },
);
