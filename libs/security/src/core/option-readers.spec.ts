import { SecurityConfigurationError } from '../errors/security-configuration.error';
import {
  assertKnownKeys,
  deepFreeze,
  readArray,
  readBoolean,
  readChoice,
  readNumber,
  readObject,
  readString,
  suggest,
} from './option-readers';

const invalidNumbers: [string, unknown][] = [
  ['-0', -0],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['"123"', '123'],
  ['null', null],
  ['[]', []],
  ['{}', {}],
  ['true', true],
  ['undefined', undefined],
];

describe('option readers', () => {
  it.each(invalidNumbers)('readNumber refuses %s', (_name, value) => {
    expect(() => readNumber(value, 'a.b', { min: 0 })).toThrow(SecurityConfigurationError);
    expect(() => readNumber(value, 'a.b', { min: 0 })).toThrow(/"a\.b"/);
  });

  it('readNumber enforces integer, min and max with the unit in the message', () => {
    expect(readNumber(30, 'x', { min: 0, max: 300, integer: true, unit: 'seconds' })).toBe(30);
    expect(() => readNumber(1.5, 'x', { integer: true, unit: 'seconds' })).toThrow(
      /whole number seconds/,
    );
    expect(() => readNumber(-1, 'x', { min: 0, unit: 'seconds' })).toThrow(/at least 0 seconds/);
    expect(() => readNumber(301, 'x', { max: 300, unit: 'seconds' })).toThrow(
      /at most 300 seconds/,
    );
  });

  it.each([[''], [' padded '], [null], [1], [[]], [{}]])('readString refuses %j', (value) => {
    expect(() => readString(value, 'name')).toThrow(/"name" must be a non-empty string/);
  });

  it.each([['true'], [1], [null], [[]]])('readBoolean refuses %j', (value) => {
    expect(() => readBoolean(value, 'flag')).toThrow(/true or false/);
  });

  it.each([[null], [[]], ['x'], [1], [new Date()], [Object.create({ inherited: 1 }) as object]])(
    'readObject refuses %j',
    (value) => {
      expect(() => readObject(value, 'obj')).toThrow(/plain object/);
    },
  );

  it('readObject accepts literals and null-prototype objects', () => {
    expect(readObject({ a: 1 }, 'o')).toEqual({ a: 1 });
    expect(readObject(Object.create(null) as object, 'o')).toEqual({});
  });

  it('assertKnownKeys suggests the nearest key, or lists the known ones', () => {
    expect(() => {
      assertKnownKeys({ maxAeg: 1 }, ['maxAge', 'includeSubDomains'], 'hsts');
    }).toThrow(/"hsts\.maxAeg" is not a known option\. Fix: did you mean `maxAge`\?/);
    expect(() => {
      assertKnownKeys({ zzz: 1 }, ['maxAge'], 'hsts');
    }).toThrow(/known options of "hsts" are `maxAge`/);
    expect(() => {
      assertKnownKeys({ maxAge: 1 }, ['maxAge'], 'hsts');
    }).not.toThrow();
  });

  it('suggest ignores case and refuses distant words', () => {
    expect(suggest('ISSUER', ['issuer', 'audience'])).toBe('issuer');
    expect(suggest('banana', ['issuer', 'audience'])).toBeUndefined();
  });

  it('readChoice suggests the nearest choice', () => {
    expect(readChoice('redis', 'store.type', ['memory', 'redis'])).toBe('redis');
    expect(() => readChoice('rediss', 'store.type', ['memory', 'redis'])).toThrow(
      /did you mean 'redis'\?/,
    );
    expect(() => readChoice(1, 'store.type', ['memory', 'redis'])).toThrow(/got the number 1/);
  });

  it('readArray refuses empty arrays and non-arrays, and names the failing item', () => {
    expect(() => {
      readArray([], 'list', readString);
    }).toThrow(/non-empty array/);
    expect(() => {
      readArray('a', 'list', readString);
    }).toThrow(/non-empty array/);
    expect(() => {
      readArray(['a', 2], 'list', readString);
    }).toThrow(/"list\[1\]"/);
  });

  it('deepFreeze freezes nested plain objects and arrays', () => {
    const frozen = deepFreeze({ a: { b: [1, { c: 2 }] } });
    expect(Object.isFrozen(frozen.a.b[1])).toBe(true);
  });
});
