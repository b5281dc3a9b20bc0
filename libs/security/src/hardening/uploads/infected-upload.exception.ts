import { HttpStatus } from '@nestjs/common';
import { SecurityException } from '../../errors/security.exception';
import { uploadErrorCode } from './upload-error-code';

/**
 * 422 `SECURITY_UPLOAD_INFECTED`: the malware scanner found a signature in the upload.
 *
 * The response names neither the signature nor the file (that would tell an attacker which
 * detection to evade and echo client input); {@link signature} is kept on the exception for the
 * security event and the logs.
 *
 * @example
 * const verdict = await scanner.scan(file.stream, { fileName: file.name });
 * if (!verdict.clean) throw new InfectedUploadException(verdict.signature);
 */
export class InfectedUploadException extends SecurityException {
  readonly code = uploadErrorCode('SECURITY_UPLOAD_INFECTED');

  constructor(
    /** The scanner's name for what it found, e.g. `Win.Test.EICAR_HDB-1`; never sent to the client. */
    readonly signature: string,
  ) {
    super('The upload was rejected by the malware scanner.', HttpStatus.UNPROCESSABLE_ENTITY);
  }
}
