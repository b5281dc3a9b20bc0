import type { Readable } from 'node:stream';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { setMultipartPayload } from './scanned-upload.context';

/** The part of a Fastify instance used here. */
interface FastifyContentTypes {
  hasContentTypeParser(contentType: string): boolean;
  addContentTypeParser(
    contentType: string,
    parser: (
      request: object,
      payload: Readable,
      done: (error: Error | null, body?: unknown) => void,
    ) => void,
  ): unknown;
}

/**
 * What {@link installMultipartPassthrough} did: `'installed'` Rampart's parser, found an
 * `'existing'` one (an app that registered `@fastify/multipart` first), or nothing for
 * `'not-needed'` on Express (which parses no multipart body: the stream stays untouched).
 *
 * @example
 * const outcome: MultipartPassthrough = 'existing';
 */
export type MultipartPassthrough = 'installed' | 'existing' | 'not-needed';

/**
 * Lets `multipart/form-data` requests through to the `@ScannedUpload()` interceptor unread, so
 * that it parses them itself, with its caps, from the raw stream.
 *
 * - Fastify answers 415 to a content type it has no parser for. This registers, on the root
 *   instance, a `multipart/form-data` parser that reads nothing: it keeps the payload stream
 *   (the raw request, or the stream of a `preParsing` hook) for the interceptor and leaves
 *   `request.body` undefined. If a parser is already registered (`@fastify/multipart`, whose
 *   parser also reads nothing), that one stays and the interceptor reads `request.raw`. Call it
 *   before the instance is ready (SecurityModule does, at module init).
 * - Express: nothing to do.
 *
 * @example
 * installMultipartPassthrough(app.getHttpAdapter());
 */
export function installMultipartPassthrough(
  httpAdapter: AbstractHttpAdapter,
): MultipartPassthrough {
  if (httpAdapter.getType() !== 'fastify') return 'not-needed';
  const fastify = httpAdapter.getInstance<FastifyContentTypes>();
  if (fastify.hasContentTypeParser('multipart/form-data')) return 'existing';
  fastify.addContentTypeParser('multipart/form-data', (request, payload, done) => {
    setMultipartPayload(request, payload);
    done(null, undefined);
  });
  return 'installed';
}
