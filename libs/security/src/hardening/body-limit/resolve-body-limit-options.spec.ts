import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { BodyLimit } from './body-limit.decorator';
import {
  DEFAULT_BODY_MAX_BYTES,
  DEFAULT_MULTIPART_MAX_BYTES,
  MAX_BODY_LIMIT_BYTES,
  resolveBodyLimitOptions,
} from './resolve-body-limit-options';

/** The error `run` fails with (the test fails if it succeeds or fails otherwise). */
function refusal(run: () => unknown): SecurityConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error('accepted');
}

/** Not a whole number of bytes from 1 to 1 GiB. */
const NOT_A_CAP: readonly [string, unknown][] = [
  ['-0', -0],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['"123"', '123'],
  ['null', null],
  ['[]', []],
  ['{}', {}],
  ['true', true],
  ['1.5', 1.5],
  ['0 (too small)', 0],
  ['-1 (too small)', -1],
  ['1 GiB + 1 (too large)', MAX_BODY_LIMIT_BYTES + 1],
];

describe('resolveBodyLimitOptions', () => {
  it('defaults to 100 KiB, and 10 MiB for multipart, for undefined and {}', () => {
    const expected = { maxBytes: 102_400, multipartMaxBytes: 10_485_760 };
    expect(resolveBodyLimitOptions(undefined)).toEqual(expected);
    expect(resolveBodyLimitOptions({})).toEqual(expected);
    expect([DEFAULT_BODY_MAX_BYTES, DEFAULT_MULTIPART_MAX_BYTES]).toEqual([102_400, 10_485_760]);
  });

  it('takes each cap in bytes, from 1 to 1 GiB, and returns a frozen result', () => {
    const resolved = resolveBodyLimitOptions({
      maxBytes: 1,
      multipartMaxBytes: MAX_BODY_LIMIT_BYTES,
    });
    expect(resolved).toEqual({ maxBytes: 1, multipartMaxBytes: 1_073_741_824 });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(resolveBodyLimitOptions({ maxBytes: 1_048_576 })).toEqual({
      maxBytes: 1_048_576,
      multipartMaxBytes: 10_485_760,
    });
  });

  describe.each(['maxBytes', 'multipartMaxBytes'])('bodyLimit.%s', (key) => {
    it.each(NOT_A_CAP)('refuses %s, naming the option', (_name, value) => {
      const error = refusal(() => resolveBodyLimitOptions({ [key]: value }));
      expect(error.option).toBe(`bodyLimit.${key}`);
      expect(error.code).toBe('SECURITY_INVALID_OPTIONS');
      expect(error.message).toMatch(/bytes/);
    });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a number', 1024],
    ['a string', '100kb'],
  ])('refuses %s as the section', (_name, value) => {
    expect(refusal(() => resolveBodyLimitOptions(value)).option).toBe('bodyLimit');
  });

  it('refuses an unknown key with a suggestion', () => {
    const error = refusal(() => resolveBodyLimitOptions({ maxByte: 1024 }));
    expect(error.option).toBe('bodyLimit.maxByte');
    expect(error.message).toContain('did you mean `maxBytes`?');
    expect(refusal(() => resolveBodyLimitOptions({ limit: '1mb' })).option).toBe('bodyLimit.limit');
  });
});

describe('@BodyLimit()', () => {
  it('takes a whole number of bytes from 1 to 1 GiB', () => {
    expect(typeof BodyLimit(1)).toBe('function');
    expect(typeof BodyLimit(MAX_BODY_LIMIT_BYTES)).toBe('function');
  });

  it.each(NOT_A_CAP)('refuses %s when the decorator runs (at class definition)', (_name, value) => {
    const error = refusal(() => BodyLimit(value as number));
    expect(error.option).toBe('@BodyLimit()');
  });
});
