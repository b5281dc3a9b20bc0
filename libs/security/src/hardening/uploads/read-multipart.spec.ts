import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { DEFAULT_UPLOAD_LIMITS, type ResolvedUploadLimits } from './resolve-uploads-options';
import { maxMultipartBytes, readMultipart } from './read-multipart';

const BOUNDARY = 'xXx';
const HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };
const LIMITS: ResolvedUploadLimits = {
  ...DEFAULT_UPLOAD_LIMITS,
  maxFiles: 2,
  maxFileBytes: 16,
  maxFields: 2,
  maxFieldBytes: 8,
};

function part(name: string, content: string, fileName?: string): string {
  const disposition =
    fileName === undefined
      ? `form-data; name="${name}"`
      : `form-data; name="${name}"; filename="${fileName}"`;
  return `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n\r\n${content}\r\n`;
}
const body = (...parts: string[]): Readable =>
  Readable.from([Buffer.from(`${parts.join('')}--${BOUNDARY}--\r\n`)]);

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as { getStatus(): number; code: string } | undefined;
  if (error === undefined) throw new Error('expected a refusal');
  return { status: error.getStatus(), code: error.code };
}

describe('readMultipart', () => {
  it('reads files (hashed) and fields, repeated names as arrays', async () => {
    const result = await readMultipart(
      body(part('file', 'hello', 'a.txt'), part('t', '1'), part('t', '2')),
      HEADERS,
      LIMITS,
    );
    expect(result.files).toEqual([
      {
        fieldName: 'file',
        clientFileName: 'a.txt',
        size: 5,
        sha256: createHash('sha256').update('hello').digest('hex'),
        buffer: Buffer.from('hello'),
      },
    ]);
    expect({ ...result.fields }).toEqual({ t: ['1', '2'] });
    expect(Object.getPrototypeOf(result.fields)).toBeNull();
  });

  it('accepts a file of exactly maxFileBytes and refuses one byte more (413)', async () => {
    await expect(
      readMultipart(body(part('file', 'x'.repeat(16), 'a')), HEADERS, LIMITS),
    ).resolves.toMatchObject({
      files: [{ size: 16 }],
    });
    await expect(
      refusal(readMultipart(body(part('file', 'x'.repeat(17), 'a')), HEADERS, LIMITS)),
    ).resolves.toEqual({
      status: 413,
      code: 'SECURITY_UPLOAD_TOO_LARGE',
    });
  });

  it.each([
    [
      'too many files',
      [part('file', 'a', 'a'), part('file', 'b', 'b'), part('file', 'c', 'c')],
      400,
      'SECURITY_UPLOAD_TOO_MANY_FILES',
    ],
    ['a field too long', [part('f', '123456789')], 413, 'SECURITY_UPLOAD_TOO_LARGE'],
    [
      'too many fields',
      [part('a', '1'), part('b', '2'), part('c', '3')],
      400,
      'SECURITY_BAD_REQUEST',
    ],
    ['a polluting field name', [part('__proto__', 'x')], 400, 'SECURITY_BAD_REQUEST'],
    ['a file in another field', [part('other', 'x', 'a')], 400, 'SECURITY_BAD_REQUEST'],
  ])('refuses %s', async (_name, parts, status, code) => {
    await expect(refusal(readMultipart(body(...parts), HEADERS, LIMITS))).resolves.toEqual({
      status,
      code,
    });
  });

  it('refuses a body that is not multipart, has no boundary, or is cut short (400)', async () => {
    const bad = { status: 400, code: 'SECURITY_BAD_REQUEST' };
    await expect(
      refusal(readMultipart(body(), { 'content-type': 'application/json' }, LIMITS)),
    ).resolves.toEqual(bad);
    await expect(
      refusal(readMultipart(body(), { 'content-type': 'multipart/form-data' }, LIMITS)),
    ).resolves.toEqual(bad);
    const cut = Readable.from([Buffer.from(part('file', 'hello', 'a.txt'))]);
    await expect(refusal(readMultipart(cut, HEADERS, LIMITS))).resolves.toEqual(bad);
  });

  it('refuses a declared Content-Length over the cap without reading a byte (413)', async () => {
    const source = new PassThrough();
    const headers = { ...HEADERS, 'content-length': String(maxMultipartBytes(LIMITS) + 1) };
    await expect(refusal(readMultipart(source, headers, LIMITS))).resolves.toEqual({
      status: 413,
      code: 'SECURITY_UPLOAD_TOO_LARGE',
    });
    expect(source.readableDidRead).toBe(false);
  });

  it('stops reading once a cap is broken: the rest of the stream stays unread', async () => {
    const source = new PassThrough();
    const reading = readMultipart(source, HEADERS, LIMITS);
    source.write(part('file', 'x'.repeat(64), 'a'));
    await expect(refusal(reading)).resolves.toMatchObject({ status: 413 });
    source.write('more bytes that nobody reads');
    expect(source.readableFlowing).toBe(false);
    expect(source.readableLength).toBeGreaterThan(0);
  });

  it('refuses an upload the client aborted (400)', async () => {
    const source = new PassThrough();
    const reading = readMultipart(source, HEADERS, LIMITS);
    source.write(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nhel`,
    );
    source.destroy();
    await expect(refusal(reading)).resolves.toEqual({ status: 400, code: 'SECURITY_BAD_REQUEST' });
  });
});
