import { Inject, Injectable, Logger, type OnModuleInit, type Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import {
  DiscoveryService,
  HttpAdapterHost,
  MetadataScanner,
  Reflector,
  type AbstractHttpAdapter,
} from '@nestjs/core';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { routeMetadata, type RouteTarget } from '../../core/route-metadata';
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
    private readonly discovery: DiscoveryService,
    private readonly metadataScanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
  ) {}

  onModuleInit(): void {
    const routes = this.uploadRoutes();
    const [first] = routes;
    if (first === undefined) return;
    if (this.options.uploads.scanner === undefined) {
      throw new SecurityConfigurationError(
        'uploads.clamav',
        `is not set, yet ${first.where} takes uploads with @ScannedUpload(), and uploads are never accepted unscanned`,
        'set uploads.clamav to where clamd listens ({ socketPath } or { host, port }), or uploads.scanner to your own UploadScanner',
      );
    }
    for (const { route, where } of routes) {
      resolveRouteUploadLimits(
        routeMetadata(this.reflector, ScannedUploadMetadata, route),
        this.options.uploads,
        where,
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

  private uploadRoutes(): { route: RouteTarget; where: string }[] {
    const routes: { route: RouteTarget; where: string }[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller: unknown = wrapper.metatype;
      const instance: unknown = wrapper.instance;
      if (typeof controller !== 'function' || typeof instance !== 'object' || instance === null)
        continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.metadataScanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const route: RouteTarget = {
          getHandler: () => handler,
          getClass: <T>() => controller as Type<T>,
        };
        if (routeMetadata(this.reflector, ScannedUploadMetadata, route) === undefined) continue;
        routes.push({ route, where: `${controller.name}.${name}` });
      }
    }
    return routes;
  }
}
