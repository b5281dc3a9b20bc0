import { Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { RequestSlot } from '../../core/request-slot';
import type { ScannedUploadContent } from './scanned-upload-file.interface';

/** What the interceptor found in each request it let through; read by the param decorators. */
const uploads = new RequestSlot<ScannedUploadContent>();
/**
 * The payload stream Fastify handed to Rampart's `multipart/form-data` parser, per Fastify
 * request: after a `preParsing` hook it is not `request.raw` but the hook's stream.
 */
const payloads = new RequestSlot<Readable>();

/** Records the scanned content of `request` (Express request or Fastify request). */
export function setScannedUpload(request: object, content: ScannedUploadContent): void {
  uploads.set(request, content);
}

/** The scanned content of `request`; `undefined` when no `@ScannedUpload()` interceptor ran. */
export function scannedUploadOf(request: object): ScannedUploadContent | undefined {
  return uploads.get(request);
}

/** Records the payload stream Fastify gave the multipart parser for `request`. */
export function setMultipartPayload(request: object, payload: Readable): void {
  payloads.set(request, payload);
}

/**
 * The stream to read the body from: the payload Fastify gave the multipart parser, else the
 * Fastify request's `raw`, else the request itself (Express: a Node.js IncomingMessage).
 */
export function bodySourceOf(request: object): Readable | undefined {
  const payload = payloads.get(request);
  if (payload !== undefined) return payload;
  const raw: unknown = Reflect.get(request, 'raw');
  if (raw instanceof Readable) return raw;
  return request instanceof Readable ? request : undefined;
}

/** The request's headers (Express and Fastify both expose Node's). */
export function headersOf(request: object): IncomingHttpHeaders {
  const headers: unknown = Reflect.get(request, 'headers');
  return typeof headers === 'object' && headers !== null ? (headers as IncomingHttpHeaders) : {};
}

/** The Node.js response behind `response` (Fastify's `reply.raw`, or Express's response). */
export function nodeResponseOf(
  response: object,
): { setHeader(name: string, value: string): unknown; headersSent: boolean } | undefined {
  const raw: unknown = Reflect.get(response, 'raw');
  const candidate: unknown = typeof raw === 'object' && raw !== null ? raw : response;
  return typeof candidate === 'object' &&
    candidate !== null &&
    typeof Reflect.get(candidate, 'setHeader') === 'function'
    ? (candidate as { setHeader(name: string, value: string): unknown; headersSent: boolean })
    : undefined;
}
