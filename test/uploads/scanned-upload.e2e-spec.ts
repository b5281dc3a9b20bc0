import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SecurityEvents, type TimedSecurityEvent } from '@rampart/security';
import request from 'supertest';
import { ADAPTERS, startApp, type AdapterName } from '../support/apps';
import { startClamd, type ClamdHandle } from '../support/clamd';
import { UploadLedger, uploadsModule } from './app.module';
import { eicar, multipart, png, postChunked, postDeclared, type Part } from './multipart';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Issue 6, upload scanning, end to end against a real clamd (test-written EICAR database), on
 * both adapters: `@ScannedUpload()` reads the multipart body itself (busboy, raw stream), within
 * its caps, sniffs the types, scans every file, and only then calls the handler.
 */
describe.each(ADAPTERS)('@ScannedUpload() with a real clamd (%s)', (adapter: AdapterName) => {
  let clamd: ClamdHandle;
  let app: INestApplication;
  let ledger: UploadLedger;
  let events: TimedSecurityEvent[];

  beforeAll(async () => {
    clamd = await startClamd();
    ledger = new UploadLedger();
    app = await startApp(
      uploadsModule(
        { clamav: { socketPath: clamd.socketPath, maxStreamBytes: clamd.streamMaxBytes } },
        ledger,
      ),
      adapter,
    );
    events = [];
    app.get(SecurityEvents).subscribe((event) => events.push(event));
  });
  afterAll(async () => {
    await app.close();
    await clamd.stop();
  });
  beforeEach(() => {
    ledger.calls.length = 0;
    events.length = 0;
  });

  const post = (path: string, parts: readonly Part[]) => {
    const { contentType, body } = multipart(parts);
    return request(app.getHttpServer()).post(path).set('content-type', contentType).send(body);
  };

  it('accepts a clean file: 201 with its size and SHA-256, handed to the handler once', async () => {
    const content = Buffer.from('Quarterly figures, all clean.\n');
    const response = await post('/upload', [
      { name: 'file', fileName: 'figures.txt', contentType: 'text/plain', content },
    ]);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ size: content.length, sha256: sha256(content) });
    expect(ledger.stored()).toEqual([sha256(content)]);
  });

  it('refuses EICAR: 422 SECURITY_UPLOAD_INFECTED, the handler never runs, nothing stored', async () => {
    const response = await post('/upload', [
      { name: 'file', fileName: 'eicar.txt', contentType: 'text/plain', content: eicar() },
    ]);
    expect(response.status).toBe(422);
    expect(response.body).toEqual({
      statusCode: 422,
      code: 'SECURITY_UPLOAD_INFECTED',
      message: expect.any(String) as unknown,
    });
    expect(response.text).not.toMatch(/eicar/i); // neither the signature nor the file name
    expect(ledger.calls).toEqual([]);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'upload.rejected',
        reason: 'infected',
        signature: expect.stringMatching(/^Eicar-Test-Signature/) as unknown,
        sha256: sha256(eicar()),
      }),
    );
  });

  it('refuses a batch when one file of it is infected: the clean one is not stored either', async () => {
    const clean = png(512);
    const response = await post('/small', [
      { name: 'file', fileName: 'ok.png', contentType: 'image/png', content: clean },
      { name: 'file', fileName: 'bad.txt', contentType: 'text/plain', content: eicar() },
    ]);
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('SECURITY_UPLOAD_INFECTED');
    expect(ledger.calls).toEqual([]);
  });

  it('hands several clean files and the fields over, each sniffed, hashed and sized', async () => {
    const image = png(1000);
    const text = Buffer.from('plain notes');
    const response = await post('/small', [
      { name: 'title', content: 'Holiday' },
      {
        name: 'file',
        fileName: 'photo.png',
        contentType: 'application/octet-stream',
        content: image,
      },
      { name: 'file', fileName: 'notes.txt', content: text },
      { name: 'title', content: 'Again' },
    ]);
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      files: [
        {
          fieldName: 'file',
          fileName: 'photo.png',
          contentType: 'image/png',
          size: 1000,
          sha256: sha256(image),
          bufferBytes: 1000,
        },
        {
          fieldName: 'file',
          fileName: 'notes.txt',
          contentType: 'text/plain',
          size: text.length,
          sha256: sha256(text),
          bufferBytes: text.length,
        },
      ],
      fields: { title: ['Holiday', 'Again'] },
    });
    expect(ledger.calls).toHaveLength(1);
  });

  it('accepts a file of exactly maxFileBytes', async () => {
    const content = png(32 * 1024);
    const response = await post('/small', [
      { name: 'file', fileName: 'edge.png', contentType: 'image/png', content },
    ]);
    expect(response.status).toBe(201);
    expect(ledger.stored()).toEqual([sha256(content)]);
  });

  it('refuses one byte over maxFileBytes (Content-Length declared): 413, connection closed', async () => {
    const response = await post('/small', [
      { name: 'file', fileName: 'big.png', contentType: 'image/png', content: png(32 * 1024 + 1) },
    ]);
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      statusCode: 413,
      code: 'SECURITY_UPLOAD_TOO_LARGE',
      message: expect.stringContaining(String(32 * 1024)) as unknown,
    });
    expect(response.headers.connection).toBe('close');
    expect(ledger.calls).toEqual([]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'upload.rejected', reason: 'too-large' }),
    );
  });

  it('refuses a chunked body with a file over maxFileBytes (no Content-Length): 413', async () => {
    const server = app.getHttpServer() as { listening: boolean; address(): AddressInfo };
    if (!server.listening) await app.listen(0, '127.0.0.1');
    const reply = await postChunked(
      server.address(),
      '/small',
      multipart([
        { name: 'file', fileName: 'big.png', contentType: 'image/png', content: png(48 * 1024) },
      ]),
    );
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ code: 'SECURITY_UPLOAD_TOO_LARGE' });
    expect(reply.headers.connection).toBe('close');
    expect(ledger.calls).toEqual([]);
  });

  it('accepts a chunked body within the caps', async () => {
    const server = app.getHttpServer() as { listening: boolean; address(): AddressInfo };
    if (!server.listening) await app.listen(0, '127.0.0.1');
    const content = png(20 * 1024);
    const reply = await postChunked(
      server.address(),
      '/small',
      multipart([{ name: 'file', fileName: 'ok.png', contentType: 'image/png', content }]),
    );
    expect(reply.status).toBe(201);
    expect(ledger.stored()).toEqual([sha256(content)]);
  });

  it('refuses a declared Content-Length over the whole body cap at once, without waiting for the body: 413', async () => {
    const server = app.getHttpServer() as { listening: boolean; address(): AddressInfo };
    if (!server.listening) await app.listen(0, '127.0.0.1');
    // 50 MiB announced, a few bytes sent, the rest never: only an early refusal can answer.
    const reply = await postDeclared(server.address(), '/small', 50 * 1024 * 1024);
    expect(reply.status).toBe(413);
    // The body cap (bodyLimit.multipartMaxBytes, 10 MiB) answers before the upload's own.
    expect(reply.json).toMatchObject({ code: 'SECURITY_BODY_TOO_LARGE' });
    expect(reply.headers.connection).toBe('close');
    expect(ledger.calls).toEqual([]);
  });

  it('refuses more files than maxFiles: 400 SECURITY_UPLOAD_TOO_MANY_FILES', async () => {
    const file = { name: 'file', fileName: 'a.png', contentType: 'image/png', content: png(64) };
    const response = await post('/upload', [file, file]);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('SECURITY_UPLOAD_TOO_MANY_FILES');
    const three = await post('/small', [file, file, file]);
    expect(three.status).toBe(400);
    expect(three.body.code).toBe('SECURITY_UPLOAD_TOO_MANY_FILES');
    expect(ledger.calls).toEqual([]);
  });

  it.each([
    ['HTML named .png, sent as image/png', '<!doctype html><script>alert(1)</script>'],
    ['an SVG named .png', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    [
      'a Windows executable named .png',
      Buffer.concat([Buffer.from('MZ\x90\x00\x03', 'latin1'), Buffer.alloc(200)]),
    ],
    ['an empty file', Buffer.alloc(0)],
  ])(
    'refuses %s: 415 SECURITY_UPLOAD_TYPE_NOT_ALLOWED (the content decides)',
    async (_name, content) => {
      const response = await post('/upload', [
        { name: 'file', fileName: 'cat.png', contentType: 'image/png', content },
      ]);
      expect(response.status).toBe(415);
      expect(response.body.code).toBe('SECURITY_UPLOAD_TYPE_NOT_ALLOWED');
      expect(ledger.calls).toEqual([]);
    },
  );

  it('refuses a type outside the route allow-list even if the module default allows it', async () => {
    const response = await post('/avatar', [
      { name: 'avatar', fileName: 'a.txt', contentType: 'text/plain', content: 'just text' },
    ]);
    expect(response.status).toBe(415);
    const ok = await post('/avatar', [
      { name: 'avatar', fileName: 'a.png', contentType: 'image/png', content: png(100) },
    ]);
    expect(ok.status).toBe(201);
  });

  it.each([
    ['../../etc/passwd.txt', 'passwd.txt'],
    ['..\\..\\Windows\\system32\\evil<script>.txt', 'evil_script_.txt'],
    ['invoice\u202Etxt.exe.txt', 'invoicetxt.exe.txt'],
    ['CON.txt', '_CON.txt'],
    ['...', 'file'],
  ])('sanitizes the hostile file name %j to %j', async (fileName, expected) => {
    const response = await post('/small', [
      { name: 'file', fileName, contentType: 'text/plain', content: 'hello' },
    ]);
    expect(response.status).toBe(201);
    expect(response.body.files[0].fileName).toBe(expected);
  });

  it('caps the fields: a long value is 413, too many fields 400, a polluting name 400', async () => {
    const file = { name: 'file', fileName: 'a.txt', content: 'hello' };
    const long = await post('/small', [file, { name: 'note', content: 'x'.repeat(65) }]);
    expect(long.status).toBe(413);
    expect(long.body.code).toBe('SECURITY_UPLOAD_TOO_LARGE');
    const many = await post('/small', [
      file,
      { name: 'a', content: '1' },
      { name: 'b', content: '2' },
      { name: 'c', content: '3' },
    ]);
    expect(many.status).toBe(400);
    expect(many.body.code).toBe('SECURITY_BAD_REQUEST');
    const polluting = await post('/small', [file, { name: '__proto__', content: 'x' }]);
    expect(polluting.status).toBe(400);
    expect(ledger.calls).toEqual([]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('refuses a file in another field, no file at all, a non-multipart or malformed body: 400', async () => {
    const elsewhere = await post('/upload', [{ name: 'other', fileName: 'a.txt', content: 'hi' }]);
    expect(elsewhere.status).toBe(400);
    const none = await post('/upload', [{ name: 'title', content: 'no file' }]);
    expect(none.status).toBe(400);
    const json = await request(app.getHttpServer()).post('/upload').send({ file: 'hello' });
    expect(json.status).toBe(400);
    expect(json.body.code).toBe('SECURITY_BAD_REQUEST');
    const cut = multipart([{ name: 'file', fileName: 'a.txt', content: 'hello' }]);
    const malformed = await request(app.getHttpServer())
      .post('/upload')
      .set('content-type', cut.contentType)
      .send(cut.body.subarray(0, cut.body.length - 10));
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('SECURITY_BAD_REQUEST');
    expect(ledger.calls).toEqual([]);
  });

  it("applies a method's @ScannedUpload() over its controller's", async () => {
    const pdf = Buffer.from('%PDF-1.7\n%fake but sniffed as PDF\n');
    const doc = await post('/documents', [{ name: 'doc', fileName: 'a.pdf', content: pdf }]);
    expect(doc.status).toBe(201);
    const textAsDoc = await post('/documents', [
      { name: 'doc', fileName: 'a.txt', content: 'text' },
    ]);
    expect(textAsDoc.status).toBe(415);
    const note = await post('/documents/notes', [
      { name: 'note', fileName: 'n.txt', content: 'text' },
    ]);
    expect(note.status).toBe(201);
    const pdfAsNote = await post('/documents/notes', [
      { name: 'note', fileName: 'a.pdf', content: pdf },
    ]);
    expect(pdfAsNote.status).toBe(415);
    // The interceptor ran once per request (the class one and the method one share the work).
    expect(ledger.calls).toHaveLength(2);
  });
});

describe.each(ADAPTERS)('@ScannedUpload() once clamd has stopped (%s)', (adapter) => {
  it('refuses every upload with 503 SECURITY_SCANNER_UNAVAILABLE and Retry-After, never stores it', async () => {
    const clamd = await startClamd();
    const ledger = new UploadLedger();
    const app = await startApp(
      uploadsModule({ clamav: { socketPath: clamd.socketPath } }, ledger),
      adapter,
    );
    try {
      const clean = multipart([{ name: 'file', fileName: 'a.txt', content: 'clean' }]);
      const send = () =>
        request(app.getHttpServer())
          .post('/upload')
          .set('content-type', clean.contentType)
          .send(clean.body);
      expect((await send()).status).toBe(201);
      await clamd.stop();
      const response = await send();
      expect(response.status).toBe(503);
      expect(response.body).toEqual({
        statusCode: 503,
        code: 'SECURITY_SCANNER_UNAVAILABLE',
        message: expect.any(String) as unknown,
      });
      expect(response.headers['retry-after']).toBe('5');
      expect(ledger.calls).toHaveLength(1);
    } finally {
      await app.close();
      await clamd.stop();
    }
  });
});

describe.each(ADAPTERS)('@ScannedUpload() start-up checks (%s)', (adapter) => {
  it('stops start-up when no scanner is configured, naming uploads.clamav', async () => {
    await expect(startApp(uploadsModule(undefined, new UploadLedger()), adapter)).rejects.toThrow(
      /"uploads\.clamav" is not set, yet UploadController\.upload takes uploads with @ScannedUpload\(\).*Fix: set uploads\.clamav/,
    );
  });

  it('stops start-up when a route allows more than ClamAV may scan', async () => {
    await expect(
      startApp(
        uploadsModule(
          { clamav: { socketPath: '/nonexistent/clamd.sock', maxStreamBytes: 16 * 1024 } },
          new UploadLedger(),
        ),
        adapter,
      ),
    ).rejects.toThrow(
      /uploads\.maxFileBytes" is 10485760 bytes, more than ClamAV is allowed to scan/,
    );
  });
});

describe('@ScannedUpload() next to a multipart parser the app registered itself (fastify)', () => {
  it('keeps that parser and still reads the raw stream, when it reads nothing (as @fastify/multipart)', async () => {
    const clamd = await startClamd();
    const ledger = new UploadLedger();
    let theirs = 0;
    const ref = await Test.createTestingModule({
      imports: [uploadsModule({ clamav: { socketPath: clamd.socketPath } }, ledger)],
    }).compile();
    const app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    // What @fastify/multipart registers: a parser that flags the request and reads nothing.
    app
      .getHttpAdapter()
      .getInstance()
      .addContentTypeParser('multipart/form-data', (_request, _payload, done) => {
        theirs += 1;
        done(null);
      });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    try {
      const clean = multipart([{ name: 'file', fileName: 'a.txt', content: 'clean' }]);
      const response = await request(app.getHttpServer())
        .post('/upload')
        .set('content-type', clean.contentType)
        .send(clean.body);
      expect(response.status).toBe(201);
      expect(theirs).toBe(1);
    } finally {
      await app.close();
      await clamd.stop();
    }
  });
});
