/**
 * The map that `outer` holds under `key`, created empty and stored there on first use. For maps
 * of maps read on every request: it takes no callback, so a call allocates nothing once the inner
 * map exists.
 *
 * @example
 * const byWindow = new Map<number, Map<string, number>>();
 * innerMap(byWindow, 60_000).set('ip:203.0.113.9', 1);
 */
export function innerMap<K, IK, IV>(outer: Map<K, Map<IK, IV>>, key: K): Map<IK, IV> {
  let inner = outer.get(key);
  if (inner === undefined) {
    inner = new Map<IK, IV>();
    outer.set(key, inner);
  }
  return inner;
}
