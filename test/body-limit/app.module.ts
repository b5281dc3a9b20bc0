import type { Readable } from 'node:stream';
import { Body, Controller, Injectable, Module, Post, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BodyLimit, Public, SecurityModule } from '@rampart/security';

/** Counts handler calls by route, to prove a refused body never reached its handler. */
@Injectable()
export class HandlerCalls {
  private readonly counts = new Map<string, number>();

  record(route: string): void {
    this.counts.set(route, this.of(route) + 1);
  }

  of(route: string): number {
    return this.counts.get(route) ?? 0;
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  reset(): void {
    this.counts.clear();
  }
}

/** What a handler saw of the body: its kind, and its size when it was parsed. */
function received(body: unknown): { kind: string; length: number | null } {
  if (typeof body === 'string') return { kind: 'string', length: body.length };
  if (typeof body === 'object' && body !== null) {
    return { kind: 'object', length: JSON.stringify(body).length };
  }
  return { kind: typeof body, length: null };
}

@Public()
@Controller('limits')
export class LimitsController {
  constructor(private readonly calls: HandlerCalls) {}

  /** The module's caps: 100 KiB, and 10 MiB for multipart. */
  @Post('default')
  byDefault(@Body() body: unknown): { kind: string; length: number | null } {
    this.calls.record('default');
    return received(body);
  }

  @BodyLimit(1024)
  @Post('small')
  small(@Body() body: unknown): { kind: string; length: number | null } {
    this.calls.record('small');
    return received(body);
  }

  /** Over Express's body-parser default (100 KB) and Fastify's (1 MiB). */
  @BodyLimit(2 * 1024 * 1024)
  @Post('large')
  large(@Body() body: unknown): { kind: string; length: number | null } {
    this.calls.record('large');
    return received(body);
  }
}

@Public()
@BodyLimit(2048)
@Controller('class-capped')
export class ClassCappedController {
  constructor(private readonly calls: HandlerCalls) {}

  @Post()
  fromClass(@Body() body: unknown): { kind: string; length: number | null } {
    this.calls.record('class');
    return received(body);
  }

  @BodyLimit(4096)
  @Post('method')
  fromMethod(@Body() body: unknown): { kind: string; length: number | null } {
    this.calls.record('method');
    return received(body);
  }
}

/** The part of a Fastify instance used to accept multipart bodies. */
interface FastifyContentTypes {
  hasContentTypeParser(contentType: string): boolean;
  addContentTypeParser(
    contentType: string,
    parser: (request: unknown, payload: Readable, done: (error: Error | null) => void) => void,
  ): unknown;
}

/**
 * Fastify answers 415 to a content type it has no parser for: a multipart parser that reads and
 * discards the body, as an upload parser would read it (Express parses no multipart body).
 */
@Injectable()
export class MultipartDrain implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const { httpAdapter } = this.adapterHost;
    if (httpAdapter.getType() !== 'fastify') return;
    const fastify = httpAdapter.getInstance<FastifyContentTypes>();
    if (fastify.hasContentTypeParser('multipart/form-data')) return;
    fastify.addContentTypeParser('multipart/form-data', (_request, payload, done) => {
      payload.on('end', () => {
        done(null);
      });
      payload.on('error', done);
      payload.resume();
    });
  }
}

@Module({
  imports: [SecurityModule.forRoot({ environment: 'test' })],
  controllers: [LimitsController, ClassCappedController],
  providers: [HandlerCalls, MultipartDrain],
})
export class BodyLimitAppModule {}
