import { hash } from 'node:crypto';
import { ServerResponse } from 'node:http';
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type Resolvable,
  type ThrottlerGenerateKeyFunction,
  type ThrottlerGetTrackerFunction,
  type ThrottlerModuleOptions,
  type ThrottlerOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { SecurityEvents } from '../audit/security-events';
import { httpRequestOf, httpResponseOf } from '../core/http-arguments';
import { RequestSlot } from '../core/request-slot';
import { RouteMemo } from '../core/route-memo';
import { routeMetadata } from '../core/route-metadata';
import { RESOLVED_SECURITY_OPTIONS } from '../core/security.tokens';
import type { ResolvedSecurityOptions } from '../core/resolved-security-options.interface';
import type { SecurityRequest } from '../core/security-request.interface';
import { StoreUnavailableException } from '../errors/store-unavailable.exception';
import { TooManyRequestsException } from '../errors/too-many-requests.exception';
import { rateLimitHeaders, type RateLimitEntry } from './rate-limit-headers';
import type { ResolvedThrottleRule } from './resolve-throttling-options';
import { ThrottleCounter } from './throttle-counter.interface';
import { ThrottleCredentialsMetadata } from './throttle-credentials.decorator';
import { ThrottleKeyMemo } from './throttle-key-memo';
import type { ThrottleResult } from './throttle-result.interface';
import { RampartThrottlerStorage, type ThrottlerStorageRecord } from './rampart-throttler.storage';
import type { StoreOutagePolicy } from './throttling-options.interface';

/** Most guard keys remembered with their SHA-256 (see `generateKey`); the oldest goes first. */
const KEY_HASH_CACHE_MAX_ENTRIES = 10_000;

/**
 * The metadata keys `@Throttle()` and `@SkipThrottle()` of `@nestjs/throttler` write, followed by
 * the throttler's name. Not exported by the package; a unit test pins them to what it writes.
 */
export const THROTTLER_METADATA = Object.freeze({
  skip: 'THROTTLER:SKIP',
  limit: 'THROTTLER:LIMIT',
  ttl: 'THROTTLER:TTL',
  blockDuration: 'THROTTLER:BLOCK_DURATION',
  tracker: 'THROTTLER:TRACKER',
  keyGenerator: 'THROTTLER:KEY_GENERATOR',
});

/** A number, or `@nestjs/throttler`'s per-request function giving one. */
type NumberSetting = number | ((context: ExecutionContext) => unknown);

/** One throttler as it applies to one route: its settings with the route's decorators applied. */
interface RouteThrottler {
  readonly throttler: ThrottlerOptions & { readonly name: string };
  readonly skip: boolean;
  readonly limit: NumberSetting;
  readonly ttl: NumberSetting;
  /** Absent: the ttl. */
  readonly blockDuration: NumberSetting | undefined;
  readonly getTracker: ThrottlerGetTrackerFunction;
  readonly generateKey: ThrottlerGenerateKeyFunction;
  /**
   * The settings as plain numbers when they are numbers and the tracker and key are the guard's
   * own (see `plainRoutes`); else `undefined`.
   */
  readonly plain: PlainThrottler | undefined;
}

/** A throttler on a plain route: what a count needs, read once per route. */
interface PlainThrottler {
  readonly name: string;
  readonly limit: number;
  readonly ttl: number;
  /** The ttl when the throttler sets none. */
  readonly blockDuration: number;
}

/** Names under which the credential limits appear in events and counter keys. */
const CREDENTIALS_IP = 'credentials-ip';
const CREDENTIALS_ACCOUNT = 'credentials-account';

/**
 * Rampart's throttling guard, global, after authentication and before authorization: the
 * `@nestjs/throttler` guard (so `@Throttle()` and `@SkipThrottle()` work as documented there) over
 * Rampart's counters, with these changes:
 *
 * - the tracker is the principal (`user:<id>`) when the request is authenticated, else the client
 *   IP resolved through `throttling.trustedProxies` (IPv6 grouped by `ipv6PrefixLength`), never
 *   `request.ip` or a header the client chose;
 * - a refused request is `429 SECURITY_RATE_LIMITED` with `Retry-After`; every counted response
 *   carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and `RateLimit-Policy`;
 * - a store outage follows the throttler's `onStoreUnavailable` policy and emits a
 *   `throttle.store_unavailable` event;
 * - routes marked `@ThrottleCredentials()` are also counted per IP and per account.
 *
 * Subclass it to change the tracker (`getTracker`) or the key (`generateKey`), as with
 * `ThrottlerGuard`.
 *
 * @example
 * // registered by SecurityModule; to key anonymous clients by an API key header instead:
 * class ApiKeyThrottlerGuard extends RampartThrottlerGuard {
 *   protected override async getTracker(request: Record<string, unknown>): Promise<string> { ... }
 * }
 */
