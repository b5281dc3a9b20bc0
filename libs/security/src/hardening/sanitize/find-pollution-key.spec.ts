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

  it('finds a query-string key', () => {
    const query: Record<string, unknown> = Object.create(null);
    query.__proto__ = 'x';
    expect(findPollutionKey(query)).toBe('__proto__');
  });
});
