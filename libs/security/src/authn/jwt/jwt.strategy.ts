import { randomUUID, type KeyObject } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { ExtractJwt, Strategy, type StrategyOptionsWithRequest } from 'passport-jwt';
import type { Principal } from '../../core/principal.interface';
import type { SecurityRequest } from '../../core/security-request.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { readJoseHeader } from './jose-header';
import type { JwtVerifierConfig, VerifiedClaims } from './jwt-verifier-config.interface';

/** What jsonwebtoken hands over with `complete: true`, after the signature and claims checked out. */
interface VerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: unknown;
}

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

  constructor(config: JwtVerifierConfig) {
    const strategyOptions: StrategyOptionsWithRequest = {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (
        _request: unknown,
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
            if (key === undefined) done(new Error('no configured key for this token'));
            else done(null, key as KeyObject & Buffer);
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
    return this.config.toPrincipal(claims as VerifiedClaims, request);
  }
}
