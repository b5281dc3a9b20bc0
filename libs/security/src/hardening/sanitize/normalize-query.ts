import type { RepeatedQueryPolicy } from './input-options.interface';

/**
 * A query as Rampart hands it to guards, pipes and handlers: flat names, string values, arrays
 * only where a policy or `@QueryArrays()` says so. Created without a prototype, so no name
 * (`__proto__`, `toString`) can reach or shadow `Object.prototype`.
 */
export type NormalizedQuery = Record<string, string | string[]>;

/** What {@link normalizeQuery} gives: the query, or the first parameter the policy refuses. */
export type NormalizedQueryResult =
  | { readonly query: NormalizedQuery; readonly repeated?: undefined }
  | { readonly query?: undefined; readonly repeated: string };

/**
 * The query string of a request target (`/path?a=1` gives `'a=1'`; `''` without `?`).
 *
 * @example
 * queryStringOf('/search?q=x&page=2'); // 'q=x&page=2'
 */
export function queryStringOf(url: string): string {
  const start = url.indexOf('?');
  return start === -1 ? '' : url.slice(start + 1);
}

/**
 * Parses a query string the same way on every adapter (WHATWG `URLSearchParams`: `&` separates,
 * `+` is a space, percent-escapes are decoded, no limit on the number of pairs, no nesting:
 * `a[b]=1` is the parameter named `a[b]`, never an object) and applies the repeated-parameter
 * policy. A name in `lists` is always an array, gathering `name=` and `name[]=` pairs in order.
 * Under `'reject'`, the first other name that appears twice is returned as `repeated`.
 *
 * @example
 * normalizeQuery('a=1&a=2', 'last', new Set()); // { query: { a: '2' } }
 * normalizeQuery('a=1&a=2', 'reject', new Set()); // { repeated: 'a' }
 * normalizeQuery('tag[]=x&tag=y', 'reject', new Set(['tag'])); // { query: { tag: ['x', 'y'] } }
 */
export function normalizeQuery(
  queryString: string,
  policy: RepeatedQueryPolicy,
  lists: ReadonlySet<string>,
): NormalizedQueryResult {
  const query = Object.create(null) as NormalizedQuery;
  for (const [rawName, value] of new URLSearchParams(queryString)) {
    const listName = rawName.endsWith('[]') ? rawName.slice(0, -2) : rawName;
    if (lists.has(listName)) {
      const values = query[listName];
      if (Array.isArray(values)) values.push(value);
      else query[listName] = [value];
      continue;
    }
    const seen = query[rawName];
    if (seen === undefined) {
      query[rawName] = value;
      continue;
    }
    switch (policy) {
      case 'reject':
        return { repeated: rawName };
      case 'first':
        break;
      case 'last':
        query[rawName] = value;
        break;
      case 'array':
        if (Array.isArray(seen)) seen.push(value);
        else query[rawName] = [seen, value];
        break;
    }
  }
  return { query };
}
