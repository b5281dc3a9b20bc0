import { resolveSecurityOptions } from '../../core/resolve-security-options';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { resolveInputOptions } from './resolve-input-options';

/** The error `raw` is refused with (the test fails if it is accepted or fails otherwise). */
function refusal(raw: unknown): SecurityConfigurationError {
  try {
    resolveInputOptions(raw);
  } catch (error) {
    if (error instanceof SecurityConfigurationError) return error;
    throw error;
  }
  throw new Error(`accepted ${String(raw)}`);
}

describe('resolveInputOptions', () => {
  it('refuses repeated query parameters by default, for undefined and {} alike', () => {
    expect(resolveInputOptions(undefined)).toEqual({ repeatedQueryParameters: 'reject' });
    expect(resolveInputOptions({})).toEqual({ repeatedQueryParameters: 'reject' });
    expect(Object.isFrozen(resolveInputOptions({}))).toBe(true);
  });

  it.each(['reject', 'first', 'last', 'array'] as const)('accepts %s', (policy) => {
    expect(resolveInputOptions({ repeatedQueryParameters: policy })).toEqual({
      repeatedQueryParameters: policy,
    });
  });

  it('is what resolveSecurityOptions puts under `input`', () => {
    expect(resolveSecurityOptions({ environment: 'test' }).input).toEqual({
      repeatedQueryParameters: 'reject',
    });
    expect(
      resolveSecurityOptions({ environment: 'test', input: { repeatedQueryParameters: 'last' } })
        .input,
    ).toEqual({ repeatedQueryParameters: 'last' });
    expect(() => resolveSecurityOptions({ inputs: {} })).toThrow(/did you mean `input`\?/);
  });

  it.each([
    [null, 'a plain object, got null'],
    [[], 'a plain object, got an array'],
    ['reject', 'a plain object, got a string'],
    [true, 'a plain object, got boolean'],
    [0, 'a plain object, got the number 0'],
    [-0, 'a plain object, got -0'],
    [NaN, 'a plain object, got NaN'],
    [Infinity, 'a plain object, got Infinity'],
    [new Map(), 'a plain object, got object'],
  ])('refuses input = %p', (raw, message) => {
    const error = refusal(raw);
    expect(error.option).toBe('input');
    expect(error.message).toContain(message);
  });

  it.each([
    [null, 'got null'],
    [[], 'got an array'],
    [['reject'], 'got an array'],
    [{}, 'got object'],
    [true, 'got boolean'],
    [false, 'got boolean'],
    [0, 'got the number 0'],
    [1, 'got the number 1'],
    [-0, 'got -0'],
    [NaN, 'got NaN'],
    [Infinity, 'got Infinity'],
    ['123', "got '123'"],
    ['', "got ''"],
    [' reject', "got ' reject'"],
    ['REJECT', "got 'REJECT'"],
    ['arrays', "got 'arrays'"],
    ['strip', "got 'strip'"],
  ])('refuses input.repeatedQueryParameters = %p', (value, message) => {
    const error = refusal({ repeatedQueryParameters: value });
    expect(error.option).toBe('input.repeatedQueryParameters');
    expect(error.message).toContain(
      `must be one of 'reject', 'first', 'last', 'array', ${message}`,
    );
  });

  it.each([
    ['frist', 'first'],
    ['lsat', 'last'],
    ['arrays', 'array'],
    ['Reject', 'reject'],
    ['rejected', 'reject'],
  ])('suggests the policy a typo meant: %s -> %s', (value, nearest) => {
    expect(refusal({ repeatedQueryParameters: value }).message).toContain(
      `did you mean '${nearest}'?`,
    );
  });

  it.each([
    [
      'repeatedQueryParameter',
      'input.repeatedQueryParameter',
      'did you mean `repeatedQueryParameters`?',
    ],
    ['repeatedQueryParams', 'input.repeatedQueryParams', 'did you mean `repeatedQueryParameters`?'],
    ['repeated', 'input.repeated', 'did you mean `repeatedQueryParameters`?'],
    [
      'queryArrays',
      'input.queryArrays',
      'the known options of "input" are `repeatedQueryParameters`',
    ],
  ])('refuses the unknown key %s', (key, option, fix) => {
    const error = refusal({ [key]: 'reject' });
    expect(error.option).toBe(option);
    expect(error.message).toContain(fix);
  });

  it('names the option and the fix in the message, with the stable code', () => {
    const error = refusal({ repeatedQueryParameters: 'frist' });
    expect(error.code).toBe('SECURITY_INVALID_OPTIONS');
    expect(error.message).toBe(
      "SecurityModule option \"input.repeatedQueryParameters\" must be one of 'reject', 'first', 'last', 'array', got 'frist'. Fix: did you mean 'first'?.",
    );
  });
});
