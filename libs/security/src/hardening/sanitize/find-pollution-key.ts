/** How deep {@link findPollutionKey} looks; deeper input is refused as well. */
const MAX_DEPTH = 64;

/** What splits a flat name into path segments: brackets (`a[b]`, `a[]`) and dots (`a.b`). */
const PATH_SEPARATORS = /[[\].]+/;

/**
 * Whether a flat name spells a polluting path in the bracket or dot notation that qs, lodash's
 * `set` and many hand-written "expand" helpers understand: `__proto__[x]`, `a.__proto__.b`,
 * `constructor[prototype][x]`. Flat parsers (Express 5's default, Fastify's) keep such a name as
 * one key, harmless until some code expands it.
 */
function spellsPollutingPath(key: string): boolean {
  if (!PATH_SEPARATORS.test(key)) return false;
  const segments = key.split(PATH_SEPARATORS);
  return segments.some(
    (segment, index) =>
      segment === '__proto__' || (segment === 'constructor' && segments[index + 1] === 'prototype'),
  );
}

/**
 * The path of the first key in `value` that could pollute `Object.prototype` when the value is
 * later merged or assigned: `__proto__` anywhere, or `constructor` holding a `prototype` (the
 * rules of fastify's secure-json-parse), also when spelled inside one flat name in bracket or dot
 * notation (`__proto__[x]`, `constructor[prototype][x]`, `a.__proto__`, as flat query and
 * urlencoded parsers leave them). `undefined` when there is none. Input nested deeper than
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
    if (key === '__proto__' || spellsPollutingPath(key)) return childPath;
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
