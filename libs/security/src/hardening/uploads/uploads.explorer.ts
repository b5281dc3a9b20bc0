import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, Reflector, type AbstractHttpAdapter } from '@nestjs/core';
import { RouteDiscovery } from '../../core/route-discovery';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { routeMetadata } from '../../core/route-metadata';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { installMultipartPassthrough } from './install-multipart-passthrough';
import { resolveRouteUploadLimits } from './resolve-uploads-options';
import { ScannedUploadMetadata } from './scanned-upload.metadata';

/**
 * At start-up, finds every `@ScannedUpload()` route and checks its options against the module's
 * `uploads`; stops bootstrap when there is such a route and no scanner is configured (uploads are
 * never accepted unscanned). When there is one, lets `multipart/form-data` through on Fastify
 * (see `installMultipartPassthrough`).
 */
@Injectable()
export class UploadsExplorer implements OnModuleInit {
  private readonly logger = new Logger('ScannedUpload');

  constructor(
    private readonly routes: RouteDiscovery,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  onModuleInit(): void {
    const routes = this.routes
      .list()
      .filter((route) => routeMetadata(this.reflector, ScannedUploadMetadata, route) !== undefined);
    const [first] = routes;
    if (first === undefined) return;
    if (this.options.uploads.scanner === undefined) {
      throw new SecurityConfigurationError(
        'uploads.clamav',
        `is not set, yet ${first.where} takes uploads with @ScannedUpload(), and uploads are never accepted unscanned`,
        'set uploads.clamav to where clamd listens ({ socketPath } or { host, port }), or uploads.scanner to your own UploadScanner',
      );
    }
    for (const route of routes) {
      resolveRouteUploadLimits(
        routeMetadata(this.reflector, ScannedUploadMetadata, route),
        this.options.uploads,
        route.where,
      );
    }
    // Absent outside HTTP applications.
    const httpAdapter = this.adapterHost.httpAdapter as AbstractHttpAdapter | undefined;
    if (httpAdapter === undefined) return;
    if (installMultipartPassthrough(httpAdapter) === 'existing') {
      this.logger.log(
        'Fastify already has a multipart/form-data parser (@fastify/multipart?): @ScannedUpload() routes read request.raw, which it must leave unread',
      );
    }
  }
}