@Injectable()
export class RampartThrottlerGuard extends ThrottlerGuard {
  /** What each request was counted against, for its `RateLimit-*` headers, on the awaited path. */
  private readonly counted = new RequestSlot<RateLimitEntry[]>();
  private readonly policies: ReadonlyMap<string, StoreOutagePolicy>;
  /** `<class>-<handler>-<throttler>-<tracker>` -> its SHA-256, hex (a client's next request reuses it). */
  private readonly keyHashes = new Map<string, string>();
  /** Per handler, per controller class: the throttlers with the route's decorators applied. */
  private readonly routes = new RouteMemo<readonly RouteThrottler[]>();
  /** Counter keys by principal id, then route throttler, for plain routes (`plainRoutes`). */
  private readonly userKeys = new ThrottleKeyMemo<RouteThrottler>(KEY_HASH_CACHE_MAX_ENTRIES);
  /** Counter keys by client IP (anonymous requests), then route throttler. */
  private readonly ipKeys = new ThrottleKeyMemo<RouteThrottler>(KEY_HASH_CACHE_MAX_ENTRIES);

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly security: ResolvedSecurityOptions,
    @Inject(ThrottleCounter) private readonly counter: ThrottleCounter,
    private readonly events: SecurityEvents,
  ) {
    super(options, storage, reflector);
    this.policies = new Map(
      security.throttling.throttlers.map((throttler) => [
        throttler.name,
        throttler.onStoreUnavailable,
      ]),
    );
  }

  override async onModuleInit(): Promise<void> {
    if (this.security.throttling.throttlers.length > 0) {
      await super.onModuleInit();
      return;
    }
    // No general limit on purpose (`throttlers: []`): no warning, only the credential limits.
    this.throttlers = [];
    this.commonOptions = {
      getTracker: this.getTracker.bind(this),
      generateKey: this.generateKey.bind(this),
    };
  }

  /**
   * Counts the request on the route's throttlers (and, on `@ThrottleCredentials()` routes, per IP
   * and per account), then writes the `RateLimit-*` headers. On the memory counter, with nothing
   * overridden, nothing in it is awaited: the promise it returns is already settled.
   */
  override canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      return this.count(context);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private count(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return Promise.resolve(true);
    const credentials =
      routeMetadata(this.reflector, ThrottleCredentialsMetadata, context) === true;
    // `throttlers: []` (no general limit): only `@ThrottleCredentials()` routes are counted.
    if (this.throttlers.length === 0 && !credentials) return Promise.resolve(true);
    const { req, res } = this.getRequestResponse(context);
    const entries: RateLimitEntry[] = [];
    const routes = this.plainRoutes(context);
    const storage = this.storageService;
    if (routes !== undefined && storage instanceof RampartThrottlerStorage && storage.answersNow) {
      const allowed = this.throttleNow(context, req, entries, routes, storage);
      if (!credentials) {
        this.writeRateLimitHeaders(res, entries);
        return Promise.resolve(allowed);
      }
      return this.finishLater(context, req, res, entries, allowed, undefined, credentials);
    }
    // `handleRequest`, called per throttler on the generic path, finds the list here.
    if (routes === undefined) this.counted.set(req, entries);
    return this.finishLater(context, req, res, entries, undefined, routes, credentials);
  }

  /**
   * The rest of `canActivate` when something in it must be awaited: the count itself, unless
   * `counted` holds its outcome (through {@link throttleStored} for plain `routes`, else through
   * {@link throttle}), then the credential limits.
   */
  private async finishLater(
    context: ExecutionContext,
    req: Record<string, unknown>,
    res: Record<string, unknown>,
    entries: RateLimitEntry[],
    counted: boolean | undefined,
    routes: readonly RouteThrottler[] | undefined,
    credentials: boolean,
  ): Promise<boolean> {
    const allowed =
      counted ??
      (routes === undefined
        ? await this.throttle(context)
        : await this.throttleStored(context, req, entries, routes));
    if (credentials) {
      await this.countCredentials(req as unknown as SecurityRequest & { body?: unknown }, entries);
    }
    this.writeRateLimitHeaders(res, entries);
    return allowed;
  }

  private writeRateLimitHeaders(res: Record<string, unknown>, entries: RateLimitEntry[]): void {
    const headers = rateLimitHeaders(entries, this.security.throttling.rateLimitHeaders);
    for (const name in headers) this.setResponseHeader(res, name, headers[name] as string);
  }

  /**
   * The route's throttlers when each has plain numbers and the guard's own tracker and key, and
   * `shouldSkip`, `getTracker`, `generateKey` and `handleRequest` are not overridden by a
   * subclass; else `undefined`, and the request takes the generic path ({@link throttle}). Plain
   * routes are counted by {@link throttleNow} on the memory counter and by {@link throttleStored}
   * on any other storage, with the same counting, headers, events and errors as the generic path,
   * and without its promise per throttler for the tracker and the key.
   */
  private plainRoutes(context: ExecutionContext): readonly RouteThrottler[] | undefined {
    if (
      this.shouldSkip !== RampartThrottlerGuard.prototype.shouldSkip ||
      this.getTracker !== RampartThrottlerGuard.prototype.getTracker ||
      this.generateKey !== RampartThrottlerGuard.prototype.generateKey ||
      this.handleRequest !== RampartThrottlerGuard.prototype.handleRequest
    ) {
      return undefined;
    }
    const routes = this.routeThrottlers(context);
    for (const route of routes) if (route.plain === undefined) return undefined;
    return routes;
  }

  /**
   * Counts a request on plain `routes` (see {@link plainRoutes}) on the memory counter, without a
   * promise; what it is counted against goes to `entries`. {@link throttleStored} is the same
   * loop, with the store's answer awaited.
   */
  private throttleNow(
    context: ExecutionContext,
    req: Record<string, unknown>,
    entries: RateLimitEntry[],
    routes: readonly RouteThrottler[],
    storage: RampartThrottlerStorage,
  ): boolean {
    for (const route of routes) {
      const key = this.plainKey(context, req, route);
      const record = key === undefined ? undefined : this.hitNow(storage, key, plainOf(route));
      if (record !== undefined) this.accountPlain(req, entries, plainOf(route), record);
    }
    return true;
  }

  /**
   * Counts a request on plain `routes` (see {@link plainRoutes}) on a storage that answers later
   * (Redis, or a storage of the application's): one await per throttler, on the storage itself.
   */
  private async throttleStored(
    context: ExecutionContext,
    req: Record<string, unknown>,
    entries: RateLimitEntry[],
    routes: readonly RouteThrottler[],
  ): Promise<boolean> {
    for (const route of routes) {
      const key = this.plainKey(context, req, route);
      const record = key === undefined ? undefined : await this.hitLater(key, plainOf(route));
      if (record !== undefined) this.accountPlain(req, entries, plainOf(route), record);
    }
    return true;
  }

  /** One hit on the memory counter; `undefined` when the store failed and its policy lets through. */
  private hitNow(
    storage: RampartThrottlerStorage,
    key: string,
    { name, limit, ttl, blockDuration }: PlainThrottler,
  ): ThrottlerStorageRecord | undefined {
    try {
      return storage.incrementNow(key, ttl, limit, blockDuration, name);
    } catch (error) {
      this.onStoreUnavailable(error, name);
      return undefined;
    }
  }

  /**
   * One hit on the storage, settling `undefined` when the store failed and its policy lets
   * through. No `async` wrapper: the storage's promise is the only one awaited.
   */
  private hitLater(
    key: string,
    { name, limit, ttl, blockDuration }: PlainThrottler,
  ): Promise<ThrottlerStorageRecord | undefined> {
    const onError = (error: unknown): undefined => {
      this.onStoreUnavailable(error, name);
      return undefined;
    };
    try {
      return this.storageService
        .increment(key, ttl, limit, blockDuration, name)
        .then(undefined, onError);
    } catch (error) {
      // A storage that throws instead of rejecting: the same policy.
      onError(error);
      return Promise.resolve(undefined);
    }
  }

  private accountPlain(
    req: Record<string, unknown>,
    entries: RateLimitEntry[],
    { name, limit, ttl }: PlainThrottler,
    record: ThrottlerStorageRecord,
  ): void {
    this.account(req, entries, name, limit, ttl, record);
  }

  /** Whether `@SkipThrottle()` or the throttler's `skipIf` leaves the request uncounted by it. */
  private skips(context: ExecutionContext, route: RouteThrottler): boolean {
    const skipIf = route.throttler.skipIf ?? this.commonOptions.skipIf;
    return route.skip || skipIf?.(context) === true;
  }

  /**
   * `ThrottlerGuard`'s counter key of the request's client on a plain route, or `undefined` when
   * the route skips it. Found by the client (the principal's id, or the client IP), a string the
   * request already holds, instead of built anew.
   */
  private plainKey(
    context: ExecutionContext,
    req: Record<string, unknown>,
    route: RouteThrottler,
  ): string | undefined {
    if (this.skips(context, route)) return undefined;
    const { user } = req as unknown as SecurityRequest;
    const authenticated = user !== undefined;
    const client = authenticated ? user.id : this.clientIpKey(req as unknown as SecurityRequest);
    const keys = authenticated ? this.userKeys : this.ipKeys;
    let key = keys.get(client, route);
    if (key === undefined) {
      key = this.generateKey(context, trackerFor(authenticated, client), route.throttler.name);
      keys.set(client, route, key);
    }
    return key;
  }

  /**
   * What `ThrottlerGuard.canActivate` does (skip checks, per-route limits from `@Throttle()`,
   * `handleRequest` per throttler in order, the first refusal throwing its 429), with the route's
   * decorators read once per route instead of six metadata reads per throttler on every request,
   * and plain numbers not awaited.
   */
  private async throttle(context: ExecutionContext): Promise<boolean> {
    if (await this.shouldSkip(context)) return true;
    let allowed = true;
    for (const route of this.routeThrottlers(context)) {
      if (this.skips(context, route)) continue;
      const { throttler, limit, ttl, blockDuration } = route;
      const limitNow =
        typeof limit === 'number' ? limit : await settle(context, limit, 'limit', throttler.name);
      const ttlNow =
        typeof ttl === 'number' ? ttl : await settle(context, ttl, 'ttl', throttler.name);
      const blockNow =
        blockDuration === undefined
          ? ttlNow
          : typeof blockDuration === 'number'
            ? blockDuration
            : await settle(context, blockDuration, 'blockDuration', throttler.name);
      const passed = await this.handleRequest({
        context,
        limit: limitNow,
        ttl: ttlNow,
        throttler,
        blockDuration: blockNow,
        getTracker: route.getTracker,
        generateKey: route.generateKey,
      });
      if (!passed) allowed = false;
    }
    return allowed;
  }

  /** The throttlers as they apply to the route, read on its first request. */
  private routeThrottlers(context: ExecutionContext): readonly RouteThrottler[] {
    return this.routes.get(context, () =>
      this.throttlers.map((options) =>
        this.resolveRoute(options, context.getHandler(), context.getClass()),
      ),
    );
  }

  private resolveRoute(
    options: ThrottlerOptions,
    handler: object,
    controller: object,
  ): RouteThrottler {
    const name = options.name ?? 'default';
    const read = (key: string): unknown =>
      this.reflector.getAllAndOverride<unknown>(`${key}${name}`, [
        handler as () => unknown,
        controller as new () => unknown,
      ]);
    const limit =
      (read(THROTTLER_METADATA.limit) as Resolvable<number> | undefined) ?? options.limit;
    const ttl = (read(THROTTLER_METADATA.ttl) as Resolvable<number> | undefined) ?? options.ttl;
    const blockDuration =
      (read(THROTTLER_METADATA.blockDuration) as Resolvable<number> | undefined) ??
      options.blockDuration;
    const routeTracker =
      (read(THROTTLER_METADATA.tracker) as ThrottlerGetTrackerFunction | undefined) ??
      options.getTracker;
    const routeKey =
      (read(THROTTLER_METADATA.keyGenerator) as ThrottlerGenerateKeyFunction | undefined) ??
      options.generateKey;
    const moduleOptions: { readonly getTracker?: unknown; readonly generateKey?: unknown } =
      Array.isArray(this.options) ? {} : this.options;
    const resolved = {
      limit: numberSetting(limit, 'limit', name),
      ttl: numberSetting(ttl, 'ttl', name),
      blockDuration:
        blockDuration === undefined
          ? undefined
          : numberSetting(blockDuration, 'blockDuration', name),
    };
    return {
      throttler: { ...options, name },
      skip: read(THROTTLER_METADATA.skip) === true,
      ...resolved,
      getTracker: routeTracker ?? this.commonOptions.getTracker ?? this.getTracker.bind(this),
      generateKey: routeKey ?? this.commonOptions.generateKey ?? this.generateKey.bind(this),
      plain:
        typeof resolved.limit === 'number' &&
        typeof resolved.ttl === 'number' &&
        (resolved.blockDuration === undefined || typeof resolved.blockDuration === 'number') &&
        routeTracker === undefined &&
        routeKey === undefined &&
        moduleOptions.getTracker === undefined &&
        moduleOptions.generateKey === undefined
          ? {
              name,
              limit: resolved.limit,
              ttl: resolved.ttl,
              blockDuration: resolved.blockDuration ?? resolved.ttl,
            }
          : undefined,
    };
  }

  /**
   * The HTTP request and response, read without `switchToHttp()` (which assigns three new closures
   * onto the context on every call); a subclass may still override it, for another transport.
   */
  protected override getRequestResponse(context: ExecutionContext): {
    req: Record<string, unknown>;
    res: Record<string, unknown>;
  } {
    return { req: httpRequestOf(context), res: httpResponseOf(context) };
  }

  /**
   * Sets a header: on a Node.js response (Express's) with `setHeader()`, which is what Express's
   * `res.header()` comes to for these names and values; on anything else (a Fastify reply) as
   * `ThrottlerGuard` does. Express gives every response a hidden class of its own (see
   * `RequestSlot`), so reading `header` off it missed V8's caches on every request.
   */
  protected override setResponseHeader(
    res: Record<string, unknown>,
    name: string,
    value: string | number,
  ): void {
    if (res instanceof ServerResponse) res.setHeader(name, value);
    else super.setResponseHeader(res, name, value);
  }

  /**
   * The client a request is counted for: `user:<principal id>` when authenticated, else
   * `ip:<client IP or IPv6 network>` (through the trusted proxies); `ip:unknown` for a request
   * without a peer address, which then shares one strict count with every such request.
   */
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(this.trackerOf(request as unknown as SecurityRequest));
  }

  private trackerOf(request: SecurityRequest): string {
    return request.user === undefined
      ? trackerFor(false, this.clientIpKey(request))
      : trackerFor(true, request.user.id);
  }

  /**
   * The counter key of `ThrottlerGuard` (the SHA-256, hex, of class name, handler name, throttler
   * name and tracker), remembered for the most recent 10,000 inputs so that a client's next
   * request does not hash again. Same keys as the parent's, so counters are unchanged.
   */
  protected override generateKey(context: ExecutionContext, suffix: string, name: string): string {
    const input = `${context.getClass().name}-${context.getHandler().name}-${name}-${suffix}`;
    let key = this.keyHashes.get(input);
    if (key === undefined) {
      key = hash('sha256', input, 'hex');
      if (this.keyHashes.size >= KEY_HASH_CACHE_MAX_ENTRIES) {
        const oldest = this.keyHashes.keys().next();
        if (oldest.done !== true) this.keyHashes.delete(oldest.value);
      }
      this.keyHashes.set(input, key);
    }
    return key;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, limit, ttl, throttler, blockDuration, getTracker, generateKey } = props;
    const name = throttler.name ?? 'default';
    const { req } = this.getRequestResponse(context);
    const tracker = await getTracker(req, context);
    const key = generateKey(context, tracker, name);
    let record: ThrottlerStorageRecord;
    try {
      record = await this.storageService.increment(key, ttl, limit, blockDuration, name);
    } catch (error) {
      return this.onStoreUnavailable(error, name);
    }
    return this.account(req, this.entriesOf(req), name, limit, ttl, record);
  }

  /** Records what a request was counted against; a refused request is a 429 with its headers. */
  private account(
    req: Record<string, unknown>,
    entries: RateLimitEntry[],
    name: string,
    limit: number,
    ttl: number,
    record: ThrottlerStorageRecord,
  ): true {
    entries.push({
      name,
      limit,
      remaining: record.isBlocked ? 0 : Math.max(0, limit - record.totalHits),
      resetSeconds: record.timeToExpire,
      windowSeconds: Math.ceil(ttl / 1_000),
    });
    if (record.isBlocked) {
      const user = (req as unknown as SecurityRequest).user;
      this.events.emit({
        type: 'throttle.limited',
        throttler: name,
        ...(user === undefined ? { scope: 'ip' } : { scope: 'principal', userId: user.id }),
      });
      throw new TooManyRequestsException(
        record.timeToBlockExpire,
        rateLimitHeaders(entries, this.security.throttling.rateLimitHeaders),
      );
    }
    return true;
  }

  /** Counts a credential attempt per client IP, then per account; refuses the first exhausted. */
  private async countCredentials(
    request: SecurityRequest & { body?: unknown },
    entries: RateLimitEntry[],
  ): Promise<void> {
    const { perIp, perAccount, accountField } = this.security.throttling.credentials;
    const ip = this.clientIpKey(request);
    await this.countCredential(`${CREDENTIALS_IP}:${ip}`, perIp, CREDENTIALS_IP, 'ip', entries);
    const body = request.body;
    const account =
      typeof body === 'object' && body !== null && !Array.isArray(body)
        ? (body as Record<string, unknown>)[accountField]
        : undefined;
    if (typeof account !== 'string' || account === '') return;
    // Hashed: the key must not hold a username, and its length must not depend on the input.
    const accountKey = hash('sha256', account.normalize('NFKC').toLowerCase(), 'base64url');
    await this.countCredential(
      `${CREDENTIALS_ACCOUNT}:${accountKey}`,
      perAccount,
      CREDENTIALS_ACCOUNT,
      'account',
      entries,
    );
  }

  private async countCredential(
    key: string,
    rule: ResolvedThrottleRule,
    name: string,
    scope: 'ip' | 'account',
    entries: RateLimitEntry[],
  ): Promise<void> {
    let result: ThrottleResult;
    try {
      result = await this.counter.hit(key, rule);
    } catch (error) {
      this.onStoreUnavailable(error, name, this.security.throttling.credentials.onStoreUnavailable);
      return;
    }
    entries.push({
      name,
      limit: rule.limit,
      remaining: result.remaining,
      resetSeconds: Math.ceil(result.resetMs / 1_000),
      windowSeconds: Math.ceil(rule.windowMs / 1_000),
    });
    if (!result.allowed) {
      this.events.emit({ type: 'throttle.limited', throttler: name, scope });
      throw new TooManyRequestsException(
        Math.ceil(result.retryAfterMs / 1_000),
        rateLimitHeaders(entries, this.security.throttling.rateLimitHeaders),
      );
    }
  }

  /** Applies the outage policy: `true` (let through, uncounted) or a 503; other errors rethrown. */
  private onStoreUnavailable(
    error: unknown,
    throttler: string,
    policy: StoreOutagePolicy = this.policies.get(throttler) ?? 'fail-open',
  ): true {
    if (!(error instanceof StoreUnavailableException)) throw error;
    this.events.emit({ type: 'throttle.store_unavailable', throttler, policy });
    if (policy === 'fail-closed') throw error;
    return true;
  }

  private clientIpKey(request: SecurityRequest): string {
    return this.security.throttling.clientIp.throttleKey(request) ?? 'unknown';
  }

  private entriesOf(request: object): RateLimitEntry[] {
    let entries = this.counted.get(request);
    if (entries === undefined) {
      entries = [];
      this.counted.set(request, entries);
    }
    return entries;
  }
}

/** `user:<principal id>` or `ip:<client IP key>`: see `getTracker`. */
/** The plain settings of a route that `plainRoutes` returned. */
function plainOf(route: RouteThrottler): PlainThrottler {
  return route.plain as PlainThrottler;
}

function trackerFor(authenticated: boolean, client: string): string {
  return `${authenticated ? 'user' : 'ip'}:${client}`;
}

/** A setting as a number once and for all, or the function that gives it per request. */
function numberSetting(value: unknown, option: string, throttler: string): NumberSetting {
  return typeof value === 'function'
    ? (value as (context: ExecutionContext) => unknown)
    : toNumber(value, option, throttler);
}

/** A per-request setting's value: the function called, its result checked. */
async function settle(
  context: ExecutionContext,
  setting: (context: ExecutionContext) => unknown,
  option: string,
  throttler: string,
): Promise<number> {
  return toNumber(await setting(context), option, throttler);
}

/** As `ThrottlerGuard` reads a setting: a number, or a string holding one; anything else throws. */
function toNumber(value: unknown, option: string, throttler: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || Number.isNaN(number)) {
    throw new Error(
      `Invalid "${option}" for the "${throttler}" throttler: expected a number, got ${JSON.stringify(value)}.`,
    );
  }
  return number;
}
