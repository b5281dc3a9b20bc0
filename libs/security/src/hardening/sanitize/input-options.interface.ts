/**
 * What happens to a query parameter that appears more than once (`?role=user&role=admin`) on a
 * route that did not declare it a list with {@link QueryArrays}:
 * - `'reject'`: the request is refused with `400 SECURITY_BAD_REQUEST`, naming the parameter;
 * - `'first'` / `'last'`: the first or the last occurrence is kept, the others are dropped;
 * - `'array'`: the parameter becomes an array of every value (what Express and Fastify do on
 *   their own), so a value validated as a string may be an array: the HTTP parameter pollution
 *   bug this option exists to prevent. Choose it only when every handler checks types.
 *
 * @example
 * const policy: RepeatedQueryPolicy = 'reject';
 */
export type RepeatedQueryPolicy = 'reject' | 'first' | 'last' | 'array';

/**
 * Input hardening: how Rampart parses query strings before guards, pipes and handlers see them.
 *
 * @example
 * SecurityModule.forRoot({ input: { repeatedQueryParameters: 'reject' } });
 */
export interface InputOptions {
  /**
   * Policy for a query parameter that appears more than once. Parameters a route declares with
   * `@QueryArrays()` are always arrays, whatever this says. See {@link RepeatedQueryPolicy}.
   *
   * Why `'reject'` by default: with the adapters' own parsing, `?id=1&id=2` turns `id` into an
   * array, so code that checks or uses it as a string (a type check skipped, `.startsWith()`, a
   * database filter) meets an array instead; and when a proxy, a WAF and the app each take a
   * different occurrence (first, last, all), they judge different values (HTTP parameter
   * pollution, OWASP WSTG-INPV-04). Refusing is the only policy where every component sees the
   * same single value; a client that sends a parameter twice on purpose gets a 400 that names
   * it, and the route declares the parameter with `@QueryArrays()`.
   *
   * @default 'reject'
   */
  readonly repeatedQueryParameters?: RepeatedQueryPolicy;
}
