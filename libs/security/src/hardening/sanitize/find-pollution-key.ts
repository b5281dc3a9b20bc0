/** How deep {@link findPollutionKey} looks; deeper input is refused as well. */
const MAX_DEPTH = 64;

/**
 * The path of the first key in `value` that could pollute `Object.prototype` when the value is
 * later merged or assigned: `__proto__` anywhere, or `constructor` holding a `prototype` (the
 * rules of fastify's secure-json-parse). `undefined` when there is none. Input nested deeper than
 * 64 levels answers `'(too deep)'`. Own keys only: `JSON.parse` and the query parsers make
 * `__proto__` an own key, which is exactly what a later `Object.assign` would misuse.
 *
 * @example
 * findPollutionKey(JSON.parse('{"a":{"__proto__":{"admin":true}}}')); // 'a.__proto__'
 */
export function findPollutionKey(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth > MAX_DEPTH) return '(too deep)';
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const childPath = path === '' ? key : `${path}.${key}`;
    if (key === '__proto__') return childPath;
    if (
      key === 'constructor' &&
      typeof child === 'object' &&
      child !== null &&
      Object.hasOwn(child, 'prototype')
    ) {
      return `${childPath}.prototype`;
    }
    const found = findPollutionKey(child, childPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
