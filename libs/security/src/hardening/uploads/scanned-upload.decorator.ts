import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { ScannedUploadInterceptor } from './scanned-upload.interceptor';
import { ScannedUploadMetadata } from './scanned-upload.metadata';
import type { ScannedUploadOptions } from './uploads-options.interface';

/**
 * Makes a route (or every route of a controller) take a `multipart/form-data` upload that is
 * checked before the handler runs: within the caps (count, size, fields), of an allowed type
 * (sniffed from the content), and scanned clean by the configured scanner (`uploads.clamav` or
 * `uploads.scanner`). The handler gets the files with `@ScannedFiles()` / `@ScannedFile()` and
 * the other fields with `@ScannedUploadFields()`; it never sees an unscanned file.
 *
 * Options not given here come from the module's `uploads` options, then from the defaults (one
 * file of at most 10 MiB in the field `file`; PNG, JPEG, GIF, WebP, PDF or plain text). A
 * method's options replace its controller's. They are checked at start-up, which also fails when
 * no scanner is configured.
 *
 * Authentication, roles and CSRF (guards) run first, so an anonymous request is refused before
 * its body is read. With a session cookie, send the CSRF token in the `X-CSRF-Token` header: the
 * guard cannot read a form field of a multipart body.
 *
 * @example
 * @Post('avatar')
 * @ScannedUpload({ field: 'avatar', allowedTypes: ['image/png', 'image/jpeg'], maxFileBytes: 1024 * 1024 })
 * setAvatar(@ScannedFile() avatar: ScannedUploadFile) {}
 */
export function ScannedUpload(
  options: ScannedUploadOptions = {},
): MethodDecorator & ClassDecorator {
  return applyDecorators(ScannedUploadMetadata(options), UseInterceptors(ScannedUploadInterceptor));
}
