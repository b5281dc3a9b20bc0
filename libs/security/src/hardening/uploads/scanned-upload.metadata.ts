import { Reflector } from '@nestjs/core';
import type { ScannedUploadOptions } from './uploads-options.interface';

/**
 * Route metadata behind `@ScannedUpload()`: the route's raw options (checked at start-up). A
 * method's options replace its controller's.
 *
 * @example
 * const options = reflector.getAllAndOverride(ScannedUploadMetadata, [handler, controller]);
 */
export const ScannedUploadMetadata = Reflector.createDecorator<ScannedUploadOptions>({
  key: 'rampart:scanned-upload',
});
