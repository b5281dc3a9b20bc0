import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { UploadFields } from './read-multipart';
import type { ScannedUploadContent, ScannedUploadFile } from './scanned-upload-file.interface';
import { scannedUploadOf } from './scanned-upload.context';

function contentOf(context: ExecutionContext, decorator: string): ScannedUploadContent {
  const content = scannedUploadOf(context.switchToHttp().getRequest<object>());
  if (content === undefined) {
    // A programming error: refuse rather than hand the handler nothing, or something unscanned.
    throw new Error(`${decorator} needs @ScannedUpload() on the route`);
  }
  return content;
}

/**
 * Injects the files of a `@ScannedUpload()` route, every one scanned clean, in the order
 * received (at least one).
 *
 * @example
 * @ScannedUpload({ maxFiles: 5 })
 * @Post('attachments')
 * attach(@ScannedFiles() files: readonly ScannedUploadFile[]) {}
 */
export const ScannedFiles = createParamDecorator(
  (_data: unknown, context: ExecutionContext): readonly ScannedUploadFile[] =>
    contentOf(context, '@ScannedFiles()').files,
);

/**
 * Injects the first (with the default `maxFiles: 1`, the only) file of a `@ScannedUpload()`
 * route, scanned clean.
 *
 * @example
 * @ScannedUpload()
 * @Post('upload')
 * upload(@ScannedFile() file: ScannedUploadFile) { return { size: file.size, sha256: file.sha256 }; }
 */
export const ScannedFile = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ScannedUploadFile => {
    const [file] = contentOf(context, '@ScannedFile()').files;
    if (file === undefined) throw new Error('@ScannedFile(): the upload has no file');
    return file;
  },
);

/**
 * Injects the non-file fields of a `@ScannedUpload()` request: a null-prototype object whose
 * values are strings, or arrays of strings for a repeated name. Capped by `maxFields` and
 * `maxFieldBytes`; validate them as any client input.
 *
 * @example
 * @ScannedUpload()
 * @Post('documents')
 * create(@ScannedFile() file: ScannedUploadFile, @ScannedUploadFields() fields: UploadFields) {}
 */
export const ScannedUploadFields = createParamDecorator(
  (_data: unknown, context: ExecutionContext): UploadFields =>
    contentOf(context, '@ScannedUploadFields()').fields,
);
