import { assertAllowedType, checkAllowedTypes } from './assert-allowed-type';
import { sniffContentType, type SniffedContentType } from './sniff-content-type';
import { UploadRejectedException } from './upload-rejected.exception';

const IMAGES: readonly SniffedContentType[] = ['image/png', 'image/jpeg'];

describe('assertAllowedType', () => {
  it.each(['image/png', 'image/jpeg'] as const)('lets an allowed %s through', (type) => {
    expect(() => {
      assertAllowedType(type, IMAGES);
    }).not.toThrow();
  });

  it.each<[SniffedContentType | undefined]>([
    ['text/html'],
    ['image/svg+xml'],
    ['application/pdf'],
    [undefined],
  ])('refuses %s with 415 SECURITY_UPLOAD_TYPE_NOT_ALLOWED', (type) => {
    let error: unknown;
    try {
      assertAllowedType(type, IMAGES);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UploadRejectedException);
    const rejected = error as UploadRejectedException;
    expect(rejected.getStatus()).toBe(415);
    expect(rejected.code).toBe('SECURITY_UPLOAD_TYPE_NOT_ALLOWED');
    expect(rejected.rejection).toEqual({
      reason: 'type-not-allowed',
      detected: type,
      allowed: IMAGES,
    });
  });

  it('narrows the sniffed type', () => {
    const sniffed = sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    assertAllowedType(sniffed, IMAGES);
    const known: SniffedContentType = sniffed;
    expect(known).toBe('image/png');
  });
});

describe('checkAllowedTypes', () => {
  it('returns a valid list as it is', () => {
    expect(checkAllowedTypes(IMAGES)).toBe(IMAGES);
  });

  it.each<[string, unknown, RegExp]>([
    ['an empty list', [], /non-empty array/],
    ['undefined', undefined, /non-empty array/],
    ['null', null, /non-empty array/],
    ['a string', 'image/png', /non-empty array/],
    ['a typo', ['image/jpg'], /'image\/jpg'.*did you mean 'image\/jpeg'\?/],
    ['an unknown type', ['video/mp4'], /'video\/mp4'.*use one of 'image\/png'/],
    ['a file extension', ['.png'], /'.png'/],
    ['a parameter', ['text/plain; charset=utf-8'], /'text\/plain; charset=utf-8'/],
    ['upper case', ['IMAGE/PNG'], /'IMAGE\/PNG'.*did you mean 'image\/png'\?/],
    ['a number', [42], /lists the number 42,/],
    ['null in the list', ['image/png', null], /lists null,/],
  ])('refuses %s with a TypeError', (_name, allowed, message) => {
    expect(() => checkAllowedTypes(allowed)).toThrow(TypeError);
    expect(() => checkAllowedTypes(allowed)).toThrow(message);
  });

  it('is what assertAllowedType checks the list with', () => {
    expect(() => {
      assertAllowedType('image/png', [] as SniffedContentType[]);
    }).toThrow(TypeError);
  });
});
