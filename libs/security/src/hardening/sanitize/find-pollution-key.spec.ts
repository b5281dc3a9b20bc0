import { findPollutionKey } from './find-pollution-key';

describe('findPollutionKey', () => {
  it.each([
    ['{"__proto__":{"admin":true}}', '__proto__'],
    ['{"a":{"__proto__":{}}}', 'a.__proto__'],
    ['{"a":[{"b":1},{"__proto__":null}]}', 'a.1.__proto__'],
    ['{"constructor":{"prototype":{"admin":true}}}', 'constructor.prototype'],
    ['{"x":{"constructor":{"prototype":1}}}', 'x.constructor.prototype'],
  ])('finds the key in %s', (json, path) => {
    expect(findPollutionKey(JSON.parse(json))).toBe(path);
  });

  it.each([
    ['{"constructor":"Bob the builder"}'],
    ['{"constructor":{"name":"x"}}'],
    ['{"proto":1,"prototype":2,"__proto":3}'],
    ['[1,"__proto__",{"a":"__proto__"}]'],
    ['"__proto__"'],
    ['null'],
    ['{}'],
  ])('lets %s through', (json) => {
    expect(findPollutionKey(JSON.parse(json))).toBeUndefined();
  });

  it('ignores what objects inherit, and refuses input nested too deep', () => {
    expect(findPollutionKey(Object.create({ __proto__: { admin: true } }))).toBeUndefined();
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { a: deep };
    expect(findPollutionKey(deep)).toBe('(too deep)');
  });

  it.each([
    ['__proto__[polluted]', '__proto__[polluted]'],
    ['a[__proto__][polluted]', 'a[__proto__][polluted]'],
    ['a.__proto__.polluted', 'a.__proto__.polluted'],
    ['__proto__.polluted', '__proto__.polluted'],
    ['constructor[prototype][polluted]', 'constructor[prototype][polluted]'],
    ['constructor.prototype.polluted', 'constructor.prototype.polluted'],
    ['a[constructor][prototype]', 'a[constructor][prototype]'],
  ])('finds the flat name %s, which an expanding parser would turn into a path', (name, path) => {
    expect(findPollutionKey({ ok: '1', [name]: 'yes' })).toBe(path);
    expect(findPollutionKey({ nested: { [name]: 'yes' } })).toBe(`nested.${path}`);
  });

  it.each([
    ['a[b]'],
    ['a[]'],
    ['a.b.c'],
    ['constructor[name]'],
    ['prototype[constructor]'],
    ['x__proto__[y]'],
    ['__proto__x.y'],
    ['a[__proto][b]'],
  ])('lets the flat name %s through', (name) => {
    expect(findPollutionKey({ [name]: '1' })).toBeUndefined();
  });

  it('finds a query-string key', () => {
    const query: Record<string, unknown> = Object.create(null);
    query.__proto__ = 'x';
    expect(findPollutionKey(query)).toBe('__proto__');
  });
});
