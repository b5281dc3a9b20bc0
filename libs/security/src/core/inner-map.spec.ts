import { innerMap } from './inner-map';

describe('innerMap', () => {
  it('creates an empty map under a new key, stores it, and returns the same one afterwards', () => {
    const outer = new Map<string, Map<string, number>>();
    const first = innerMap(outer, 'a');
    expect(first.size).toBe(0);
    expect(outer.get('a')).toBe(first);
    first.set('k', 1);
    expect(innerMap(outer, 'a')).toBe(first);
    expect(innerMap(outer, 'a').get('k')).toBe(1);
    expect(outer.size).toBe(1);
  });

  it('keeps a separate map per key, and never replaces an existing one', () => {
    const existing = new Map([[1, 'x']]);
    const outer = new Map<number, Map<number, string>>([[10, existing]]);
    const other = innerMap(outer, 20);
    expect(other).not.toBe(existing);
    expect(innerMap(outer, 10)).toBe(existing);
    expect([...outer.keys()]).toEqual([10, 20]);
  });
});
