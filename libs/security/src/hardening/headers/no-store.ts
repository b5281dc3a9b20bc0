import { deepFreeze } from '../../core/option-readers';
import { applyHeaderPlan, type HeaderPlan, type HeaderTarget } from './header-plan';

/**
 * The headers that keep a response out of every cache: `Cache-Control: no-store`, and
 * `Pragma: no-cache` for HTTP/1.0 caches.
 *
 * @example
 * applyHeaderPlan(response, NO_STORE_PLAN);
 */
export const NO_STORE_PLAN: HeaderPlan = deepFreeze({
  set: [
    ['cache-control', 'no-store'],
    ['pragma', 'no-cache'],
  ],
  remove: [],
});

/**
 * Marks a response as not storable by any cache (browser, proxy, CDN), so an authenticated
 * response never outlives the request or reaches another user. The authentication guard calls it
 * for every authenticated request. Works on an Express `Response` and a Fastify reply; a later
 * explicit `Cache-Control` (for example `@Header()`) still wins, on both adapters.
 *
 * @example
 * markNoStore(context.switchToHttp().getResponse<HeaderTarget>());
 */
export function markNoStore(response: HeaderTarget): void {
  applyHeaderPlan(response, NO_STORE_PLAN);
}
