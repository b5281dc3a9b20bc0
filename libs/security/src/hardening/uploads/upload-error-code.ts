import type { SecurityErrorCode } from '../../errors/security-error-code';

/**
 * The stable codes of the upload errors. They belong in {@link SecurityErrorCode}; until they are
 * members of it, {@link uploadErrorCode} lets the exceptions compile.
 *
 * @example
 * const code: UploadErrorCode = 'SECURITY_UPLOAD_INFECTED';
 */
export type UploadErrorCode =
  | 'SECURITY_SCANNER_UNAVAILABLE'
  | 'SECURITY_UPLOAD_INFECTED'
  | 'SECURITY_UPLOAD_TOO_LARGE'
  | 'SECURITY_UPLOAD_TYPE_NOT_ALLOWED'
  | 'SECURITY_UPLOAD_TOO_MANY_FILES';

/**
 * `C` once it is a member of {@link SecurityErrorCode}; until then `SecurityErrorCode` itself.
 *
 * @example
 * type Infected = RegisteredErrorCode<'SECURITY_UPLOAD_INFECTED'>;
 */
export type RegisteredErrorCode<C extends UploadErrorCode> = [C] extends [SecurityErrorCode]
  ? C
  : SecurityErrorCode;

/**
 * TEMPORARY bridge: types an upload code as a {@link SecurityErrorCode} before it is registered
 * there. Once `security-error-code.ts` lists every {@link UploadErrorCode}, replace each
 * `uploadErrorCode('X')` with `'X' as const` and delete this file.
 *
 * @example
 * readonly code = uploadErrorCode('SECURITY_UPLOAD_INFECTED');
 */
export function uploadErrorCode<C extends UploadErrorCode>(code: C): RegisteredErrorCode<C> {
  return code as string as RegisteredErrorCode<C>;
}
