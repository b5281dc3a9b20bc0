import type { RepeatedQueryPolicy } from './input-options.interface';
import { normalizeQuery, queryStringOf } from './normalize-query';

const NONE: ReadonlySet<string> = new Set();

/** The normalized query as a plain object (the real one has no prototype). */
function parsed(
  queryString: string,
  policy: RepeatedQueryPolicy,
  lists: ReadonlySet<string> = NONE,
): Record<string, unknown> | string {
  const result = normalizeQuery(queryString, policy, lists);
  return result.repeated === undefined ? { ...result.query } : `repeated: ${result.repeated}`;
}

describe('queryStringOf', () => {
  it.each([
    ['/search?q=x&page=2', 'q=x&page=2'],
    ['/search', ''],
    ['/search?', ''],
    ['/a?b=c?d', 'b=c?d'],
    ['', ''],
  ])('%s -> %s', (url, query) => {
    expect(queryStringOf(url)).toBe(query);
  });
});

describe('normalizeQuery', () => {
  it.each([
    ['reject', 'repeated: a'],
    ['first', { a: 'x1' }],
    ['last', { a: 'x3' }],
    ['array', { a: ['x1', 'x2', 'x3'] }],
  ] as const)('applies %s to a=x1&a=x2&a=x3', (policy, expected) => {
    expect(parsed('a=x1&a=x2&a=x3&b=y', policy)).toEqual(
      typeof expected === 'string' ? expected : { ...expected, b: 'y' },
    );
  });

  it.each(['reject', 'first', 'last', 'array'] as const)(
    'leaves parameters that appear once as strings under %s',
    (policy) => {
      expect(parsed('a=1&b=&c&d=%20x+y&e=%E2%9C%93', policy)).toEqual({
        a: '1',
        b: '',
        c: '',
        d: ' x y',
        e: '\u2713',
      });
    },
  );

  it('never nests: bracket and dot names are names', () => {
    expect(parsed('a[b]=1&a[c][d]=2&a.e=3&f[]=4&f[0]=5', 'reject')).toEqual({
      'a[b]': '1',
      'a[c][d]': '2',
      'a.e': '3',
      'f[]': '4',
      'f[0]': '5',
    });
    expect(parsed('password[$ne]=x', 'reject')).toEqual({ 'password[$ne]': 'x' });
  });

  it('treats a name and its bracket spelling as different parameters unless it is a list', () => {
    expect(parsed('a=1&a[]=2', 'reject')).toEqual({ a: '1', 'a[]': '2' });
    expect(parsed('a[]=1&a[]=2', 'reject')).toBe('repeated: a[]');
    expect(parsed('a[]=1&a[]=2', 'array')).toEqual({ 'a[]': ['1', '2'] });
  });

  it('compares decoded names, case-sensitively', () => {
    expect(parsed('a=1&%61=2', 'reject')).toBe('repeated: a');
    expect(parsed('a=1&A=2', 'reject')).toEqual({ a: '1', A: '2' });
    expect(parsed('=1&=2', 'reject')).toBe('repeated: ');
  });

  it.each(['reject', 'first', 'last', 'array'] as const)(
    'always gives a list parameter as an array under %s, gathering both spellings in order',
    (policy) => {
      const lists = new Set(['tag']);
      expect(parsed('tag=x', policy, lists)).toEqual({ tag: ['x'] });
      expect(parsed('tag=x&tag[]=y&tag=z', policy, lists)).toEqual({ tag: ['x', 'y', 'z'] });
      expect(parsed('tag[]=x', policy, lists)).toEqual({ tag: ['x'] });
      expect(parsed('other=1', policy, lists)).toEqual({ other: '1' });
      expect(parsed('tag[][]=x', policy, lists)).toEqual({ 'tag[][]': 'x' });
    },
  );

  it('still refuses another repeated parameter next to a list', () => {
    expect(parsed('tag=x&tag=y&page=1&page=2', 'reject', new Set(['tag']))).toBe('repeated: page');
  });

  it('gives an object without a prototype, where no name reaches Object.prototype', () => {
    const result = normalizeQuery('__proto__=x&toString=y&constructor=z', 'reject', NONE);
    expect(result.query).toBeDefined();
    expect(Object.getPrototypeOf(result.query)).toBeNull();
    expect(Object.keys(result.query ?? {})).toEqual(['__proto__', 'toString', 'constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('keeps every pair, however many (no silent cut-off as with querystring.parse maxKeys)', () => {
    const many = Array.from({ length: 1500 }, (_, i) => `k${i}=v`).join('&');
    const result = normalizeQuery(`${many}&k0=again`, 'reject', NONE);
    expect(result.repeated).toBe('k0');
    expect(Object.keys(normalizeQuery(many, 'reject', NONE).query ?? {})).toHaveLength(1500);
  });
});
