import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import busboy from 'busboy';
import { InvalidRequestException } from '../../errors/invalid-request.exception';
import type { SecurityException } from '../../errors/security.exception';
import type { ResolvedUploadLimits } from './resolve-uploads-options';
import { UploadRejectedException } from './upload-rejected.exception';

/** A file as received: its bytes in memory, not yet sniffed nor scanned. */
export interface ReceivedFile {
  readonly fieldName: string;
  /** The client's file name, as sent (untrusted; sanitize it before use). */
  readonly clientFileName: string | undefined;
  readonly size: number;
  /** SHA-256 of the bytes, lowercase hex. */
  readonly sha256: string;
  readonly buffer: Buffer;
}

/** The non-file fields: a repeated name gives an array, in the order received. */
export type UploadFields = Readonly<Record<string, string | readonly string[]>>;

/** A multipart body read within its caps. */
export interface ReceivedMultipart {
  readonly files: readonly ReceivedFile[];
  readonly fields: UploadFields;
}

/**
 * The bytes one part may add beyond its content: boundary, line breaks and part headers (busboy
 * refuses part headers over 16 KiB).
 */
const PART_OVERHEAD_BYTES = 17 * 1024;
/** Field names that would pollute an object built from the fields. */
const POLLUTING_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
const MULTIPART = /^multipart\/form-data(?:\s*;|$)/i;

/**
 * Whether the request says its body is `multipart/form-data`.
 *
 * @example
 * if (!isMultipart(request.headers)) throw new InvalidRequestException('...');
 */
export function isMultipart(headers: IncomingHttpHeaders): boolean {
  const contentType = headers['content-type'];
  return contentType !== undefined && MULTIPART.test(contentType);
}

/**
 * The most bytes a multipart body within `limits` can take, overhead included; a larger declared
 * `Content-Length` is refused before anything is read.
 *
 * @example
 * maxMultipartBytes({ ...DEFAULT_UPLOAD_LIMITS }); // 10 MiB + 160 KiB + part overheads
 */
export function maxMultipartBytes(limits: ResolvedUploadLimits): number {
  return (
    limits.maxFiles * limits.maxFileBytes +
    limits.maxFields * limits.maxFieldBytes +
    (limits.maxFiles + limits.maxFields + 1) * PART_OVERHEAD_BYTES
  );
}

/**
 * Reads a `multipart/form-data` body from `source` (the raw Node.js request, or the payload
 * stream Fastify hands to content-type parsers) with busboy, enforcing `limits` while it streams:
 * a file, a field or the body that outgrows its cap is refused as soon as the byte over the cap
 * arrives, and reading stops there (the rest is never read, let alone kept). Files are kept in
 * memory, each hashed (SHA-256) as it arrives.
 *
 * Refusals (the promise rejects with a {@link SecurityException}):
 * - not `multipart/form-data`, a malformed body, a file outside `limits.field`, too many fields,
 *   a polluting field name (`__proto__`, `constructor`, `prototype`), an aborted upload: 400
 *   `SECURITY_BAD_REQUEST`;
 * - more than `maxFiles` files: 400 `SECURITY_UPLOAD_TOO_MANY_FILES`;
 * - a file over `maxFileBytes`, a field over `maxFieldBytes`, a body over
 *   {@link maxMultipartBytes} (declared or counted): 413 `SECURITY_UPLOAD_TOO_LARGE`.
 *
 * On refusal `source` is unpiped and left paused; the caller should close the connection.
 *
 * @example
 * const { files, fields } = await readMultipart(request.raw, request.headers, limits);
 */
