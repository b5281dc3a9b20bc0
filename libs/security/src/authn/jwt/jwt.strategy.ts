import { randomUUID, type KeyObject } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import { isPromiseLike, type MaybePromise } from '../../core/maybe-promise';
import type { Principal } from '../../core/principal.interface';
import { RequestSlot } from '../../core/request-slot';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { SecurityException } from '../../errors/security.exception';
import { TokenExpiredException } from '../../errors/token-expired.exception';
import { readJoseHeader } from './jose-header';
import type { JwtVerifierConfig, VerifiedClaims } from './jwt-verifier-config.interface';
import type { VerifiedToken } from './verified-token-cache';

/** What jsonwebtoken hands over with `complete: true`, after the signature and claims checked out. */
interface VerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: unknown;
}

/**
 * The key each request's token was verified with, set by the key provider (which runs before
 * `super()` returns, so it cannot reach instance fields). A request meets one strategy only.
 */
const keysUsed = new RequestSlot<KeyObject>();

/** Strategies register on a scratch instance first; the real registration uses a unique name. */
const scratch = new passport.Passport();

/**
 * passport-jwt strategy for one trusted issuer. The token is read from the `Authorization:
 * Bearer` header only (never the URL); the key comes from the issuer's key source by `kid` and
 * `alg` (never from the token); jsonwebtoken then checks signature, algorithm allow-list, `iss`,
 * `aud`, `exp` and `nbf` with the clock skew. `validate` adds what jsonwebtoken does not: `typ`
 * must be accepted, `exp` must be present, `iat` must not be in the future, `sub` must be a
 * non-empty string; then the issuer's `toPrincipal` decides.
 *
 * Each instance registers on passport under its own name ({@link strategyName}), so several
 * applications in one process never share keys.
 */
export class JwtStrategy extends PassportStrategy(Strategy) {
  /** The passport strategy name this instance is registered under. */
  readonly strategyName = `rampart-jwt:${randomUUID()}`;
  private readonly config: JwtVerifierConfig;
  /** What a request's full verification established, once every check passed. */
  private readonly verifiedTokens = new RequestSlot<VerifiedToken>();

  constructor(config: JwtVerifierConfig) {
    const strategyOptions: StrategyOptionsWithRequest = {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (
        request: unknown,
        rawToken: unknown,
        done: (error: Error | null, key?: string | Buffer) => void,
      ) => {
        const header = typeof rawToken === 'string' ? readJoseHeader(rawToken) : undefined;
        const { kid, alg } = header ?? {};
        if (
          typeof kid !== 'string' ||
          typeof alg !== 'string' ||
          !config.algorithms.includes(alg)
        ) {
          done(new Error('no configured key for this token'));
          return;
        }
        Promise.resolve(config.keySource.verificationKey(kid, alg)).then(
          (key: KeyObject | undefined) => {
            // jsonwebtoken takes a KeyObject (parsed once); the typings only list string | Buffer.
            if (key === undefined) {
              done(new Error('no configured key for this token'));
              return;
            }
            if (typeof request === 'object' && request !== null) keysUsed.set(request, key);
            done(null, key as KeyObject & Buffer);
          },
          () => {
            done(new Error('key source failed'));
          },
        );
      },
      issuer: config.issuer,
      audience: [...config.audience] as [string, ...string[]],
      algorithms: [...config.algorithms] as StrategyOptionsWithRequest['algorithms'],
      ignoreExpiration: false,
      passReqToCallback: true,
      // passport-jwt marks this deprecated for iss/aud/alg only; it is the one way to pass these two.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      jsonWebTokenOptions: { complete: true, clockTolerance: config.clockSkewSeconds },
    };
    super(strategyOptions);
    this.config = config;
    passport.use(this.strategyName, this);
  }

  /** The issuer this strategy verifies tokens of. */
  get issuer(): string {
    return this.config.issuer;
  }

  /** Overrides the mixin's registration target (see the class note). */
  getPassportInstance(): passport.PassportStatic {
    return scratch as passport.PassportStatic;
  }

