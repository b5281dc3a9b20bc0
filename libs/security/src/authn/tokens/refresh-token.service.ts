import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { SecurityClock } from '../../core/security-clock';
import { RESOLVED_SECURITY_OPTIONS, USER_PROVIDER } from '../../core/security.tokens';
import type { ResolvedSecurityOptions } from '../../core/resolved-security-options.interface';
import { InvalidRefreshTokenException } from '../../errors/invalid-refresh-token.exception';
import { SecurityConfigurationError } from '../../errors/security-configuration.error';
import { SecurityStore } from '../../store/security-store.interface';
import { TokenService, type AccessTokenBinding } from '../jwt/token.service';
import type { SecurityUser, UserProvider } from '../user-provider.interface';
import { SecurityEvents } from '../../audit/security-events';
import { RevocationService } from './revocation.service';

/** An access token and the refresh token that renews it, in OAuth 2.0 token-response terms. */
export interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: 'Bearer';
  /** Seconds until the access token expires. */
  readonly expires_in: number;
}

/** A refresh token as stored (under the hash of the token, never the token). */
interface RefreshRecord {
  readonly familyId: string;
  readonly userId: string;
}

/** A family: every refresh token descended from one login. */
interface FamilyRecord {
  readonly userId: string;
  readonly createdAtMs: number;
  readonly absoluteExpiresAtMs: number;
  readonly lastUsedAtMs: number;
  readonly certificateThumbprint?: string;
}

const PREFIX = 'rt_';
/** `rt_` and 43 base64url characters (256 random bits). */
const SHAPE = /^rt_[A-Za-z0-9_-]{43}$/;

const tokenKey = (hash: string) => `rt:${hash}`;
const usedKey = (hash: string) => `rt-used:${hash}`;
const familyKey = (familyId: string) => `rtf:${familyId}`;
const userFamiliesKey = (userId: string) => `rt-user:${userId}`;
const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Opaque, rotating refresh tokens (RFC 9700 section 4.14). A token is 256 random bits, stored only
 * as its SHA-256 hash, and belongs to a family started at login. Every refresh consumes the token
 * (atomically: of parallel refreshes with one token exactly one wins) and returns a new pair;
 * presenting a consumed token again is reuse, which revokes the whole family and every access
 * token issued with it. Families die when idle for `refreshTokenIdleTtlSeconds` or
 * `refreshTokenAbsoluteTtlSeconds` after login.
 *
 * @example
 * const pair = await refreshTokens.issue(user);      // at login
 * const next = await refreshTokens.refresh(body.refresh_token);
 */
@Injectable()
export class RefreshTokenService {
  constructor(
    @Inject(RESOLVED_SECURITY_OPTIONS) private readonly options: ResolvedSecurityOptions,
    @Inject(SecurityStore) private readonly store: SecurityStore,
    @Inject(SecurityClock) private readonly clock: SecurityClock,
    private readonly tokens: TokenService,
    private readonly revocations: RevocationService,
    private readonly events: SecurityEvents,
    @Optional() @Inject(USER_PROVIDER) private readonly users: UserProvider | null,
  ) {}

  /** Starts a family for `user` (at login) and returns its first token pair. */
  async issue(user: SecurityUser, binding: AccessTokenBinding = {}): Promise<TokenPair> {
    const { idleMs, absoluteMs } = this.lifetimes();
    const now = this.clock.now();
    const familyId = randomUUID();
    const family: FamilyRecord = {
      userId: user.id,
      createdAtMs: now,
      absoluteExpiresAtMs: now + absoluteMs,
      lastUsedAtMs: now,
      ...(binding.certificateThumbprint === undefined
        ? {}
        : { certificateThumbprint: binding.certificateThumbprint }),
    };
    await this.store.set(familyKey(familyId), family, absoluteMs);
    await this.store.addToSet(userFamiliesKey(user.id), familyId, absoluteMs);
    return this.pair(user, familyId, family, Math.min(idleMs, absoluteMs));
  }