export function readMultipart(
  source: Readable,
  headers: IncomingHttpHeaders,
  limits: ResolvedUploadLimits,
): Promise<ReceivedMultipart> {
  if (!isMultipart(headers)) {
    return Promise.reject(
      new InvalidRequestException('This route takes a multipart/form-data body.'),
    );
  }
  const maxBytes = maxMultipartBytes(limits);
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return Promise.reject(
      new UploadRejectedException({ reason: 'too-large', limitBytes: maxBytes }),
    );
  }

  return new Promise<ReceivedMultipart>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers,
        defParamCharset: 'utf8', // browsers send file names as raw UTF-8
        limits: {
          // One more than the caps: busboy flags a part that *reaches* its limit.
          fileSize: limits.maxFileBytes + 1,
          fieldSize: limits.maxFieldBytes + 1,
          files: limits.maxFiles,
          fields: limits.maxFields,
          headerPairs: 32,
        },
      });
    } catch {
      // No boundary, or a boundary busboy cannot use.
      reject(new InvalidRequestException('The multipart/form-data body is malformed.'));
      return;
    }

    const files: ReceivedFile[] = [];
    const fields: Record<string, string | string[]> = Object.create(null) as Record<
      string,
      string | string[]
    >;
    const pendingFiles = new Set<Promise<void>>();
    let settled = false;

    const counter = new ByteCounter(maxBytes, () => {
      fail(new UploadRejectedException({ reason: 'too-large', limitBytes: maxBytes }));
    });

    const stop = (): void => {
      // Nothing more is read. The parser is not destroyed: this may run inside its own write,
      // and it holds no more than the chunk being parsed; it is garbage once unreferenced.
      source.unpipe(counter);
      counter.unpipe(parser);
      source.off('error', onSourceError);
      source.off('close', onSourceClose);
      source.pause();
    };
    function fail(error: SecurityException): void {
      if (settled) return;
      settled = true;
      stop();
      reject(error);
    }
    const succeed = (): void => {
      if (settled) return;
      settled = true;
      stop();
      resolve({ files, fields });
    };

    const onSourceError = (): void => {
      fail(new InvalidRequestException('The upload was interrupted.'));
    };
    const onSourceClose = (): void => {
      if (!source.readableEnded) fail(new InvalidRequestException('The upload was interrupted.'));
    };
    source.on('error', onSourceError);
    source.on('close', onSourceClose);

    parser.on('file', (name, stream, info) => {
      stream.on('error', () => undefined); // reported by the parser or the source
      if (name !== limits.field) {
        stream.resume();
        fail(
          new InvalidRequestException(
            `Files are accepted only in the "${limits.field}" field of this form.`,
          ),
        );
        return;
      }
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let size = 0;
      pendingFiles.add(
        new Promise<void>((done) => {
          stream.on('data', (chunk: Buffer) => {
            if (settled) return;
            size += chunk.length;
            if (size > limits.maxFileBytes) {
              fail(
                new UploadRejectedException({
                  reason: 'too-large',
                  limitBytes: limits.maxFileBytes,
                }),
              );
              return;
            }
            hash.update(chunk);
            chunks.push(chunk);
          });
          stream.on('end', () => {
            if (size <= limits.maxFileBytes) {
              files.push({
                fieldName: name,
                clientFileName: info.filename,
                size,
                sha256: hash.digest('hex'),
                buffer: Buffer.concat(chunks, size),
              });
            }
            done();
          });
          stream.on('error', () => {
            done();
          });
        }),
      );
    });

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) {
        fail(
          new UploadRejectedException({ reason: 'too-large', limitBytes: limits.maxFieldBytes }),
        );
        return;
      }
      if (POLLUTING_NAMES.has(name)) {
        fail(new InvalidRequestException(`The form field name "${name}" is not allowed.`));
        return;
      }
      const previous = fields[name];
      fields[name] =
        previous === undefined
          ? value
          : Array.isArray(previous)
            ? [...previous, value]
            : [previous, value];
    });

    parser.on('filesLimit', () => {
      fail(new UploadRejectedException({ reason: 'too-many-files', limit: limits.maxFiles }));
    });
    parser.on('fieldsLimit', () => {
      fail(
        new InvalidRequestException(`The form has more than ${limits.maxFields} non-file fields.`),
      );
    });
    parser.on('error', () => {
      fail(new InvalidRequestException('The multipart/form-data body is malformed.'));
    });
    parser.on('finish', () => {
      void Promise.all(pendingFiles).then(succeed);
    });

    source.pipe(counter).pipe(parser);
  });
}

/** Passes bytes through, and calls `onOverflow` (passing nothing more) past `maxBytes`. */
class ByteCounter extends Transform {
  private count = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += chunk.length;
    if (this.count > this.maxBytes) {
      this.onOverflow();
      callback();
      return;
    }
    callback(null, chunk);
  }
}
