import { Readable } from 'node:stream';
import {
  Inject,
  Injectable,
  InternalServerErrorException,
  Logger,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { SecurityEvents } from '../../audit/security-events';
import type { SecurityEvent } from '../../audit/security-event';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { RouteMemo } from '../../core/route-memo';
import { routeMetadata, type RouteTarget } from '../../core/route-metadata';
import type { SecurityRequest } from '../../core/security-request.interface';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import { InvalidRequestException } from '../../errors/invalid-request.exception';
import { assertAllowedType } from './assert-allowed-type';
import { InfectedUploadException } from './infected-upload.exception';
import { InjectUploadScanner } from './inject-upload-scanner.decorator';
import { isMultipart, readMultipart, type ReceivedFile } from './read-multipart';
import { resolveRouteUploadLimits, type ResolvedUploadLimits } from './resolve-uploads-options';
import { sanitizeFileName } from './sanitize-file-name';
import type { ScannedUploadFile } from './scanned-upload-file.interface';
import {
  bodySourceOf,
  headersOf,
  nodeResponseOf,
  scannedUploadOf,
  setScannedUpload,
} from './scanned-upload.context';
import { ScannedUploadMetadata } from './scanned-upload.metadata';
import { CONTENT_SNIFF_BYTES, sniffContentType } from './sniff-content-type';
import { UploadRejectedException } from './upload-rejected.exception';
import { UploadScannerUnavailableException } from './upload-scanner-unavailable.exception';
import { UploadScanner } from './upload-scanner.interface';

/**
 * The interceptor behind `@ScannedUpload()`. Before the handler runs, it reads the route's
 * `multipart/form-data` body from the raw request stream (busboy, see `readMultipart`), within
 * the route's caps; sniffs each file's type from its first bytes and checks it against
 * `allowedTypes`; then has the {@link UploadScanner} scan every file, one after the other. Only
 * when every file is clean does the handler run, with the files and fields available to
 * `@ScannedFiles()`, `@ScannedFile()` and `@ScannedUploadFields()`. Otherwise the handler never
 * runs: 400, 413, 415, 422 `SECURITY_UPLOAD_INFECTED` or 503 `SECURITY_SCANNER_UNAVAILABLE`
 * (a scanner that throws anything else counts as unavailable), and an `upload.rejected` security
 * event. A refusal while the body is still arriving closes the connection (`Connection: close`),
 * so the rest of the body is not read.
 *
 * It runs once per request: a `@ScannedUpload()` on both a controller and a method applies the
 * method's options only. Subclass it to change how files are scanned ({@link scanFile}).
 *
 * @example
 * @UseInterceptors(ScannedUploadInterceptor) // what @ScannedUpload() applies
 */
@Injectable()
export class ScannedUploadInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ScannedUpload');
  /** Route caps, per handler and controller (a handler may be inherited by several). */
  private readonly limits = new RouteMemo<ResolvedUploadLimits>();

  constructor(
    protected readonly reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
    @InjectUploadScanner() protected readonly scanner: UploadScanner,
    @Optional() private readonly events?: SecurityEvents,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<object>();
    if (scannedUploadOf(request) !== undefined) return next.handle();
    const limits = this.limitsOf(context);
    const headers = headersOf(request);
    if (!isMultipart(headers)) {
      throw new InvalidRequestException('This route takes a multipart/form-data body.');
    }
    const source = bodySourceOf(request);
    if (source === undefined || source.readableEnded || source.readableDidRead) {
      // Another parser (multer, @fastify/multipart with attachFieldsToBody) read the body first.
      this.logger.error(
        'The multipart body was already read by another parser before @ScannedUpload(): remove that parser from this route.',
      );
      throw new InternalServerErrorException();
    }

    let received;
    try {
      received = await readMultipart(source, headers, limits);
    } catch (error) {
      // The rest of the body is not read: close the connection rather than drain it.
      const response = nodeResponseOf(http.getResponse<object>());
      if (response !== undefined && !response.headersSent)
        response.setHeader('connection', 'close');
      this.report(error, request);
      throw error;
    }
    try {
      if (received.files.length === 0) {
        throw new InvalidRequestException(
          `The upload needs a file in the "${limits.field}" field.`,
        );
      }
      const files = received.files.map((file) => this.checkType(file, limits));
      for (const file of files) await this.scanFile(file);
      setScannedUpload(request, { files, fields: received.fields });
    } catch (error) {
      this.report(error, request);
      throw error;
    }
    return next.handle();
  }

  /**
   * Scans one file (already within the caps and of an allowed type) and throws unless it is
   * clean. Override it to add checks of your own; call `super.scanFile(file)` first.
   *
   * @throws InfectedUploadException (422) when the scanner finds something.
   * @throws UploadScannerUnavailableException (503) when it gives no verdict.
   */
  protected async scanFile(file: ScannedUploadFile): Promise<void> {
    let verdict;
    try {
      verdict = await this.scanner.scan(Readable.from([file.buffer]), {
        fileName: file.fileName,
        size: file.size,
      });
    } catch (error) {
      if (error instanceof UploadScannerUnavailableException) throw error;
      // Fail closed: a scanner that breaks gives no verdict.
      throw new UploadScannerUnavailableException('scanner-error', { cause: error });
    }
    if (!verdict.clean) {
      throw Object.assign(new InfectedUploadException(verdict.signature), {
        [INFECTED_SHA256]: file.sha256,
      });
    }
  }

  private checkType(file: ReceivedFile, limits: ResolvedUploadLimits): ScannedUploadFile {
    const contentType = sniffContentType(file.buffer.subarray(0, CONTENT_SNIFF_BYTES));
    assertAllowedType(contentType, limits.allowedTypes);
    return {
      fieldName: file.fieldName,
      fileName: sanitizeFileName(file.clientFileName),
      contentType,
      size: file.size,
      sha256: file.sha256,
      buffer: file.buffer,
    };
  }

  private limitsOf(route: RouteTarget): ResolvedUploadLimits {
    // Checked at start-up by the UploadsExplorer: this does not throw.
    return this.limits.get(route, () =>
      resolveRouteUploadLimits(
        routeMetadata(this.reflector, ScannedUploadMetadata, route),
        this.options.uploads,
        `${route.getClass().name}.${route.getHandler().name}`,
      ),
    );
  }

  private report(error: unknown, request: object): void {
    const event = rejectionEvent(error);
    if (event === undefined) return;
    const userId = (request as SecurityRequest).user?.id;
    this.events?.emit(userId === undefined ? event : { ...event, userId });
    if (error instanceof UploadScannerUnavailableException) {
      const cause = error.cause instanceof Error ? error.cause.message : 'unknown';
      this.logger.warn(`Upload refused: the scanner gave no verdict (${error.reason}: ${cause})`);
    }
  }
}

/** The SHA-256 of an infected file, carried on the exception for the security event. */
const INFECTED_SHA256 = Symbol('infected sha256');

type UploadRejectedEvent = Extract<SecurityEvent, { type: 'upload.rejected' }>;

function rejectionEvent(error: unknown): UploadRejectedEvent | undefined {
  if (error instanceof InfectedUploadException) {
    const sha256: unknown = Reflect.get(error, INFECTED_SHA256);
    return {
      type: 'upload.rejected',
      reason: 'infected',
      signature: error.signature,
      ...(typeof sha256 === 'string' ? { sha256 } : {}),
    };
  }
  if (error instanceof UploadScannerUnavailableException) {
    return { type: 'upload.rejected', reason: 'scanner-unavailable', failure: error.reason };
  }
  if (error instanceof UploadRejectedException) {
    const { rejection } = error;
    return rejection.reason === 'type-not-allowed'
      ? {
          type: 'upload.rejected',
          reason: rejection.reason,
          detectedType: rejection.detected ?? 'unrecognised',
        }
      : { type: 'upload.rejected', reason: rejection.reason };
  }
  return undefined;
}