  /** Removes this strategy from passport (at application shutdown). */
  unregister(): void {
    passport.unuse(this.strategyName);
  }

  async validate(request: SecurityRequest, token: VerifiedJwt): Promise<Principal> {
    const { header, payload } = token;
    const type = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
    if (type === undefined || !this.config.acceptedTypes.includes(type))
      throw new InvalidTokenException();
    if (typeof payload !== 'object' || payload === null) throw new InvalidTokenException();
    const claims = payload as Readonly<Record<string, unknown>>;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number') throw new InvalidTokenException();
    if (
      claims.iat !== undefined &&
      (typeof claims.iat !== 'number' || claims.iat > now + this.config.clockSkewSeconds)
    ) {
      throw new InvalidTokenException();
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new InvalidTokenException();
    if (typeof claims.iss !== 'string') throw new InvalidTokenException();
    const principal = await this.config.toPrincipal(claims as VerifiedClaims, request);
    const key = keysUsed.get(request);
    if (key !== undefined && typeof header.kid === 'string' && typeof header.alg === 'string') {
      this.verifiedTokens.set(request, {
        kid: header.kid,
        alg: header.alg,
        key,
        claims: claims as VerifiedClaims,
      });
    }
    return principal;
  }

  /**
   * What the full verification of this request's token established, when it succeeded: for the
   * bearer authenticator to remember the token.
   */
  verifiedTokenOf(request: object): VerifiedToken | undefined {
    return this.verifiedTokens.get(request);
  }

  /**
   * Accepts again a token this strategy verified before, without checking its signature: the key
   * source must still hand out the very key it verified with (else `undefined`: verify it in full),
   * and every check that depends on time or state runs as on a full verification: `exp` (expired:
   * {@link TokenExpiredException}), `nbf` and `iat` with the clock skew, then the issuer's
   * `toPrincipal` (revocation, certificate binding). Anything else it throws is an
   * {@link InvalidTokenException}, as on the passport path.
   *
   * Synchronous when the key source and `toPrincipal` are (Rampart's own tokens): the answer, or
   * the exception, comes without a promise. Otherwise a promise of the same.
   *
   * @example
   * const principal = await strategy.reaccept(cached, request);
   */
  reaccept(verified: VerifiedToken, request: SecurityRequest): MaybePromise<Principal | undefined> {
    let key: MaybePromise<KeyObject | undefined>;
    try {
      key = this.config.keySource.verificationKey(verified.kid, verified.alg);
    } catch {
      return undefined;
    }
    if (isPromiseLike(key)) {
      return key.then(
        (resolved) => this.reacceptWith(resolved, verified, request),
        () => undefined,
      );
    }
    return this.reacceptWith(key, verified, request);
  }

  private reacceptWith(
    key: KeyObject | undefined,
    verified: VerifiedToken,
    request: SecurityRequest,
  ): MaybePromise<Principal | undefined> {
    if (key !== verified.key) return undefined;
    const { claims } = verified;
    const skew = this.config.clockSkewSeconds;
    const nowMs = Date.now();
    // The checks of jsonwebtoken (`exp`, `nbf`, in whole seconds) and of validate() (`iat`).
    const nowSeconds = Math.floor(nowMs / 1000);
    if (nowSeconds >= claims.exp + skew) throw new TokenExpiredException();
    if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + skew)
      throw new InvalidTokenException();
    if (typeof claims.iat === 'number' && claims.iat > nowSeconds + skew)
      throw new InvalidTokenException();
    let principal: MaybePromise<Principal>;
    try {
      principal = this.config.toPrincipal(claims, request);
    } catch (error) {
      throw asTokenError(error);
    }
    if (isPromiseLike(principal)) {
      return principal.then(undefined, (error: unknown) => {
        throw asTokenError(error);
      });
    }
    return principal;
  }
}

/** What `toPrincipal` threw, as the request's answer: Rampart's own exceptions as they are. */
function asTokenError(error: unknown): SecurityException {
  return error instanceof SecurityException ? error : new InvalidTokenException();
}
