import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { SecurityEvents } from '../../audit/security-events';
import { SecurityClock } from '../../core/security-clock';
import { RESOLVED_SECURITY_OPTIONS } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { StoreUnavailableException } from '../../errors/store-unavailable.exception';
import { SecurityStore } from '../../store/security-store.interface';

/** What a revocation check needs to know of a verified access token. */
export interface RevocableToken {
  /** `jti`. */
  readonly id: string | undefined;
  /** `fid`: the refresh-token family. */
  readonly familyId: string | undefined;
  /** `sid`: the session the token was issued for. */
  readonly sessionId?: string | undefined;
  /** `sub`. */
  readonly userId: string;
  /** When it was issued, in milliseconds since the epoch. */
  readonly issuedAtMs: number;
}

type RevocationKind = 'jti' | 'fid' | 'sid' | 'user';

/** One revocation, as stored (a set member) and as published. */
interface Revocation {
  readonly kind: RevocationKind;
  readonly id: string;
  /** Until when the entry matters, in ms since the epoch (after that the token is dead anyway). */
  readonly untilMs: number;
  /** `user` only: tokens issued before this instant (ms) are revoked. */
  readonly notBeforeMs?: number;
}

/** Marks one generation of the store's revocation state; a new one means the old state was lost. */
interface Epoch {
  readonly id: string;
  readonly notBeforeMs: number;
}

const CHANNEL = 'revocations';
const EPOCH_KEY = 'rev:epoch';
const EPOCH_TTL_MS = 365 * 24 * 60 * 60 * 1000;
const SET_KEY: Readonly<Record<RevocationKind, string>> = {
  jti: 'rev:jti',
  fid: 'rev:fid',
  sid: 'rev:sid',
  user: 'rev:user',
};
const KINDS: readonly RevocationKind[] = ['jti', 'fid', 'sid', 'user'];

function encode(revocation: Revocation): string {
  return JSON.stringify([
    revocation.kind,
    revocation.id,
    revocation.untilMs,
    revocation.notBeforeMs ?? 0,
  ]);
}

function decode(text: string): Revocation | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value) || value.length !== 4) return undefined;
    const [kind, id, untilMs, notBeforeMs] = value as unknown[];
    if (!KINDS.includes(kind as RevocationKind) || typeof id !== 'string') return undefined;
    if (typeof untilMs !== 'number' || typeof notBeforeMs !== 'number') return undefined;
    return { kind: kind as RevocationKind, id, untilMs, notBeforeMs };
  } catch {
    return undefined;
  }
}

/** Revocations known to one instance, each kept until it no longer matters. */
class RevocationState {
  /** `jti`, `fid`, `sid` -> until (ms). */
  private readonly ids: Readonly<Record<Exclude<RevocationKind, 'user'>, Map<string, number>>> = {
    jti: new Map(),
    fid: new Map(),
    sid: new Map(),
  };
  private readonly users = new Map<string, { notBeforeMs: number; untilMs: number }>();

  apply(revocation: Revocation): void {
    if (revocation.kind === 'user') {
      const previous = this.users.get(revocation.id);
      this.users.set(revocation.id, {
        notBeforeMs: Math.max(revocation.notBeforeMs ?? 0, previous?.notBeforeMs ?? 0),
        untilMs: Math.max(revocation.untilMs, previous?.untilMs ?? 0),
      });
      return;
    }
    const map = this.ids[revocation.kind];
    map.set(revocation.id, Math.max(revocation.untilMs, map.get(revocation.id) ?? 0));
  }

  /** Whether `id` of that kind is revoked at `nowMs`. */
  has(kind: Exclude<RevocationKind, 'user'>, id: string | undefined, nowMs: number): boolean {
    return id !== undefined && (this.ids[kind].get(id) ?? 0) > nowMs;
  }

  /** Whether the user's tokens issued at `issuedAtMs` are revoked at `nowMs`. */
  userRevoked(userId: string, issuedAtMs: number, nowMs: number): boolean {
    const user = this.users.get(userId);
    return user !== undefined && user.untilMs > nowMs && issuedAtMs < user.notBeforeMs;
  }

  /** Every entry still in force at `nowMs`, as revocations. */
  *live(nowMs: number): Generator<Revocation> {
    for (const kind of ['jti', 'fid', 'sid'] as const) {
      for (const [id, untilMs] of this.ids[kind]) if (untilMs > nowMs) yield { kind, id, untilMs };
    }
    for (const [id, { notBeforeMs, untilMs }] of this.users) {
      if (untilMs > nowMs) yield { kind: 'user', id, untilMs, notBeforeMs };
    }
  }
}

/**
 * Revocation of access tokens by token (`jti`), by refresh family (`fid`), by session (`sid`) and
 * by user (every token issued before now), checked without a store round trip: each instance keeps the state
 * in memory, applies what other instances publish on the `revocations` channel at once, and
 * re-reads the store every `jwt.revocationSyncIntervalSeconds` to repair missed messages.
 *
 * Fail closed: the store holds an epoch marker; when it is gone (a flush, a restart of an
 * in-memory store), a new epoch starts and every token issued before it is refused, so a lost
 * revocation never brings a token back. When the store has not answered for three sync intervals,
 * checks throw a 503 {@link StoreUnavailableException} rather than trust stale state.
 *
 * @example
 * await revocations.revokeUser(user.id); // logout everywhere
 */
