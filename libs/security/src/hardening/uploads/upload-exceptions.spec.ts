import { HttpException } from '@nestjs/common';
import { SecurityException } from '../../errors/security.exception';
import { InfectedUploadException } from './infected-upload.exception';
import { UploadRejectedException, type UploadRejection } from './upload-rejected.exception';
import { UploadScannerUnavailableException } from './upload-scanner-unavailable.exception';

describe('upload exceptions', () => {
  it('InfectedUploadException: 422 SECURITY_UPLOAD_INFECTED, the signature kept off the body', () => {
    const error = new InfectedUploadException('Win.Test.EICAR_HDB-1');
    expect(error).toBeInstanceOf(SecurityException);
    expect(error).toBeInstanceOf(HttpException);
    expect(error.getStatus()).toBe(422);
    expect(error.code).toBe('SECURITY_UPLOAD_INFECTED');
    expect(error.signature).toBe('Win.Test.EICAR_HDB-1');
    expect(error.headers).toEqual({});
    expect(error.toBody()).toEqual({
      statusCode: 422,
      code: 'SECURITY_UPLOAD_INFECTED',
      message: 'The upload was rejected by the malware scanner.',
    });
    expect(JSON.stringify(error.getResponse())).not.toContain('EICAR');
  });

  it.each(['unreachable', 'timeout', 'protocol', 'scanner-error'] as const)(
    'UploadScannerUnavailableException (%s): 503 SECURITY_SCANNER_UNAVAILABLE with Retry-After',
    (reason) => {
      const cause = new Error('clamd scan failed: socket error');
      const error = new UploadScannerUnavailableException(reason, { cause });
      expect(error).toBeInstanceOf(SecurityException);
      expect(error.getStatus()).toBe(503);
      expect(error.code).toBe('SECURITY_SCANNER_UNAVAILABLE');
      expect(error.reason).toBe(reason);
      expect(error.cause).toBe(cause);
      expect(error.headers).toEqual({ 'Retry-After': '5' });
      expect(error.toBody()).toEqual({
        statusCode: 503,
        code: 'SECURITY_SCANNER_UNAVAILABLE',
        message: 'The upload could not be scanned for malware; try again shortly.',
      });
    },
  );

  it('UploadScannerUnavailableException (size-limit): no Retry-After, a retry cannot help', () => {
    const error = new UploadScannerUnavailableException('size-limit');
    expect(error.getStatus()).toBe(503);
    expect(error.headers).toEqual({});
    expect(error.cause).toBeUndefined();
  });

  it.each<[UploadRejection, number, string, string]>([
    [
      { reason: 'too-large', limitBytes: 1_048_576 },
      413,
      'SECURITY_UPLOAD_TOO_LARGE',
      'The upload is larger than the limit of 1048576 bytes.',
    ],
    [
      { reason: 'type-not-allowed', detected: 'text/html', allowed: ['image/png', 'image/jpeg'] },
      415,
      'SECURITY_UPLOAD_TYPE_NOT_ALLOWED',
      'The file type is not allowed; allowed: image/png, image/jpeg.',
    ],
    [
      { reason: 'type-not-allowed', detected: undefined, allowed: ['application/pdf'] },
      415,
      'SECURITY_UPLOAD_TYPE_NOT_ALLOWED',
      'The file type is not allowed; allowed: application/pdf.',
    ],
    [
      { reason: 'too-many-files', limit: 5 },
      400,
      'SECURITY_UPLOAD_TOO_MANY_FILES',
      'The upload has more than 5 files.',
    ],
  ])('UploadRejectedException %j -> %d %s', (rejection, status, code, message) => {
    const error = new UploadRejectedException(rejection);
    expect(error).toBeInstanceOf(SecurityException);
    expect(error.getStatus()).toBe(status);
    expect(error.code).toBe(code);
    expect(error.rejection).toBe(rejection);
    expect(error.toBody()).toEqual({ statusCode: status, code, message });
  });

  it('never names the detected type in the body', () => {
    const error = new UploadRejectedException({
      reason: 'type-not-allowed',
      detected: 'text/html',
      allowed: ['image/png'],
    });
    expect(error.message).not.toContain('text/html');
  });
});
