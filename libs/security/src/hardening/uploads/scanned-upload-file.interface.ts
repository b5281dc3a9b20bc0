import type { UploadFields } from './read-multipart';
import type { SniffedContentType } from './sniff-content-type';

/**
 * A file of a `@ScannedUpload()` route, as the handler receives it: already within the route's
 * caps, of an allowed type, and scanned clean. Nothing of it is the client's word except
 * `fileName`, which is sanitized.
 *
 * @example
 * @ScannedUpload()
 * @Post('upload')
 * upload(@ScannedFile() file: ScannedUploadFile) {
 *   return { size: file.size, sha256: file.sha256 };
 * }
 */
export interface ScannedUploadFile {
  /** The form field that carried it (the route's `field`). */
  readonly fieldName: string;
  /**
   * The client's file name through `sanitizeFileName` (`'file'` when none was sent): safe to show
   * or to put in a header, but store the file under a name you generate.
   */
  readonly fileName: string;
  /** The type sniffed from the content (never the client's `Content-Type` or the extension). */
  readonly contentType: SniffedContentType;
  /** Its size in bytes. */
  readonly size: number;
  /** SHA-256 of its bytes, lowercase hex. */
  readonly sha256: string;
  /** Its bytes. */
  readonly buffer: Buffer;
}

/**
 * Everything a `@ScannedUpload()` request carried: the scanned files, and the non-file fields.
 *
 * @example
 * const upload: ScannedUploadContent = { files: [file], fields: { title: 'Invoice' } };
 */
export interface ScannedUploadContent {
  readonly files: readonly ScannedUploadFile[];
  readonly fields: UploadFields;
}
