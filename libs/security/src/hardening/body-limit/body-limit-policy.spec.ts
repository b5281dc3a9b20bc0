import {
  capFor,
  declaredLength,
  hasBody,
  isMultipartRequest,
  routePolicy,
  strictest,
} from './body-limit-policy';

const DEFAULTS = { maxBytes: 102_400, multipartMaxBytes: 10_485_760 };

describe('body-limit policy', () => {
  it('a route override replaces both caps; no override keeps the module’s', () => {
    expect(routePolicy(undefined, DEFAULTS)).toBe(DEFAULTS);
    expect(routePolicy(2048, DEFAULTS)).toEqual({ maxBytes: 2048, multipartMaxBytes: 2048 });
  });

  it('picks the multipart cap by content type only for multipart/form-data', () => {
    const multipart = { 'content-type': 'Multipart/Form-Data; boundary=x' };
    expect(isMultipartRequest(multipart)).toBe(true);
    expect(capFor(DEFAULTS, multipart)).toBe(10_485_760);
    for (const type of [
      'application/json',
      'multipart/mixed',
      'text/plain; x=multipart/form-data',
    ]) {
      expect(capFor(DEFAULTS, { 'content-type': type })).toBe(102_400);
    }
    expect(capFor(DEFAULTS, {})).toBe(102_400);
  });

  it('the strictest of several policies, cap by cap; the fallback when none', () => {
    expect(strictest([], DEFAULTS)).toBe(DEFAULTS);
    expect(
      strictest(
        [
          { maxBytes: 10, multipartMaxBytes: 500 },
          { maxBytes: 20, multipartMaxBytes: 100 },
        ],
        DEFAULTS,
      ),
    ).toEqual({ maxBytes: 10, multipartMaxBytes: 100 });
  });

  it('reads the declared length and whether there is a body', () => {
    expect(declaredLength({ 'content-length': '42' })).toBe(42);
    expect(declaredLength({})).toBeUndefined();
    expect(hasBody({ 'content-length': '0' })).toBe(false);
    expect(hasBody({ 'content-length': '1' })).toBe(true);
    expect(hasBody({ 'transfer-encoding': 'chunked' })).toBe(true);
    expect(hasBody({})).toBe(false);
  });
});
