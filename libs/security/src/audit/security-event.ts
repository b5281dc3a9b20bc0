/**
 * What Rampart reports to the application's audit trail. Events never carry a token, a secret
 * or a password: only ids.
 */
export type SecurityEvent =
  | { readonly type: 'refresh_token.reused'; readonly userId: string; readonly familyId: string }
  | { readonly type: 'refresh_family.revoked'; readonly familyId: string; readonly userId?: string }
  | { readonly type: 'access_token.revoked'; readonly tokenId: string }
  | { readonly type: 'session.revoked'; readonly sessionId: string }
  | {
      readonly type: 'session.created';
      readonly sessionId: string;
      readonly userId: string;
    }
  | {
      readonly type: 'session.ended';
      readonly sessionId: string;
      readonly userId: string;
      readonly reason: 'logout' | 'idle' | 'absolute' | 'evicted' | 'rotated' | 'revoked';
    }
  | { readonly type: 'csrf.rejected'; readonly reason: 'fetch-metadata' | 'origin' | 'token' }
  | { readonly type: 'user.revoked'; readonly userId: string };

/** An event with the time it happened (ms since the epoch). */
export type TimedSecurityEvent = SecurityEvent & { readonly at: number };
