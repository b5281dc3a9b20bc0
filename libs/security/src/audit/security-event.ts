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
  | { readonly type: 'user.revoked'; readonly userId: string }
  | {
      /**
       * A `@ScannedUpload()` request was refused. `signature` and `sha256` (of the infected file)
       * come with `infected`, `detectedType` with `type-not-allowed`, `failure` (why the scanner
       * gave no verdict) with `scanner-unavailable`. Never the file's name or content.
       */
      readonly type: 'upload.rejected';
      readonly reason:
        'infected' | 'scanner-unavailable' | 'too-large' | 'type-not-allowed' | 'too-many-files';
      readonly userId?: string;
      readonly signature?: string;
      readonly sha256?: string;
      readonly detectedType?: string;
      readonly failure?: string;
    }
  | {
      /** A request was refused with 429 by the throttler `throttler`. */
      readonly type: 'throttle.limited';
      readonly throttler: string;
      /** What was counted: the principal, the client IP, or (credential endpoints) the account. */
      readonly scope: 'principal' | 'ip' | 'account';
      /** The principal's id, when `scope` is `'principal'`. */
      readonly userId?: string;
    }
  | {
      /** A `@Policies()` policy denied a request (403). `route` is `Controller.method`. */
      readonly type: 'policy.denied';
      readonly policy: string;
      readonly route: string;
      readonly userId: string;
    }
  | {
      /**
       * A policy threw something other than an `HttpException`; the request was denied (403).
       * `error` is the error's class name (`TypeError`), never its message.
       */
      readonly type: 'policy.error';
      readonly policy: string;
      readonly route: string;
      readonly userId: string;
      readonly error: string;
    }
  | {
      /** The store could not count a request; `policy` says whether it was let through. */
      readonly type: 'throttle.store_unavailable';
      readonly throttler: string;
      readonly policy: 'fail-open' | 'fail-closed';
    };

/** An event with the time it happened (ms since the epoch). */
export type TimedSecurityEvent = SecurityEvent & { readonly at: number };
