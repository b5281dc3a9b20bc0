import { HttpStatus } from '@nestjs/common';
import { SecurityException } from '../../errors/security.exception';
import { uploadErrorCode, type RegisteredErrorCode } from './upload-error-code';

/**
 * Which upload cap was broken, and the cap itself:
 * - `too-large`: a file is larger than `limitBytes` bytes;
 * - `type-not-allowed`: the type sniffed from a file's first bytes (`detected`, `undefined` when
 *   none was recognised) is not one of `allowed`;
 * - `too-many-files`: the request carries more than `limit` files.
 *
 * @example
 * const rejection: UploadRejection = { reason: 'too-large', limitBytes: 10 * 1024 * 1024 };
 */
export type UploadRejection =
  | { readonly reason: 'too-large'; readonly limitBytes: number }
  | {
      readonly reason: 'type-not-allowed';
      readonly detected: string | undefined;
      readonly allowed: readonly string[];
    }
  | { readonly reason: 'too-many-files'; readonly limit: number };

/**
 * The codes an {@link UploadRejectedException} can carry.
 *
 * @example
 * if (error instanceof UploadRejectedException && error.code === 'SECURITY_UPLOAD_TOO_LARGE') {}
 */
export type UploadRejectedCode = RegisteredErrorCode<
  | 'SECURITY_UPLOAD_TOO_LARGE'
  | 'SECURITY_UPLOAD_TYPE_NOT_ALLOWED'
  | 'SECURITY_UPLOAD_TOO_MANY_FILES'
>;

/**
 * An upload broke one of the caps on size, type or count:
 *
 * | reason             | status | code                               |
 * | ------------------ | ------ | ---------------------------------- |
 * | `too-large`        | 413    | `SECURITY_UPLOAD_TOO_LARGE`        |
 * | `type-not-allowed` | 415    | `SECURITY_UPLOAD_TYPE_NOT_ALLOWED` |
 * | `too-many-files`   | 400    | `SECURITY_UPLOAD_TOO_MANY_FILES`   |
 *
 * Too many files is a 400, as Nest's own multer mapping makes `LIMIT_FILE_COUNT` one: 413 is
 * about the size of the content, which may well be small. The message states the cap (sizes in
 * bytes, the allowed types), never the file's name or content; the detected type stays on
 * {@link rejection} for the security event.
 *
 * @example
 * throw new UploadRejectedException({ reason: 'too-many-files', limit: 5 });
 */
export class UploadRejectedException extends SecurityException {
  readonly code: UploadRejectedCode;

  constructor(
    /** The cap that was broken; `detected` (a type) is for logs and the security event. */
    readonly rejection: UploadRejection,
  ) {
    const { message, status, code } = describeRejection(rejection);
    super(message, status);
    this.code = code;
  }
}

function describeRejection(rejection: UploadRejection): {
  message: string;
  status: HttpStatus;
  code: UploadRejectedCode;
} {
  switch (rejection.reason) {
    case 'too-large':
      return {
        message: `The upload is larger than the limit of ${rejection.limitBytes} bytes.`,
        status: HttpStatus.PAYLOAD_TOO_LARGE,
        code: uploadErrorCode('SECURITY_UPLOAD_TOO_LARGE'),
      };
    case 'type-not-allowed':
      return {
        message: `The file type is not allowed; allowed: ${rejection.allowed.join(', ')}.`,
        status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        code: uploadErrorCode('SECURITY_UPLOAD_TYPE_NOT_ALLOWED'),
      };
    case 'too-many-files':
      return {
        message: `The upload has more than ${rejection.limit} files.`,
        status: HttpStatus.BAD_REQUEST,
        code: uploadErrorCode('SECURITY_UPLOAD_TOO_MANY_FILES'),
      };
  }
}
