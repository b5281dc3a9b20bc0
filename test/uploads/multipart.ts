import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One part of a hand-built multipart body: a field, or a file when `fileName` is given. */
export interface Part {
  readonly name: string;
  readonly fileName?: string;
  readonly contentType?: string;
  readonly content: Buffer | string;
}

/** A multipart/form-data body, byte for byte as given (no client-side renaming). */
export interface MultipartBody {
  readonly contentType: string;
  readonly body: Buffer;
}

/**
 * Builds `multipart/form-data` by hand, so that the tests control every byte: supertest's form
 * library would strip a hostile file name to its base name before Rampart saw it.
 */
export function multipart(parts: readonly Part[]): MultipartBody {
  const boundary = `----rampart${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition =
      part.fileName === undefined
        ? `form-data; name="${part.name}"`
        : `form-data; name="${part.name}"; filename="${part.fileName}"`;
    const headers = [`Content-Disposition: ${disposition}`];
    if (part.contentType !== undefined) headers.push(`Content-Type: ${part.contentType}`);
    chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8'));
    chunks.push(typeof part.content === 'string' ? Buffer.from(part.content) : part.content);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/**
 * The EICAR anti-virus test file, assembled at run time so that the repository holds no file
 * that scanners flag.
 */
export function eicar(): Buffer {
  const parts = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$', 'EICAR-STANDARD-ANTIVIRUS', '-TEST-FILE!$H+H*'];
  return Buffer.from(parts.join(''), 'latin1');
}

/** A minimal PNG signature followed by `size - 8` random bytes. */
export function png(size = 256): Buffer {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    randomBytes(Math.max(0, size - 8)),
  ]);
}

/** What a chunked request got back. */
export interface ChunkedReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly json: unknown;
}

/**
 * POSTs `body` with `Transfer-Encoding: chunked` (no `Content-Length`), in 4 KiB chunks, to a
 * listening server, and resolves with the response.
 */
export function postChunked(
  address: AddressInfo,
  path: string,
  { contentType, body }: MultipartBody,
  headers: Record<string, string> = {},
): Promise<ChunkedReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: address.port,
        path,
        method: 'POST',
        headers: { ...headers, 'content-type': contentType, 'transfer-encoding': 'chunked' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, json });
        });
      },
    );
    // The server may answer (and close) before the whole body is written: that is the point.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (let offset = 0; offset < body.length; offset += 4096) {
      request.write(body.subarray(offset, offset + 4096));
    }
    request.end();
  });
}

/**
 * POSTs a multipart request that announces `declaredBytes` in `Content-Length` but sends only its
 * first line and never the rest, and resolves with the response (which must come early).
 */
export function postDeclared(
  address: AddressInfo,
  path: string,
  declaredBytes: number,
): Promise<ChunkedReply> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port: address.port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'multipart/form-data; boundary=x',
          'content-length': String(declaredBytes),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          request.destroy();
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
          });
        });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    request.write('--x\r\n');
  });
}
