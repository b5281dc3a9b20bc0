import { randomUUID, type KeyObject } from 'node:crypto';
import { PassportStrategy } from '@nestjs/passport';
import passport from 'passport';
import { ExtractJwt, Strategy, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import type { Principal } from '../../core/principal.interface';
import { InvalidTokenException } from '../../errors/invalid-token.exception';
import { readJoseHeader } from './jose-header';
import { ACCEPTED_ACCESS_TOKEN_TYPES } from './jwt.constants';
import type { JwtKeyRing } from './jwt-key-ring';
import type { ResolvedJwtOptions } from './resolved-jwt-options.interface';

/** What jsonwebtoken hands over with `complete: true`, after the signature and claims checked out. */
interface VerifiedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: unknown;
}

/** Strategies register on a scratch instance first; the real registration uses a unique name. */
const scratch = new passport.Passport();

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * passport-jwt strategy for Rampart access tokens: the token is read from the `Authorization:
 * Bearer` header only (never the URL); the key is chosen by `kid` among configured keys only,
 * and the header's `alg` must be that key's algorithm; jsonwebtoken then checks signature,
 * algorithm allow-list, `iss`, `aud`, `exp` and `nbf` with the configured clock skew. `validate`
 * adds what jsonwebtoken does not: `typ` must be `at+jwt`, `exp` must be present, `iat` must not
 * be in the future, and `sub`/`roles` must be well formed.
 *
 * Each instance registers on passport under its own name ({@link strategyName}), so several
 * applications in one process never share keys.
 */
export class JwtStrategy extends PassportStrategy(Strategy) {
  /** The passport strategy name this instance is registered under. */
  readonly strategyName = `rampart-jwt:${randomUUID()}`;
  private readonly clockSkewSeconds: number;

  constructor(options: ResolvedJwtOptions, keyRing: JwtKeyRing) {
    const strategyOptions: StrategyOptionsWithoutRequest = {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: (
        _request: unknown,
        rawToken: unknown,
        done: (error: Error | null, key?: string | Buffer) => void,
      ) => {
        const header = typeof rawToken === 'string' ? readJoseHeader(rawToken) : undefined;
        const key =
          typeof header?.kid === 'string' ? keyRing.verificationKey(header.kid) : undefined;
        if (key === undefined || header?.alg !== key.algorithm) {
          done(new Error('no configured key for this token'));
          return;
        }
        // jsonwebtoken takes a KeyObject (parsed once, at start-up); the typings only list string | Buffer.
        done(null, key.verificationKey as KeyObject & Buffer);
      },
      issuer: options.issuer,
      audience: [...options.audience] as [string, ...string[]],
      algorithms: [...keyRing.algorithms],
      ignoreExpiration: false,
      // passport-jwt marks this deprecated for iss/aud/alg only; it is the one way to pass these two.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      jsonWebTokenOptions: { complete: true, clockTolerance: options.clockSkewSeconds },
    };
    super(strategyOptions);
    this.clockSkewSeconds = options.clockSkewSeconds;
    passport.use(this.strategyName, this);
  }

  /** Overrides the mixin's registration target (see the class note). */
  getPassportInstance(): passport.PassportStatic {
    return scratch as passport.PassportStatic;
  }

  /** Removes this strategy from passport (at application shutdown). */
  unregister(): void {
    passport.unuse(this.strategyName);
  }

  validate(token: VerifiedJwt): Principal {
    const { header, payload } = token;
    const type = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
    if (type === undefined || !ACCEPTED_ACCESS_TOKEN_TYPES.includes(type))
      throw new InvalidTokenException();
    if (typeof payload !== 'object' || payload === null) throw new InvalidTokenException();
    const claims = payload as Readonly<Record<string, unknown>>;
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number') throw new InvalidTokenException();
    if (
      claims.iat !== undefined &&
      (typeof claims.iat !== 'number' || claims.iat > now + this.clockSkewSeconds)
    ) {
      throw new InvalidTokenException();
    }
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new InvalidTokenException();
    const roles = claims.roles ?? [];
    if (!isStringArray(roles)) throw new InvalidTokenException();
    const username =
      typeof claims.preferred_username === 'string' ? claims.preferred_username : claims.sub;
    return { id: claims.sub, username, roles: Object.freeze([...roles]), authMethod: 'jwt' };
  }
}
