import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OidcFailedException } from '../../errors/oidc-failed.exception';
import type { SecurityStore } from '../../store/security-store.interface';

/** What a started login leaves in the store until its callback (or its expiry). */
export interface PendingOidcLogin {
  /** Provider name. */
  readonly provider: string;
  /** SHA-256 (base64url) of the browser-binding cookie of the browser that started it. */
  readonly binding: string;
  readonly nonce: string;
  /** PKCE `code_verifier` (RFC 7636), never sent to the browser. */
  readonly codeVerifier: string;
  /** ms since the epoch. */
  readonly createdAt: number;
}

/** 256 random bits, base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256, base64url. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Whether `value` looks like a token of {@link randomToken} (state, binding cookie). */
export function isRandomToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN.test(value);
}

const stateKey = (state: string): string => `oidc-state:${sha256(state)}`;
const usedKey = (state: string): string => `oidc-state-used:${sha256(state)}`;

/**
 * Pending OpenID Connect logins in the {@link SecurityStore} (not express-session): each login
 * gets its own random `state` (so a browser can have several logins pending, one per tab), kept
 * under its hash with the nonce, the PKCE verifier and the hash of the browser-binding cookie.
 * A state is accepted once, from the browser that started the login, before it expires; the
 * single use holds across instances (an atomic set-if-absent marks it used).
 */
export class OidcStateStore {
  constructor(
    private readonly store: SecurityStore,
    private readonly ttlMs: number,
  ) {}

  /** Saves a pending login and returns its `state`. */
  async save(login: PendingOidcLogin): Promise<string> {
    const state = randomToken();
    await this.store.set(stateKey(state), login, this.ttlMs);
    return state;
  }

  /**
   * The pending login of `state`, consumed: refused (401 `SECURITY_OIDC_FAILED`) when the state
   * is missing, malformed, unknown, expired, already used, or was started by another browser
   * (`binding` is the hash of this request's binding cookie, if any).
   */
  async consume(state: unknown, binding: string | undefined): Promise<PendingOidcLogin> {
    if (!isRandomToken(state) || binding === undefined) throw new OidcFailedException();
    const login = await this.store.get<PendingOidcLogin>(stateKey(state));
    if (login === undefined || !sameHash(login.binding, binding)) {
      throw new OidcFailedException();
    }
    // Only now, for the right browser: the first callback with this state wins, everywhere.
    if (!(await this.store.setIfAbsent(usedKey(state), 1, this.ttlMs))) {
      throw new OidcFailedException();
    }
    await this.store.delete(stateKey(state));
    return login;
  }
}

function sameHash(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
