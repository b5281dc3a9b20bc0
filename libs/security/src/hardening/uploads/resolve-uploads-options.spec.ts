import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { ClamAvScanner } from './clamav.scanner';
import {
  DEFAULT_UPLOAD_LIMITS,
  resolveRouteUploadLimits,
  resolveUploadsOptions,
} from './resolve-uploads-options';
import { UnavailableUploadScanner } from './unavailable-upload.scanner';

function configurationError(run: () => unknown): SecurityConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityConfigurationError);
    return error as SecurityConfigurationError;
  }
  throw new Error('expected a SecurityConfigurationError');
}

describe('resolveUploadsOptions', () => {
  it('defaults to no scanner and secure caps', () => {
    expect(resolveUploadsOptions(undefined)).toEqual({
      scanner: undefined,
      scannerMaxBytes: undefined,
      limits: DEFAULT_UPLOAD_LIMITS,
    });
    expect(DEFAULT_UPLOAD_LIMITS).toEqual({
      field: 'file',
      maxFiles: 1,
      maxFileBytes: 10 * 1024 * 1024,
      allowedTypes: [
        'image/png',
        'image/jpeg',
        'image/gif',
        'image/webp',
        'application/pdf',
        'text/plain',
      ],
      maxFields: 20,
      maxFieldBytes: 8 * 1024,
    });
  });

  it('builds a ClamAvScanner, and knows how much it may scan', () => {
    const resolved = resolveUploadsOptions({ clamav: { socketPath: '/run/clamd.ctl' } });
    expect(resolved.scanner).toBeInstanceOf(ClamAvScanner);
    expect(resolved.scannerMaxBytes).toBe(25 * 1024 * 1024);
    expect(
      resolveUploadsOptions({ clamav: { port: 3310, maxStreamBytes: 20 * 1024 * 1024 } })
        .scannerMaxBytes,
    ).toBe(20 * 1024 * 1024);
  });

  it('takes a custom scanner as it is', () => {
    const scanner = new UnavailableUploadScanner();
    expect(resolveUploadsOptions({ scanner }).scanner).toBe(scanner);
  });

  it.each([
    [
      { clamav: { port: 3310 }, scanner: new UnavailableUploadScanner() },
      'uploads.scanner',
      /cannot be combined/,
    ],
    [{ scanner: {} }, 'uploads.scanner', /scan\(\) method/],
    [{ clamav: {} }, 'uploads.clamav', /exactly one of "socketPath" and "port"/],
    [{ clamav: { port: 0 } }, 'uploads.clamav.port', /at least 1/],
    [{ clamav: { socketPath: '/s', timeout: 5 } }, 'uploads.clamav.timeout', /timeoutMs/],
    [{ maxFile: 2 }, 'uploads.maxFile', /did you mean `maxFiles`/],
    [{ maxFiles: 0 }, 'uploads.maxFiles', /at least 1/],
    [{ maxFiles: 1.5 }, 'uploads.maxFiles', /whole number/],
    [{ maxFileBytes: -0 }, 'uploads.maxFileBytes', /-0/],
    [{ maxFileBytes: Number.NaN }, 'uploads.maxFileBytes', /NaN/],
    [{ maxFileBytes: Infinity }, 'uploads.maxFileBytes', /Infinity/],
    [{ maxFileBytes: '1024' }, 'uploads.maxFileBytes', /a string/],
    [{ maxFileBytes: null }, 'uploads.maxFileBytes', /null/],
    [{ maxFileBytes: 2 * 1024 ** 3 }, 'uploads.maxFileBytes', /at most/],
    [{ maxFields: -1 }, 'uploads.maxFields', /at least 0/],
    [{ maxFieldBytes: 2 * 1024 * 1024 }, 'uploads.maxFieldBytes', /at most/],
    [{ allowedTypes: [] }, 'uploads.allowedTypes', /non-empty array/],
    [{ allowedTypes: 'image/png' }, 'uploads.allowedTypes', /non-empty array/],
    [{ allowedTypes: ['image/jpg'] }, 'uploads.allowedTypes[0]', /did you mean 'image\/jpeg'/],
    [{ allowedTypes: ['image/png', 42] }, 'uploads.allowedTypes[1]', /the number 42/],
    [
      { clamav: { socketPath: '/s', maxStreamBytes: 1024 } },
      'uploads.maxFileBytes',
      /more than ClamAV is allowed to scan/,
    ],
    [[], 'uploads', /plain object/],
  ])('refuses %p, naming %s', (raw, option, message) => {
    const error = configurationError(() => resolveUploadsOptions(raw));
    expect(error.option).toBe(option);
    expect(error.message).toMatch(message);
  });
});

describe('resolveRouteUploadLimits', () => {
  const uploads = resolveUploadsOptions({
    clamav: { socketPath: '/s', maxStreamBytes: 2 * 1024 * 1024 },
    maxFileBytes: 1024 * 1024,
    maxFiles: 3,
  });

  it("lays the route's options over the module's", () => {
    expect(resolveRouteUploadLimits(undefined, uploads, 'A.b')).toEqual({
      ...DEFAULT_UPLOAD_LIMITS,
      maxFileBytes: 1024 * 1024,
      maxFiles: 3,
    });
    expect(
      resolveRouteUploadLimits(
        { field: 'avatar', allowedTypes: ['image/png'], maxFiles: 1 },
        uploads,
        'A.b',
      ),
    ).toEqual({
      ...DEFAULT_UPLOAD_LIMITS,
      field: 'avatar',
      allowedTypes: ['image/png'],
      maxFiles: 1,
      maxFileBytes: 1024 * 1024,
    });
  });

  it.each([
    [{ fields: 'x' }, /@ScannedUpload\(\) on A\.b:\.fields.*did you mean `field`/],
    [{ field: '' }, /@ScannedUpload\(\) on A\.b:\.field/],
    [{ field: 'two words' }, /printable ASCII/],
    [
      { maxFileBytes: 3 * 1024 * 1024 },
      /@ScannedUpload\(\) on A\.b:\.maxFileBytes.*more than ClamAV/,
    ],
  ])('refuses %p with an error naming the route', (raw, message) => {
    expect(configurationError(() => resolveRouteUploadLimits(raw, uploads, 'A.b')).message).toMatch(
      message,
    );
  });
});
