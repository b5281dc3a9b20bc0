/**
 * Counter keys remembered per client and per route throttler, so that a client's next request
 * finds its key by a string it already has (the principal's id, or the client IP), whose hash V8
 * keeps with the string, instead of building a new `<class>-<handler>-<throttler>-<tracker>`
 * string on every request, only for V8 to hash it and compare it character by character.
 *
 * Bounded: at most `maxEntries` keys in all; when full, the client added longest ago is forgotten
 * with all its keys (it is counted again under the same key on its next request: only the
 * remembering is lost, never a count).
 *
 * @example
 * const memo = new ThrottleKeyMemo<RouteThrottler>(10_000);
 * let key = memo.get(user.id, route);
 * if (key === undefined) memo.set(user.id, route, (key = guard.generateKey(...)));
 */
export class ThrottleKeyMemo<TRoute extends object> {
  private readonly clients = new Map<string, Map<TRoute, string>>();
  private entries = 0;

  constructor(private readonly maxEntries: number) {}

  /** How many keys are remembered. */
  get size(): number {
    return this.entries;
  }

  /** The key remembered for `client` on `route`. */
  get(client: string, route: TRoute): string | undefined {
    return this.clients.get(client)?.get(route);
  }

  /** Remembers `key` for `client` on `route`, forgetting the oldest clients first when full. */
  set(client: string, route: TRoute, key: string): void {
    if (this.maxEntries <= 0) return;
    let routes = this.clients.get(client);
    if (routes?.has(route) === true) {
      routes.set(route, key);
      return;
    }
    while (this.entries >= this.maxEntries) {
      const oldest = this.clients.entries().next();
      if (oldest.done === true) break;
      this.clients.delete(oldest.value[0]);
      this.entries -= oldest.value[1].size;
      if (oldest.value[1] === routes) routes = undefined;
    }
    if (routes === undefined) {
      routes = new Map();
      this.clients.set(client, routes);
    }
    routes.set(route, key);
    this.entries++;
  }
}