  /**
   * Exchanges a refresh token for a new pair. Unknown, malformed, expired, revoked or reused
   * tokens all give the same 401; reuse also revokes the family.
   */
  async refresh(presented: unknown): Promise<TokenPair> {
    if (typeof presented !== 'string' || !SHAPE.test(presented))
      throw new InvalidRefreshTokenException();
    const hash = hashOf(presented);
    const record = await this.store.get<RefreshRecord>(tokenKey(hash));
    if (record === undefined) throw new InvalidRefreshTokenException();
    const family = await this.store.get<FamilyRecord>(familyKey(record.familyId));
    const now = this.clock.now();
    const { idleMs } = this.lifetimes();
    if (family === undefined || this.revocations.isFamilyRevoked(record.familyId))
      throw new InvalidRefreshTokenException();
    if (now >= family.absoluteExpiresAtMs || now >= family.lastUsedAtMs + idleMs) {
      await this.revokeFamily(record.familyId, record.userId);
      throw new InvalidRefreshTokenException();
    }
    const remainingMs = family.absoluteExpiresAtMs - now;
    if (!(await this.store.setIfAbsent(usedKey(hash), 1, remainingMs))) {
      this.events.emit({
        type: 'refresh_token.reused',
        userId: record.userId,
        familyId: record.familyId,
      });
      await this.revokeFamily(record.familyId, record.userId);
      throw new InvalidRefreshTokenException();
    }
    // The consumed token's record stays until the family ends: presenting it again is reuse.
    const user = await this.users?.findById(record.userId);
    if (user === undefined) {
      await this.revokeFamily(record.familyId, record.userId);
      throw new InvalidRefreshTokenException();
    }
    const used: FamilyRecord = { ...family, lastUsedAtMs: now };
    await this.store.set(familyKey(record.familyId), used, remainingMs);
    return this.pair(user, record.familyId, used, Math.min(idleMs, remainingMs));
  }

  /** Revokes the family of a refresh token (if it is one); unknown tokens are ignored. */
  async revoke(presented: unknown): Promise<void> {
    if (typeof presented !== 'string' || !SHAPE.test(presented)) return;
    const record = await this.store.get<RefreshRecord>(tokenKey(hashOf(presented)));
    if (record !== undefined) await this.revokeFamily(record.familyId, record.userId);
  }

  /** Revokes one family and every access token issued with it. */
  async revokeFamily(familyId: string, userId?: string): Promise<void> {
    await this.revocations.revokeFamily(familyId);
    await this.store.delete(familyKey(familyId));
    this.events.emit({
      type: 'refresh_family.revoked',
      familyId,
      ...(userId === undefined ? {} : { userId }),
    });
    if (userId !== undefined) await this.store.removeFromSet(userFamiliesKey(userId), familyId);
  }

  /** Revokes every family and every access token of a user (logout everywhere, password change). */
  async revokeUser(userId: string): Promise<void> {
    await this.revocations.revokeUser(userId);
    this.events.emit({ type: 'user.revoked', userId });
    for (const familyId of await this.store.members(userFamiliesKey(userId))) {
      await this.revokeFamily(familyId, userId);
    }
    await this.store.delete(userFamiliesKey(userId));
  }

  private async pair(
    user: SecurityUser,
    familyId: string,
    family: FamilyRecord,
    ttlMs: number,
  ): Promise<TokenPair> {
    await this.revocations.ensureEpoch();
    const refreshToken = PREFIX + randomBytes(32).toString('base64url');
    const record: RefreshRecord = { familyId, userId: user.id };
    await this.store.set(tokenKey(hashOf(refreshToken)), record, ttlMs);
    const access = this.tokens.issueAccessToken(user, {
      familyId,
      ...(family.certificateThumbprint === undefined
        ? {}
        : { certificateThumbprint: family.certificateThumbprint }),
    });
    return {
      access_token: access.accessToken,
      refresh_token: refreshToken,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
    };
  }

  private lifetimes(): { idleMs: number; absoluteMs: number } {
    const jwt = this.options.jwt;
    if (jwt === undefined) {
      throw new SecurityConfigurationError(
        'jwt',
        'is not configured, so refresh tokens cannot be issued',
        'configure jwt',
      );
    }
    return {
      idleMs: jwt.refreshTokenIdleTtlSeconds * 1000,
      absoluteMs: jwt.refreshTokenAbsoluteTtlSeconds * 1000,
    };
  }
}
