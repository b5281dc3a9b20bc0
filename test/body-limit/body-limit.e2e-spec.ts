import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ADAPTERS, startApp } from '../support/apps';
import { BodyLimitAppModule, HandlerCalls } from './app.module';

const KIB = 1024;
const MIB = 1024 * KIB;
/** The module's default caps. */
const MAX_BYTES = 100 * KIB;
const MULTIPART_MAX_BYTES = 10 * MIB;
const BOUNDARY = 'rampart-body-limit';

/** Bodies of exactly `bytes` bytes, by kind. */
const BODIES = {
  json: { type: 'application/json', of: (bytes: number) => `{"v":"${'a'.repeat(bytes - 8)}"}` },
  urlencoded: {
    type: 'application/x-www-form-urlencoded',
    of: (bytes: number) => `v=${'a'.repeat(bytes - 2)}`,
  },
  text: { type: 'text/plain', of: (bytes: number) => 'a'.repeat(bytes) },
  multipart: {
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    of: (bytes: number) => {
      const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="v"\r\n\r\n`;
      const tail = `\r\n--${BOUNDARY}--\r\n`;
      return `${head}${'a'.repeat(bytes - head.length - tail.length)}${tail}`;
    },
  },
} as const;
type BodyKind = keyof typeof BODIES;

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** The 413 of Rampart: its JSON shape, the cap in the message, the security headers, no-store. */
function expectTooLarge(reply: Reply, limit: number): void {
  expect({ status: reply.status, body: reply.body }).toEqual({
    status: 413,
    body: {
      statusCode: 413,
      code: 'SECURITY_BODY_TOO_LARGE',
      message: `The request body is larger than the limit of ${limit} bytes.`,
    },
  });
  expect(reply.headers['content-type']).toMatch(/^application\/json\b/);
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
  expect(reply.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(reply.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  expect(reply.headers['cache-control']).toBe('no-store');
  expect(reply.headers['x-powered-by']).toBeUndefined();
}

/**
 * Issue 6, body-size caps: on both adapters, a body over its route's cap is refused with 413
 * SECURITY_BODY_TOO_LARGE before it is buffered and before the handler runs, for JSON,
 * urlencoded, text, multipart and chunked bodies; `@BodyLimit()` on a method or a controller
 * sets a smaller or a larger cap than the module's.
 */
describe.each(ADAPTERS)('body-size caps (%s)', (adapter) => {
  let app: INestApplication;
  let calls: HandlerCalls;
  let port: number;

  /** A POST with the whole body, through supertest (it declares Content-Length). */
  const post = async (path: string, kind: BodyKind, bytes: number): Promise<Reply> => {
    const body = BODIES[kind].of(bytes);
    expect(Buffer.byteLength(body)).toBe(bytes);
    const response = await request(app.getHttpServer())
      .post(path)
      .set('content-type', BODIES[kind].type)
      .send(body);
    return { status: response.status, headers: response.headers, body: response.body as unknown };
  };

  /**
   * A POST written by hand: `chunks` are sent one by one after the headers; the request is ended
   * only when `end` is set. Without a `content-length` header the body is chunked. Resolves with
   * the response as soon as it is complete, whether or not the body was all sent.
   */
  const rawPost = (
    path: string,
    headers: Record<string, string>,
    chunks: readonly string[],
    end: boolean,
  ): Promise<Reply> =>
    new Promise((resolve, reject) => {
      let settled = false;
      const outgoing = httpRequest({
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers,
        agent: false,
      });
      outgoing.on('response', (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (part: Buffer) => parts.push(part));
        incoming.on('end', () => {
          settled = true;
          outgoing.destroy();
          const text = Buffer.concat(parts).toString('utf8');
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            body: text === '' ? undefined : (JSON.parse(text) as unknown),
          });
        });
      });
      outgoing.on('error', (error) => {
        if (!settled) reject(error);
      });
      outgoing.flushHeaders();
      for (const chunk of chunks) outgoing.write(chunk);
      if (end) outgoing.end();
    });

  beforeAll(async () => {
    app = await startApp(BodyLimitAppModule, adapter);
    await app.listen(0, '127.0.0.1');
    port = ((app.getHttpServer() as Server).address() as AddressInfo).port;
    calls = app.get(HandlerCalls);
  });
  afterAll(async () => {
    await app.close();
  });
  beforeEach(() => {
    calls.reset();
  });

  describe('the module caps (100 KiB; 10 MiB for multipart), with a declared Content-Length', () => {
    it.each(['json', 'urlencoded', 'text'] as const)(
      '%s: exactly 100 KiB reaches the handler; one byte more is refused with 413 and never reaches it',
      async (kind) => {
        const ok = await post('/limits/default', kind, MAX_BYTES);
        expect(ok.status).toBe(201);
        expect(calls.of('default')).toBe(1);

        expectTooLarge(await post('/limits/default', kind, MAX_BYTES + 1), MAX_BYTES);
        expect(calls.of('default')).toBe(1);
      },
    );

    it('multipart: a small form reaches the handler; 10 MiB + 1 declared is refused at once', async () => {
      const ok = await post('/limits/default', 'multipart', 4 * KIB);
      expect(ok.status).toBe(201);
      expect(calls.of('default')).toBe(1);

      const body = BODIES.multipart.of(MULTIPART_MAX_BYTES + 1);
      const refused = await rawPost(
        '/limits/default',
        {
          'content-type': BODIES.multipart.type,
          'content-length': String(MULTIPART_MAX_BYTES + 1),
        },
        [body.slice(0, KIB)],
        false,
      );
      expectTooLarge(refused, MULTIPART_MAX_BYTES);
      expect(calls.of('default')).toBe(1);
    });

    it('multipart is not held to the JSON cap: a 200 KiB form reaches the handler', async () => {
      expect((await post('/limits/default', 'multipart', 200 * KIB)).status).toBe(201);
      expect(calls.of('default')).toBe(1);
    });
  });

  describe('413 before the body is buffered', () => {
    it.each(['json', 'urlencoded', 'text', 'multipart'] as const)(
      '%s: a declared 50 MiB body is refused after its first kilobyte, the rest never sent',
      async (kind) => {
        const refused = await rawPost(
          '/limits/default',
          { 'content-type': BODIES[kind].type, 'content-length': String(50 * MIB) },
          [BODIES[kind].of(KIB)],
          false,
        );
        expectTooLarge(refused, kind === 'multipart' ? MULTIPART_MAX_BYTES : MAX_BYTES);
        expect(calls.total()).toBe(0);
      },
    );
  });

  describe('chunked bodies (no Content-Length), counted as they stream', () => {
    /** `bytes` of the body of `kind`, in 16 KiB chunks. */
    const chunksOf = (kind: BodyKind, bytes: number): string[] => {
      const body = BODIES[kind].of(bytes);
      const chunks: string[] = [];
      for (let offset = 0; offset < body.length; offset += 16 * KIB) {
        chunks.push(body.slice(offset, offset + 16 * KIB));
      }
      return chunks;
    };

    it.each(['json', 'urlencoded'] as const)(
      '%s: 100 KiB in chunks reaches the handler, parsed',
      async (kind) => {
        const reply = await rawPost(
          '/limits/default',
          { 'content-type': BODIES[kind].type },
          chunksOf(kind, MAX_BYTES),
          true,
        );
        expect(reply.status).toBe(201);
        expect(reply.body).toMatchObject({ kind: 'object' });
        expect(calls.of('default')).toBe(1);
      },
    );

    it.each(['json', 'urlencoded'] as const)(
      '%s: refused with 413 once past the cap, while the client is still sending (never ended)',
      async (kind) => {
        const refused = await rawPost(
          '/limits/default',
          { 'content-type': BODIES[kind].type },
          chunksOf(kind, MAX_BYTES + 16 * KIB),
          false,
        );
        expectTooLarge(refused, MAX_BYTES);
        expect(calls.total()).toBe(0);
      },
    );

    it('json: a route cap of 2 MiB lets 1.5 MiB in chunks through (over body-parser and Fastify defaults)', async () => {
      const reply = await rawPost(
        '/limits/large',
        { 'content-type': BODIES.json.type },
        chunksOf('json', 1.5 * MIB),
        true,
      );
      expect(reply.status).toBe(201);
      expect(reply.body).toEqual({ kind: 'object', length: 1.5 * MIB });
      expect(calls.of('large')).toBe(1);
    });

    it('json: a route cap of 1 KiB refuses a chunked body at its second kilobyte', async () => {
      const refused = await rawPost(
        '/limits/small',
        { 'content-type': BODIES.json.type },
        [BODIES.json.of(4 * KIB).slice(0, 2 * KIB)],
        false,
      );
      expectTooLarge(refused, KIB);
      expect(calls.total()).toBe(0);
    });
  });

  describe('@BodyLimit()', () => {
    it.each(['json', 'urlencoded', 'text', 'multipart'] as const)(
      '%s: a method cap smaller than the module’s (1 KiB): 1024 bytes pass, 1025 are refused',
      async (kind) => {
        expect((await post('/limits/small', kind, KIB)).status).toBe(201);
        expectTooLarge(await post('/limits/small', kind, KIB + 1), KIB);
        expect(calls.of('small')).toBe(1);
      },
    );

    it.each(['json', 'urlencoded', 'text'] as const)(
      '%s: a method cap larger than the module’s and the frameworks’ (2 MiB): 2 MiB pass, parsed',
      async (kind) => {
        const reply = await post('/limits/large', kind, 2 * MIB);
        expect(reply.status).toBe(201);
        if (kind !== 'text' || adapter === 'fastify') {
          expect(reply.body).toMatchObject({ length: expect.any(Number) });
        }
        expect(calls.of('large')).toBe(1);
      },
    );

    it('a method cap larger than the module’s still refuses one byte more (declared, not sent)', async () => {
      const refused = await rawPost(
        '/limits/large',
        { 'content-type': BODIES.json.type, 'content-length': String(2 * MIB + 1) },
        [BODIES.json.of(KIB)],
        false,
      );
      expectTooLarge(refused, 2 * MIB);
      expect(calls.total()).toBe(0);
    });

    it('a controller cap (2 KiB) applies to its routes: 2048 bytes pass, 2049 are refused', async () => {
      expect((await post('/class-capped', 'json', 2 * KIB)).status).toBe(201);
      expectTooLarge(await post('/class-capped', 'json', 2 * KIB + 1), 2 * KIB);
      expect(calls.of('class')).toBe(1);
    });

    it('a method cap (4 KiB) beats its controller’s (2 KiB)', async () => {
      expect((await post('/class-capped/method', 'json', 4 * KIB)).status).toBe(201);
      expectTooLarge(await post('/class-capped/method', 'json', 4 * KIB + 1), 4 * KIB);
      expect(calls.of('method')).toBe(1);
    });
  });

  it('an unknown route gets the module cap before its 404', async () => {
    expectTooLarge(await post('/nowhere', 'json', MAX_BYTES + 1), MAX_BYTES);
    expect((await post('/nowhere', 'json', 16)).status).toBe(404);
  });
});
