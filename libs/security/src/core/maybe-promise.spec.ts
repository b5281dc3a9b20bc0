import { isPromiseLike } from './maybe-promise';

describe('isPromiseLike', () => {
  it.each([
    ['a promise', Promise.resolve(1)],
    ['a thenable object', { then: () => undefined }],
    ['a thenable function', Object.assign(() => undefined, { then: () => undefined })],
  ])('is true for %s', (_case, value) => {
    expect(isPromiseLike(value)).toBe(true);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 1],
    ['a string', 'then'],
    ['a plain object', { id: 'u-1' }],
    ['an object whose then is not a function', { then: 'later' }],
    ['a function', () => undefined],
  ])('is false for %s', (_case, value) => {
    expect(isPromiseLike(value)).toBe(false);
  });
});