@Injectable()
export class RevocationService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RevocationService');
  private state = new RevocationState();
  private epoch: Epoch | undefined;
  private lastSyncOkAtMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly intervalMs: number;
  private readonly setTtlMs: number;

  constructor(
    @Inject(SecurityStore) private readonly store: SecurityStore,
    @Inject(SecurityClock) private readonly clock: SecurityClock,
    @Inject(RESOLVED_SECURITY_OPTIONS) options: ResolvedSecurityOptions,
    @Optional() private readonly events?: SecurityEvents,
  ) {
    const jwt = options.jwt;
    this.intervalMs = (jwt?.revocationSyncIntervalSeconds ?? 5) * 1000;
    this.setTtlMs =
      ((jwt?.refreshTokenAbsoluteTtlSeconds ?? 2_592_000) + (jwt?.accessTokenTtlSeconds ?? 900)) *
      1000;
  }

  async onModuleInit(): Promise<void> {
    this.unsubscribe = await this.store.subscribe(CHANNEL, (message) => {
      const revocation = decode(message);
      if (revocation !== undefined) this.state.apply(revocation);
    });
    await this.sync();
    this.timer = setInterval(() => {
      this.sync().catch((error: unknown) => {
        this.logger.warn(
          `Revocation sync failed (${error instanceof Error ? error.name : typeof error}); retrying`,
        );
      });
    }, this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.unsubscribe?.().catch(() => undefined);
  }

  /**
   * Throws when the token is revoked (401) or when the revocation state is too stale to trust
   * (503). Synchronous: no store round trip.
   */
  assertNotRevoked(token: RevocableToken): void {
    if (Date.now() - this.lastSyncOkAtMs > 3 * this.intervalMs)
      throw new StoreUnavailableException();
    if (this.epoch === undefined || token.issuedAtMs < this.epoch.notBeforeMs)
      throw new InvalidTokenException();
    const now = this.clock.now();
    if (
      this.state.has('jti', token.id, now) ||
      this.state.has('fid', token.familyId, now) ||
      this.state.has('sid', token.sessionId, now) ||
      this.state.userRevoked(token.userId, token.issuedAtMs, now)
    ) {
      throw new InvalidTokenException();
    }
  }

  /** Whether a refresh family is revoked (as far as this instance knows). */
  isFamilyRevoked(familyId: string): boolean {
    return this.state.has('fid', familyId, this.clock.now());
  }

  /** Revokes one access token until its expiry (`expiresAtMs`). */
  async revokeToken(tokenId: string, expiresAtMs: number): Promise<void> {
    await this.revoke({ kind: 'jti', id: tokenId, untilMs: expiresAtMs });
    this.events?.emit({ type: 'access_token.revoked', tokenId });
  }

  /** Revokes a refresh-token family and every access token issued with it. */
  revokeFamily(familyId: string): Promise<void> {
    return this.revoke({ kind: 'fid', id: familyId, untilMs: this.clock.now() + this.setTtlMs });
  }

  /** Revokes every access token issued for a session (`sid` claim). */
  async revokeSession(sessionId: string): Promise<void> {
    await this.revoke({ kind: 'sid', id: sessionId, untilMs: this.clock.now() + this.setTtlMs });
    this.events?.emit({ type: 'session.revoked', sessionId });
  }

  /** Revokes every access token of a user issued before now. */
  revokeUser(userId: string): Promise<void> {
    const now = this.clock.now();
    return this.revoke({
      kind: 'user',
      id: userId,
      untilMs: now + this.setTtlMs,
      notBeforeMs: now,
    });
  }

  /** Writes the revocation, applies it here at once, and tells every other instance. */
  private async revoke(revocation: Revocation): Promise<void> {
    this.state.apply(revocation);
    await this.store.addToSet(SET_KEY[revocation.kind], encode(revocation), this.setTtlMs);
    await this.store.publish(CHANNEL, encode(revocation));
    await this.checkEpoch();
  }

  /** Re-reads the whole revocation state; prunes what has expired. */
  private async sync(): Promise<void> {
    await this.checkEpoch();
    const now = this.clock.now();
    const fresh = new RevocationState();
    for (const kind of KINDS) {
      for (const member of await this.store.members(SET_KEY[kind])) {
        const revocation = decode(member);
        if (revocation === undefined || revocation.untilMs <= now) {
          await this.store.removeFromSet(SET_KEY[kind], member);
        } else {
          fresh.apply(revocation);
        }
      }
    }
    // Keep what this instance applied meanwhile (a message may arrive during the read).
    for (const revocation of this.state.live(now)) fresh.apply(revocation);
    this.state = fresh;
    this.lastSyncOkAtMs = Date.now();
  }

  /**
   * Makes sure the store's epoch is known before tokens are issued, so that a token issued just
   * after the store lost its state is not refused when the loss is noticed a moment later.
   */
  ensureEpoch(): Promise<void> {
    return this.checkEpoch();
  }

  /** Starts a new epoch when the store lost the marker; adopts another instance's new epoch. */
  private async checkEpoch(): Promise<void> {
    let epoch = await this.store.get<Epoch>(EPOCH_KEY);
    if (epoch === undefined) {
      const candidate: Epoch = { id: randomUUID(), notBeforeMs: this.clock.now() };
      await this.store.setIfAbsent(EPOCH_KEY, candidate, EPOCH_TTL_MS);
      epoch = (await this.store.get<Epoch>(EPOCH_KEY)) ?? candidate;
    }
    if (this.epoch !== undefined && this.epoch.id !== epoch.id) {
      this.logger.warn(
        'The revocation state in the store was lost (flush or restart): tokens issued before now are refused',
      );
    }
    this.epoch = epoch;
  }
}
