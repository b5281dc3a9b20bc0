import type { SecurityUser } from '../user-provider.interface';

/** How the session's login happened. */
export type SessionVia = 'session' | 'oidc';

/**
 * What an OpenID Connect login tells of its session: enough for RP-initiated logout
 * (`id_token_hint`) and back-channel logout (revocation by the provider's `sid` or `sub`).
 *
 * @example
 * await sessions.login(request, response, user, {
 *   via: 'oidc',
 *   oidc: { provider: 'keycloak', issuer, subject: claims.sub, sid: claims.sid, idToken },
 * });
 */
export interface SessionOidcLink {
  /** Name of the provider in the `oidc` options. */
  readonly provider: string;
  /** The provider's issuer (`iss`). */
  readonly issuer: string;
  /** The ID token's `sub` at that issuer. */
  readonly subject: string;
  /** The provider's session id (`sid` claim), when it sent one. */
  readonly sid: string | undefined;
  /** The ID token, kept for `id_token_hint` at logout. */
  readonly idToken: string;
}

/** One session as Rampart keeps it (the store holds it as a record of fields). */
export interface SessionRecord {
  readonly user: SecurityUser;
  readonly via: SessionVia;
  /** ms since the epoch. */
  readonly createdAt: number;
  /** ms since the epoch: the absolute end, whatever the use. */
  readonly absoluteExpiresAt: number;
  /** ms since the epoch, written at most every `touchIntervalSeconds`. */
  readonly lastSeenAt: number;
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
  /** Base64url CSRF secret; clients see masked tokens only. */
  readonly csrfSecret: string;
  /** Application data (`SessionData`), one store field per key. */
  readonly data: Readonly<Record<string, unknown>>;
  /** Set when an OpenID Connect login made the session. */
  readonly oidc?: SessionOidcLink;
}

/** Store field names. Data keys are prefixed so that they never collide with Rampart's own. */
export const FIELD = {
  user: 'user',
  meta: 'meta',
  seen: 'seen',
  csrf: 'csrf',
  oidc: 'oidc',
  dataPrefix: 'd.',
} as const;

interface StoredMeta {
  readonly via: SessionVia;
  readonly createdAt: number;
  readonly absoluteExpiresAt: number;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/** The store fields of a new record. */
export function toFields(record: SessionRecord): Record<string, unknown> {
  const meta: StoredMeta = {
    via: record.via,
    createdAt: record.createdAt,
    absoluteExpiresAt: record.absoluteExpiresAt,
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
  };
  const fields: Record<string, unknown> = {
    [FIELD.user]: { id: record.user.id, username: record.user.username, roles: record.user.roles },
    [FIELD.meta]: meta,
    [FIELD.seen]: record.lastSeenAt,
    [FIELD.csrf]: record.csrfSecret,
  };
  if (record.oidc !== undefined) {
    const { provider, issuer, subject, sid, idToken } = record.oidc;
    fields[FIELD.oidc] = { provider, issuer, subject, sid: sid ?? null, idToken };
  }
  for (const [key, value] of Object.entries(record.data)) fields[FIELD.dataPrefix + key] = value;
  return fields;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A record read back from the store, checked field by field; `undefined` when anything is off
 * (a half-written or foreign record never authenticates anyone).
 */
export function fromFields(fields: Record<string, unknown>): SessionRecord | undefined {
  const user = fields[FIELD.user];
  const meta = fields[FIELD.meta];
  const seen = fields[FIELD.seen];
  const csrf = fields[FIELD.csrf];
  if (!isRecord(user) || !isRecord(meta) || typeof seen !== 'number' || typeof csrf !== 'string') {
    return undefined;
  }
  const { id, username, roles } = user;
  if (typeof id !== 'string' || typeof username !== 'string' || !Array.isArray(roles))
    return undefined;
  if (!roles.every((role): role is string => typeof role === 'string')) return undefined;
  const { via, createdAt, absoluteExpiresAt, ip, userAgent } = meta;
  if ((via !== 'session' && via !== 'oidc') || typeof createdAt !== 'number') return undefined;
  if (typeof absoluteExpiresAt !== 'number') return undefined;
  const oidcField = fields[FIELD.oidc];
  let oidc: SessionOidcLink | undefined;
  if (oidcField !== undefined) {
    oidc = oidcLinkOf(oidcField);
    if (oidc === undefined) return undefined;
  }
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith(FIELD.dataPrefix)) data[name.slice(FIELD.dataPrefix.length)] = value;
  }
  return {
    user: { id, username, roles },
    via,
    createdAt,
    absoluteExpiresAt,
    lastSeenAt: seen,
    ip: typeof ip === 'string' ? ip : undefined,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
    csrfSecret: csrf,
    data,
    ...(oidc === undefined ? {} : { oidc }),
  };
}

function oidcLinkOf(value: unknown): SessionOidcLink | undefined {
  if (!isRecord(value)) return undefined;
  const { provider, issuer, subject, sid, idToken } = value;
  if (typeof provider !== 'string' || typeof issuer !== 'string') return undefined;
  if (typeof subject !== 'string' || typeof idToken !== 'string') return undefined;
  if (sid !== null && typeof sid !== 'string') return undefined;
  return { provider, issuer, subject, sid: sid ?? undefined, idToken };
}
