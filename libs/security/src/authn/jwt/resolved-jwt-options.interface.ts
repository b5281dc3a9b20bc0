import type { KeyObject } from 'node:crypto';
import type { JwtAlgorithm } from '../../core/security-module-options.interface';

/** One key after validation: parsed KeyObjects, never strings. */
export interface ResolvedJwtKey {
  readonly kid: string;
  readonly algorithm: JwtAlgorithm;
  /** Private key (asymmetric) or secret (HMAC); absent for a verify-only key. */
  readonly signingKey: KeyObject | undefined;
  /** Public key (asymmetric) or secret (HMAC). */
  readonly verificationKey: KeyObject;
}

export interface ResolvedJwtOptions {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** `undefined`: generate a development key pair at start-up (never in production). */
  readonly keys: readonly ResolvedJwtKey[] | undefined;
  readonly activeKid: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly clockSkewSeconds: number;
  readonly refreshTokenIdleTtlSeconds: number;
  readonly refreshTokenAbsoluteTtlSeconds: number;
  readonly revocationSyncIntervalSeconds: number;
}
